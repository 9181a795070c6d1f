// The ChatGPT plan's usage windows, as OpenClaw reads them. Facts read off the shipped files of
// openclaw@2026.5.7 (`provider-usage.fetch.codex`, `auth-profiles/usage`) and openclaw@2026.9.6
// (`provider-usage.fetch.codex`, `auth-profiles/usage`); both agree on the request and labels.
//
// Request: `GET https://chatgpt.com/backend-api/wham/usage`, `Authorization: Bearer <access>`,
// `Accept: application/json`, and `ChatGPT-Account-Id: <accountId>` only when the profile has one.
// OpenClaw gives it 3 s in its cooldown probe and 3.5 s in `models status`.
//
// Answer, read leniently (every field optional): `plan_type`; `rate_limit.primary_window` and
// `rate_limit.secondary_window` (each may be absent or null) with `used_percent`, `reset_at`
// (epoch SECONDS), `reset_after_seconds`, `limit_window_seconds`; `rate_limit.limit_reached`;
// `credits.balance` (a number or a numeric string); `additional_rate_limits[].rate_limit` of
// the same shape (2026.9.6's probe counts these toward a block; its display ignores them).
//
// Pure: no I/O, no clock (`now` is an argument).
import { sharesSecretPart } from '../secret-parts.ts';
import * as z from 'zod/mini';
import { inDateRange } from '../date-range.ts';
import { isPlanName, type UsageWindow } from './schema.ts';

/** 2026.5.7 / 2026.9.6 `WEEKLY_RESET_GAP_SECONDS`: a secondary window resetting 3+ days after the primary is weekly. */
export const WEEKLY_RESET_GAP_SECONDS = 259_200;

/** Back-off after an answer, as OpenClaw applies it to the profile (2026.5.7 and 2026.9.6 alike). */
export const WHAM_BACKOFF = {
  /** 401: `wham_token_expired`, 12 h (cooldownReason `auth`). */
  unauthorized: 12 * 60 * 60_000,
  /** 403: `wham_account_dead`, 24 h (cooldownReason `auth_permanent`). */
  forbidden: 24 * 60 * 60_000,
  /** Any other HTTP error: `wham_http_error`, 5 min. */
  httpError: 5 * 60_000,
  /** An answer without `rate_limit`, or a failed request: `wham_probe_failed`, 30 s. */
  probeFailed: 30_000,
} as const;

// Lenient shapes: OpenClaw reads these with optional chaining; a wrong type is treated as absent.
const Num = z.union([z.number(), z.string()]);
const WindowSchema = z.looseObject({
  used_percent: z.optional(z.nullable(Num)),
  reset_at: z.optional(z.nullable(Num)),
  reset_after_seconds: z.optional(z.nullable(Num)),
  limit_window_seconds: z.optional(z.nullable(Num)),
});
type RawWindow = z.infer<typeof WindowSchema>;
const RateLimitSchema = z.looseObject({
  limit_reached: z.optional(z.nullable(z.boolean())),
  primary_window: z.optional(z.nullable(z.unknown())),
  secondary_window: z.optional(z.nullable(z.unknown())),
});
const ResponseSchema = z.looseObject({
  plan_type: z.optional(z.nullable(z.unknown())),
  rate_limit: z.optional(z.nullable(z.unknown())),
  credits: z.optional(z.nullable(z.unknown())),
  additional_rate_limits: z.optional(z.nullable(z.unknown())),
});

/** 2026.9.6 `parseStrictFiniteNumber`: a finite number, or a string that is one whole number literal. */
export function strictNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(trimmed)) return null;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : null;
}

const clampPercent = (value: number | null): number => Math.max(0, Math.min(100, value ?? 0));

