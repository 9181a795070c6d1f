// OpenClaw's JSON5 config: the agent list (both shapes) and the image generation model.
// As openclaw 2026.5.7 and 2026.9.6 read it. Read leniently: a bad entry is skipped with a
// warning naming it, never the whole config.
import JSON5 from 'json5';
import * as z from 'zod/mini';
import { json5ErrorPosition } from '../parse-error.ts';
import { type Env, expandPath, normalizeAgentId } from './paths.ts';
import { readRegularFile } from './read-file.ts';

const ModelRefSchema = z.union([
  z.string(),
  z.looseObject({ primary: z.optional(z.string()), fallbacks: z.optional(z.array(z.string())) }),
]);

type ModelRef = z.infer<typeof ModelRefSchema>;

interface AgentEntry {
  id?: string;
  default?: boolean;
  agentDir?: string;
  imageGenerationModel?: ModelRef;
}

const isModelRef = (value: unknown): value is ModelRef =>
  typeof value === 'string' ||
  (value !== null && typeof value === 'object' && !Array.isArray(value) &&
    ((value as { primary?: unknown }).primary === undefined || typeof (value as { primary?: unknown }).primary === 'string') &&
    ((value as { fallbacks?: unknown }).fallbacks === undefined || (Array.isArray((value as { fallbacks?: unknown }).fallbacks) && ((value as { fallbacks: unknown[] }).fallbacks).every((f) => typeof f === 'string'))));

/**
 * One entry of `agents.list` / `agents.entries`, narrowed from `unknown` (a config can list
 * hundreds of agents; one zod parse each cost a status several milliseconds: measured).
 */
function asAgentEntry(value: unknown): AgentEntry | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const e = value as Record<string, unknown>;
  if (e.id !== undefined && typeof e.id !== 'string') return null;
  if (e.default !== undefined && typeof e.default !== 'boolean') return null;
  if (e.agentDir !== undefined && typeof e.agentDir !== 'string') return null;
  if (e.imageGenerationModel !== undefined && !isModelRef(e.imageGenerationModel)) return null;
  return e as AgentEntry;
}

const ConfigSchema = z.looseObject({
  agents: z.optional(
    z.looseObject({
      list: z.optional(z.array(z.unknown())),
      entries: z.optional(z.record(z.string(), z.unknown())),
      defaults: z.optional(z.looseObject({
        imageGenerationModel: z.optional(ModelRefSchema),
        /** 2026.9: `mediaModels.image` replaces `imageGenerationModel`. */
        mediaModels: z.optional(z.looseObject({ image: z.optional(ModelRefSchema) })),
      })),
    }),
  ),
  models: z.optional(
    z.looseObject({
      providers: z.optional(z.record(z.string(), z.looseObject({
        apiKey: z.optional(z.unknown()),
        baseUrl: z.optional(z.unknown()),
        api: z.optional(z.unknown()),
        headers: z.optional(z.unknown()),
        authHeader: z.optional(z.unknown()),
        request: z.optional(z.unknown()),
      }))),
    }),
  ),
  auth: z.optional(z.looseObject({ profiles: z.optional(z.record(z.string(), z.unknown())) })),
});

export interface ImageModel {
  primary: string | null;
  fallbacks: string[];
}

export interface ConfiguredAgent {
  id: string;
  isDefault: boolean;
  /** The `agentDir` override, resolved; null when the agent uses `<stateDir>/agents/<id>/agent`. */
  agentDir: string | null;
  imageGenerationModel: ImageModel | null;
}

export interface OpenClawConfig {
  shape: 'list' | 'entries' | 'none';
  agents: ConfiguredAgent[];
  imageGenerationModel: ImageModel | null;
  /**
   * The config sends OpenAI image requests to OpenAI directly (an `openai` entry in
   * `auth.profiles`, or `models.providers.openai` with a key, a non-default base URL, ...):
   * then image generation does not ride on the Codex token.
   */
  directOpenAi: boolean;
  /** Strings kept under a secret's name (`apiKey`, `botToken`, `env.OPENAI_API_KEY`, ...): searched for in what AuthBar shows. */
  secrets: string[];
  warnings: string[];
}

export type ConfigRead =
  | { ok: true; path: string; exists: boolean; config: OpenClawConfig }
  | { ok: false; path: string; error: string };

function toImageModel(ref: ModelRef | undefined): ImageModel | null {
  if (ref === undefined) return null;
  if (typeof ref === 'string') return { primary: ref.trim() || null, fallbacks: [] };
  return { primary: ref.primary?.trim() || null, fallbacks: ref.fallbacks ?? [] };
}

const PUBLIC_OPENAI_BASE_URL = 'https://api.openai.com/v1';

function hasValue(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || (value !== null && typeof value === 'object');
}

