// The redacted usage shapes AuthBar shows: on each sign-in in `status --json`, in
// `authbar usage --json`, and (for the app) over IPC. Strict, like the rest of api.ts: a stray
// field fails validation instead of leaking. No Node imports, so the renderer can share it.
import * as z from 'zod/mini';

export const UsageWindowSchema = z.strictObject({
  /** OpenClaw's label: "5h", "Day" or "Week" (2026.5.7 / 2026.9.6 `resolveSecondaryWindowLabel`). */
  label: z.string(),
  /** 0-100, clamped as OpenClaw clamps it. */
  usedPercent: z.number(),
  /** Epoch ms, or null when the answer gave no reset. */
  resetsAt: z.nullable(z.number()),
});
export type UsageWindow = z.infer<typeof UsageWindowSchema>;

export const USAGE_ERROR_KINDS = ['token-expired', 'unauthorized', 'forbidden', 'rate-limited', 'transient', 'bad-response', 'no-account'] as const;
export const UsageErrorSchema = z.strictObject({
  kind: z.enum(USAGE_ERROR_KINDS),
  /** One line, never a token. */
  cause: z.string(),
  fix: z.nullable(z.string()),
  /** Epoch ms before which AuthBar does not ask again. */
  retryAfter: z.nullable(z.number()),
});
export type UsageError = z.infer<typeof UsageErrorSchema>;

/** What OpenClaw 2026.9 recorded for a profile (`authProfiles.state` → `usageStats`): shown, not re-asked. */
export const RecordedStateSchema = z.strictObject({
  blockedReason: z.nullable(z.string()),
  blockedUntil: z.nullable(z.number()),
  cooldownReason: z.nullable(z.string()),
  cooldownUntil: z.nullable(z.number()),
  disabledReason: z.nullable(z.string()),
  disabledUntil: z.nullable(z.number()),
});
export type RecordedState = z.infer<typeof RecordedStateSchema>;

/** A plan's name has the shape of a plain word (`plus`, `pro`, `team`...): no token, no controls. */
export const isPlanName = (plan: string): boolean => /^[A-Za-z][A-Za-z0-9_ -]{0,39}$/.test(plan);

export const UsageSchema = z.strictObject({
  plan: z.nullable(z.string()),
  windows: z.array(UsageWindowSchema),
  credits: z.nullable(z.number()),
  /** Epoch ms of the answer these windows come from; null when AuthBar never had one. */
  checkedAt: z.nullable(z.number()),
  /** Epoch ms until which a window of the plan is exhausted (from the answer or OpenClaw's record). */
  limitReachedUntil: z.nullable(z.number()),
  /** OpenClaw's own record for this profile, when it has one (2026.9). */
  recorded: z.optional(RecordedStateSchema),
  /** Why the windows are unknown or stale, when the last check failed. */
  error: z.optional(UsageErrorSchema),
});
export type Usage = z.infer<typeof UsageSchema>;

export const READINESS_REASONS = [
  'needs-login',
  'stranded',
  'expired',
  'refresh-cooldown',
  'plan-limit',
  'auth-cooldown',
  'expiring',
  'usage-high',
] as const;
export type ReadinessReason = (typeof READINESS_REASONS)[number];

export const ReadinessSchema = z.strictObject({
  /** `ready`, or the first reason the agent's next Codex call would fail, in the order. */
  state: z.enum(['ready', ...READINESS_REASONS]),
  /** When that reason lifts by itself (a reset, a cooldown's end), when known. */
  until: z.nullable(z.number()),
  /** One line for a person. */
  cause: z.nullable(z.string()),
  fix: z.nullable(z.string()),
});
export type Readiness = z.infer<typeof ReadinessSchema>;

/** One account in `authbar usage --json`: its plan's usage and the agents that share it. */
export const AccountUsageReportSchema = z.strictObject({
  host: z.string(),
  accountId: z.nullable(z.string()),
  email: z.nullable(z.string()),
  /** Agents whose sign-in is this account, sorted. */
  agents: z.array(z.string()),
  /** Of those, the ones whose image generation rides on this sign-in. */
  imageAgents: z.array(z.string()),
  usage: UsageSchema,
});
export type AccountUsageReport = z.infer<typeof AccountUsageReportSchema>;

export const UsageReportSchema = z.strictObject({
  version: z.string(),
  generatedAt: z.string(),
  /** Usage requests this run made (0: every answer came from the cache or OpenClaw's record). */
  requests: z.number(),
  accounts: z.array(AccountUsageReportSchema),
  agents: z.array(z.strictObject({ id: z.string(), host: z.string(), readiness: ReadinessSchema })),
  warnings: z.array(z.string()),
  hosts: z.optional(z.array(z.strictObject({ name: z.string(), reachable: z.boolean(), checkedAt: z.string(), error: z.nullable(z.string()) }))),
});
export type UsageReport = z.infer<typeof UsageReportSchema>;
