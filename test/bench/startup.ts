// `status --json` over 100 agents beside a bare Node reader of the same 100 stores, run
// interleaved (bare, AuthBar, bare, AuthBar...) so both see the same machine load; prints the
// medians, the best runs and both ratios. Timing lives in the bench only, never in tests.
//
//   node --experimental-strip-types test/bench/startup.ts [runs]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeStateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'authbar.cjs');

/** What any Node program pays to read the same 100 stores and print them: the practical floor. */
export const BARE_READER = "const fs=require('fs'),p=require('path');const r=p.join(process.env.OPENCLAW_STATE_DIR,'agents');const o=[];for(const id of fs.readdirSync(r)){try{o.push(JSON.parse(fs.readFileSync(p.join(r,id,'agent','auth-profiles.json'),'utf8')))}catch{}}process.stdout.write(JSON.stringify(o.map(s=>Object.keys(s.profiles)),null,2))";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const CPU_PROBE = join(import.meta.dirname, 'cpu-probe.mjs');

/** One run: wall time as a shell sees it, and the process's own CPU time (less swayed by a loaded machine). */
function once(args: string[], env: Record<string, string>): { wall: number; cpu: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', CPU_PROBE, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return { wall, cpu: Number(/cpu_us=(\d+)/.exec(String(result.stderr))?.[1] ?? Number.NaN) / 1000 };
}

const PHASE_PROBE = join(import.meta.dirname, 'phase-probe.cjs');

/** Medians, in ms from the process's start: Node ready, code loaded, first output, exit. */
export interface Phases {
  ready: number;
  loaded: number;
  firstWrite: number;
  exit: number;
}

function phasesOf(args: string[], env: Record<string, string>, runs: number): Phases {
  const all: number[][] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ['-r', PHASE_PROBE, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const line = /phases=([\d.,]+)/.exec(String(result.stderr))?.[1];
    if (result.status !== 0 || !line) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
    all.push(line.split(',').map(Number));
  }
  const at = (k: number) => median(all.map((p) => p[k]!));
  return { ready: at(0), loaded: at(1), firstWrite: at(2), exit: at(3) };
}

export interface Timings {
  wall: number[];
  cpu: number[];
}

export interface StartupRatio {
  bare: Timings;
  authbar: Timings;
  /** AuthBar / bare: medians of wall time, best runs of wall time, medians of CPU time. */
  medianRatio: number;
  minRatio: number;
  cpuRatio: number;
  /** Where each one's time goes (separate runs, so the probe never sways the ratio). */
  barePhases: Phases;
  authbarPhases: Phases;
}

export function startupRatio(runs: number, authbarArgs: string[] = [CLI, 'status', '--json']): StartupRatio {
  const d = makeStateDir({
    imageGenerationModel: 'openai/gpt-image-2',
    agents: Array.from({ length: 100 }, (_, i) => ({
      id: i === 0 ? 'main' : `agent-${String(i).padStart(4, '0')}`,
      default: i === 0,
      store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: `acct-${i % 25}` }) }),
    })),
  });
  try {
    // Warm both (the page cache, V8's compile cache on disk, AuthBar's history) before measuring either.
    once(['-e', BARE_READER], d.env);
    once(authbarArgs, d.env);
    const bare: Timings = { wall: [], cpu: [] };
    const authbar: Timings = { wall: [], cpu: [] };
    for (let i = 0; i < runs; i++) {
      for (const [args, into] of [[['-e', BARE_READER], bare], [authbarArgs, authbar]] as const) {
        const t = once([...args], d.env);
        into.wall.push(t.wall);
        into.cpu.push(t.cpu);
      }
    }
    const phaseRuns = Math.max(5, Math.ceil(runs / 2));
    const barePhases = phasesOf(['-e', BARE_READER], d.env, phaseRuns);
    const authbarPhases = phasesOf(authbarArgs, d.env, phaseRuns);
    return {
      bare,
      authbar,
      barePhases,
      authbarPhases,
      medianRatio: median(authbar.wall) / median(bare.wall),
      minRatio: Math.min(...authbar.wall) / Math.min(...bare.wall),
      cpuRatio: median(authbar.cpu) / median(bare.cpu),
    };
  } finally {
    d.cleanup();
  }
}

if (import.meta.main) {
  const runs = Number(process.argv[2] ?? 20);
  const r = startupRatio(runs);
  const f = (x: number) => `${x.toFixed(1)} ms`;
  for (const [name, t] of [['bare reader', r.bare], ['authbar status --json', r.authbar]] as const) {
    process.stdout.write(`${name}: wall median ${f(median(t.wall))}, min ${f(Math.min(...t.wall))}; CPU median ${f(median(t.cpu))}\n`);
  }
  for (const [name, p] of [['bare reader', r.barePhases], ['authbar status --json', r.authbarPhases]] as const) {
    process.stdout.write(`${name} phases: Node ready ${f(p.ready)}, code loaded +${f(p.loaded - p.ready)}, report computed +${f(p.firstWrite - p.loaded)}, printed and exited +${f(p.exit - p.firstWrite)}\n`);
  }
  process.stdout.write(`ratio: ${r.medianRatio.toFixed(2)}x wall (medians), ${r.minRatio.toFixed(2)}x wall (best runs), ${r.cpuRatio.toFixed(2)}x CPU (medians); goal <= 1.15x\n`);
}