function windowOf(raw: unknown): RawWindow | null {
  if (raw === null || raw === undefined) return null;
  const parsed = WindowSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** Epoch ms of a window's reset: `reset_at` (seconds) as OpenClaw shows it, else now + `reset_after_seconds`. */
function resetOf(window: RawWindow, now: number): number | null {
  const at = strictNumber(window.reset_at);
  const after = strictNumber(window.reset_after_seconds);
  const ms = at !== null && at > 0 ? at * 1000 : after !== null && after > 0 ? now + after * 1000 : null;
  // A reset no Date can hold is unknown, never a crash later in a notice or a verdict.
  return ms !== null && inDateRange(ms) ? ms : null;
}

const hoursOf = (window: RawWindow, fallbackSeconds: number): number =>
  Math.round((strictNumber(window.limit_window_seconds) || fallbackSeconds) / 3600);

/** 2026.5.7 / 2026.9.6 `resolveSecondaryWindowLabel`. */
export function secondaryLabel(windowHours: number, primaryResetAt: number | null, secondaryResetAt: number | null): string {
  if (windowHours >= 168) return 'Week';
  if (windowHours < 24) return `${windowHours}h`;
  if (primaryResetAt !== null && secondaryResetAt !== null && secondaryResetAt - primaryResetAt >= WEEKLY_RESET_GAP_SECONDS) return 'Week';
  return 'Day';
}

export interface ParsedUsage {
  plan: string | null;
  windows: UsageWindow[];
  credits: number | null;
  /** Epoch ms until which a window (of any limit, additional ones included) is exhausted. */
  limitReachedUntil: number | null;
}

export type ParseResult = { ok: true; usage: ParsedUsage } | { ok: false; cause: string };

/** The two windows of one `rate_limit` object, labelled as OpenClaw labels them. */
function windowsOf(rateLimit: unknown, now: number): { windows: UsageWindow[]; exhaustedUntil: number | null } {
  const parsed = RateLimitSchema.safeParse(rateLimit);
  if (!parsed.success) return { windows: [], exhaustedUntil: null };
  const primary = windowOf(parsed.data.primary_window);
  const secondary = windowOf(parsed.data.secondary_window);
  const windows: UsageWindow[] = [];
  // Seconds, as OpenClaw compares them (the gap rule is on `reset_at` itself).
  const primaryResetAt = primary ? strictNumber(primary.reset_at) : null;
  if (primary) {
    // 10800 s: the default OpenClaw assumes when the answer gives no window length.
    windows.push({ label: `${hoursOf(primary, 10_800)}h`, usedPercent: clampPercent(strictNumber(primary.used_percent)), resetsAt: resetOf(primary, now) });
  }
  if (secondary) {
    const label = secondaryLabel(hoursOf(secondary, 86_400), primaryResetAt, strictNumber(secondary.reset_at));
    windows.push({ label, usedPercent: clampPercent(strictNumber(secondary.used_percent)), resetsAt: resetOf(secondary, now) });
  }
  let exhaustedUntil: number | null = null;
  for (const window of windows) {
    if (window.usedPercent >= 100) exhaustedUntil = Math.max(exhaustedUntil ?? 0, window.resetsAt ?? now);
  }
  return { windows, exhaustedUntil };
}

/**
 * The plan's name as shown: a plain word, never one that carries part of the access token it was
 * asked with (an endpoint or proxy that echoes the Bearer).
 */
function planName(value: unknown, sentWith: ReadonlyArray<string | null>): string | null {
  if (typeof value !== 'string') return null;
  const plan = value.trim();
  return isPlanName(plan) && !sharesSecretPart(plan, sentWith) ? plan : null;
}

/**
 * The answer of `wham/usage`, from unknown. Missing windows, a null secondary window and string
 * numbers are read as OpenClaw reads them; anything that is not a JSON object is an error.
 */
export function parseUsageResponse(body: unknown, now: number, sentWith: ReadonlyArray<string | null> = []): ParseResult {
  const parsed = ResponseSchema.safeParse(body);
  if (!parsed.success || Array.isArray(body)) return { ok: false, cause: 'the usage endpoint answered with something that is not a usage report' };
  const data = parsed.data;
  const main = windowsOf(data.rate_limit, now);
  let limitReachedUntil = main.exhaustedUntil;
  if (Array.isArray(data.additional_rate_limits)) {
    for (const entry of data.additional_rate_limits) {
      const extra = windowsOf((entry as { rate_limit?: unknown } | null)?.rate_limit, now);
      if (extra.exhaustedUntil !== null) limitReachedUntil = Math.max(limitReachedUntil ?? 0, extra.exhaustedUntil);
    }
  }
  const balance = data.credits && typeof data.credits === 'object' ? strictNumber((data.credits as { balance?: unknown }).balance) : null;
  return {
    ok: true,
    usage: {
      plan: planName(data.plan_type, sentWith),
      windows: main.windows,
      // 2026.9.6 drops a negative balance.
      credits: balance !== null && balance >= 0 ? balance : null,
      limitReachedUntil,
    },
  };
}