/** OpenClaw 2026.5.7's "explicit direct OpenAI config" test for image generation (observed). */
function directOpenAiIn(data: z.infer<typeof ConfigSchema>): boolean {
  const openai = data.models?.providers?.openai;
  const baseUrl = typeof openai?.baseUrl === 'string' ? openai.baseUrl.trim().replace(/\/+$/, '') : '';
  const headers = openai?.headers;
  const viaProvider = openai !== undefined && (
    hasValue(openai.apiKey) ||
    (baseUrl !== '' && baseUrl !== PUBLIC_OPENAI_BASE_URL) ||
    hasValue(openai.api) ||
    (headers !== null && typeof headers === 'object' && Object.keys(headers).length > 0) ||
    openai.authHeader === false ||
    hasValue(openai.request)
  );
  const viaAuthProfile = Object.values(data.auth?.profiles ?? {}).some(
    (profile) => profile !== null && typeof profile === 'object' && (profile as { provider?: unknown }).provider === 'openai',
  );
  return viaProvider || viaAuthProfile;
}

const SECRET_NAME = /(?:key|token|secret|password|passwd)$/i;

/** Every string in the document under a name a secret goes by (at any depth, in arrays too). */
function secretsIn(data: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, secret: boolean, depth: number): void => {
    if (typeof value === 'string') {
      if (secret && value.length >= 8) found.push(value);
    } else if (value !== null && typeof value === 'object' && depth < 64) {
      for (const [name, inner] of Object.entries(value)) walk(inner, secret || (!Array.isArray(value) && SECRET_NAME.test(name)), depth + 1);
    }
  };
  walk(data, false, 0);
  return found;
}

export function parseConfig(data: unknown, env: Env, stateDir: string): { ok: true; config: OpenClawConfig } | { ok: false; error: string } {
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) return { ok: false, error: 'not an OpenClaw config (expected an object with "agents")' };
  const agentsSection = parsed.data.agents;
  const warnings: string[] = [];
  const raw: Array<{ key: string; value: unknown; idFromKey?: string }> = [];
  let shape: OpenClawConfig['shape'] = 'none';
  if (agentsSection?.entries) {
    shape = 'entries';
    for (const [key, value] of Object.entries(agentsSection.entries)) raw.push({ key: `agents.entries.${key}`, value, idFromKey: key });
  } else if (agentsSection?.list) {
    shape = 'list';
    agentsSection.list.forEach((value, index) => raw.push({ key: `agents.list[${index}]`, value }));
  }

  const agents: ConfiguredAgent[] = [];
  const seen = new Set<string>();
  for (const { key, value, idFromKey } of raw) {
    const entry = asAgentEntry(value);
    if (!entry) {
      warnings.push(`${key} is not an agent entry; skipped`);
      continue;
    }
    const rawId = entry.id ?? idFromKey;
    if (rawId === undefined || rawId.trim() === '') {
      warnings.push(`${key} has no agent id; skipped`);
      continue;
    }
    const id = normalizeAgentId(rawId);
    if (seen.has(id)) continue;
    seen.add(id);
    agents.push({
      id,
      isDefault: entry.default === true,
      agentDir: entry.agentDir?.trim() ? expandPath(entry.agentDir.trim(), env) : null,
      imageGenerationModel: toImageModel(entry.imageGenerationModel),
    });
  }
  // 2026.9's keyed entries retire `default: true`; its default agent is main.
  if (shape === 'entries') for (const agent of agents) agent.isDefault = agent.id === 'main';
  if (agents.length > 0 && !agents.some((agent) => agent.isDefault)) agents[0]!.isDefault = true;
  for (const agent of agents.filter((a) => a.isDefault).slice(1)) agent.isDefault = false;

  return {
    ok: true,
    config: {
      shape,
      agents,
      imageGenerationModel: toImageModel(agentsSection?.defaults?.imageGenerationModel ?? agentsSection?.defaults?.mediaModels?.image),
      directOpenAi: directOpenAiIn(parsed.data),
      secrets: secretsIn(data),
      warnings,
    },
  };
}

export function emptyConfig(): OpenClawConfig {
  return { shape: 'none', agents: [], imageGenerationModel: null, directOpenAi: false, secrets: [], warnings: [] };
}

/**
 * OpenClaw's config is JSON5. Plain JSON is a subset and what OpenClaw itself writes, and
 * JSON.parse is many times faster than a JSON5 parser, so JSON5 is only the fallback.
 */
function parseJson5(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON5.parse(text);
  }
}

export function readConfig(path: string, env: Env, stateDir: string): ConfigRead {
  const read = readRegularFile(path);
  if (!read.ok) return read.absent ? { ok: true, path, exists: false, config: emptyConfig() } : { ok: false, path, error: read.error };
  const text = read.text;
  let data: unknown;
  try {
    data = parseJson5(text);
  } catch (error) {
    return { ok: false, path, error: `not valid JSON5 (${json5ErrorPosition(error)})` };
  }
  const parsed = parseConfig(data, env, stateDir);
  return parsed.ok ? { ok: true, path, exists: true, config: parsed.config } : { ok: false, path, error: parsed.error };
}
