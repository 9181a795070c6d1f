// Shrinks a state dir on which AuthBar and OpenClaw disagree about one agent to a minimal one:
// greedily drop files, config agents and JSON keys (any depth) while the disagreement stays.
// Each try costs one real OpenClaw run, so shrinking has a budget.
import type { Files } from './generate.ts';
import { agrees, judge, type JudgeOptions } from './judge.ts';

type Json = unknown;

/** Every document obtained by deleting one key or array element somewhere in `value`. */
function* deletions(value: Json): Generator<Json> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield [...value.slice(0, i), ...value.slice(i + 1)];
    for (let i = 0; i < value.length; i++) for (const inner of deletions(value[i])) yield value.map((v, j) => (j === i ? inner : v));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    for (const [key] of entries) yield Object.fromEntries(entries.filter(([k]) => k !== key));
    for (const [key, child] of entries) for (const inner of deletions(child)) yield { ...value, [key]: inner };
  }
}

function* candidates(files: Files): Generator<Files> {
  for (const path of Object.keys(files)) {
    if (path.endsWith('openclaw.json')) continue;
    const { [path]: _, ...rest } = files;
    yield rest;
  }
  for (const [path, text] of Object.entries(files)) {
    let parsed: Json;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    for (const smaller of deletions(parsed)) yield { ...files, [path]: JSON.stringify(smaller, null, 2) };
  }
}

export interface ShrinkResult {
  files: Files;
  tries: number;
}

/** Greedy shrinking under any predicate: the smallest state dir found that still `fails`. */
export async function shrinkWith(files: Files, fails: (candidate: Files) => Promise<boolean>, budget: { maxTries: number; deadline?: number }): Promise<ShrinkResult> {
  let current = files;
  let tries = 0;
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const candidate of candidates(current)) {
      if (tries >= budget.maxTries || (budget.deadline !== undefined && Date.now() > budget.deadline)) return { files: current, tries };
      tries++;
      if (await fails(candidate)) {
        current = candidate;
        progressed = true;
        break;
      }
    }
  }
  return { files: current, tries };
}

/** Shrinks while AuthBar and the real OpenClaw still disagree about `agentId`. */
export async function shrink(files: Files, agentId: string, options: JudgeOptions & { maxTries: number; deadline?: number }): Promise<ShrinkResult> {
  return shrinkWith(files, async (candidate) => {
    const judged = (await judge(candidate, { ...options, only: agentId })).agents[0];
    return judged !== undefined && judged.theirs !== null && !agrees(judged);
  }, options);
}
