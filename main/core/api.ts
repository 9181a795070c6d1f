// The redacted shapes everything outside the core sees: `authbar status --json`, the app,
// IPC and the renderer. Declared once as zod schemas (strict: the renderer is untrusted,
// and a stray secret field fails validation instead of leaking); types are inferred.
import * as z from 'zod/mini';

import { PROFILE_STATUSES } from './status-names.ts';
import { ReadinessSchema, UsageSchema } from './usage/schema.ts';

export { PROFILE_STATUSES };
export const ProfileStatusSchema = z.enum(PROFILE_STATUSES);
export type ProfileStatus = z.infer<typeof ProfileStatusSchema>;

export const AgentStatusSchema = z.enum([...PROFILE_STATUSES, 'unreadable', 'no-codex-profile']);
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

export const StrandingSchema = z.enum(['certain', 'likely']);
export type Stranding = z.infer<typeof StrandingSchema>;

export const ProfileReportSchema = z.strictObject({
  profileId: z.string(),
  provider: z.string(),
  /** `own`: the agent's store; `main`: inherited from main's store (or the shared store). */
  source: z.enum(['own', 'main']),
  status: ProfileStatusSchema,
  /** Epoch ms, or null when the store has no expiry (`missing`). */
  expiresAt: z.nullable(z.number()),
  remainingMs: z.nullable(z.number()),
  /** The access token's own `exp` claim, shown beside a missing or odd `expires`. */
  jwtExpiresAt: z.nullable(z.number()),
  email: z.nullable(z.string()),
  accountId: z.nullable(z.string()),
  /** Other agents using a copy of this sign-in. */
  sharedWith: z.array(z.string()),
  /** The agent holding the newest credential of this account when this copy is stranded. */
  newerCopyIn: z.nullable(z.string()),
  stranded: z.nullable(StrandingSchema),
  storePath: z.string(),
  /** What went wrong last, in one line, when something did. */
  cause: z.nullable(z.string()),
  /** The command that fixes this profile, when it needs fixing. */
  fix: z.nullable(z.string()),
  /**
   * A field OpenClaw keeps but cannot use ("access is not a string: ..."): the entry is listed
   * with OpenClaw's verdict from `expires`, and AuthBar never writes it.
   */
  error: z.optional(z.string()),
  /** The plan's usage windows of this sign-in's account, when known (see main/core/usage). */
  usage: z.optional(UsageSchema),
});
export type ProfileReport = z.infer<typeof ProfileReportSchema>;

export const AgentReportSchema = z.strictObject({
  id: z.string(),
  host: z.string(),
  configured: z.boolean(),
  isDefault: z.boolean(),
  agentDir: z.string(),
  storePath: z.string(),
  storeKind: z.enum(['json', 'legacy-json', 'sqlite']),
  status: AgentStatusSchema,
  /**
   * OpenClaw's own verdict for the agent, from the same profiles. It differs from `status` only
   * where AuthBar deliberately says more: `unreadable` for a store OpenClaw silently passes over.
   */
  openclawStatus: z.optional(z.enum([...PROFILE_STATUSES, 'no-codex-profile'])),
  error: z.optional(z.string()),
  /** Whether AuthBar may write this agent's store (false for layouts it does not know). */
  writable: z.boolean(),
  imageGeneration: z.strictObject({ model: z.nullable(z.string()), dependsOnCodex: z.boolean() }),
  profiles: z.array(ProfileReportSchema),
  fix: z.nullable(z.string()),
  /** Whether the agent's next Codex call would work, and if not the first reason why. */
  readiness: z.optional(ReadinessSchema),
});
export type AgentReport = z.infer<typeof AgentReportSchema>;

export const HostReportSchema = z.strictObject({
  name: z.string(),
  reachable: z.boolean(),
  checkedAt: z.string(),
  error: z.nullable(z.string()),
});
export type HostReport = z.infer<typeof HostReportSchema>;

export const HeldSignInSchema = z.strictObject({
  agents: z.array(z.string()),
  profileId: z.string(),
  heldSince: z.string(),
  /** "a rotated sign-in for AGENT is held by AuthBar: run `authbar recover`" */
  message: z.string(),
});
export type HeldSignIn = z.infer<typeof HeldSignInSchema>;

export const StatusReportSchema = z.strictObject({
  version: z.string(),
  stateDir: z.string(),
  configPath: z.string(),
  configError: z.optional(z.string()),
  generatedAt: z.string(),
  warnAfterMs: z.number(),
  agents: z.array(AgentReportSchema),
  warnings: z.array(z.string()),
  hosts: z.optional(z.array(HostReportSchema)),
  /** Rotated sign-ins AuthBar holds because no store could take them (`authbar recover`); absent when none. */
  held: z.optional(z.array(HeldSignInSchema)),
});
export type StatusReport = z.infer<typeof StatusReportSchema>;

export const OUTCOMES = ['refreshed', 'adopted', 'healed', 'synced', 'recovered', 'would-sync', 'skipped', 'failed'] as const;
export const FailureKindSchema = z.enum(['transient', 'needs-login', 'bad-response', 'unreadable', 'unwritable', 'busy']);
export type FailureKindName = z.infer<typeof FailureKindSchema>;

/** What happened to one requested profile in a refresh or a sync. */
export const ProfileOutcomeSchema = z.strictObject({
  agentId: z.string(),
  host: z.string(),
  profileId: z.string(),
  outcome: z.enum(OUTCOMES),
  failureKind: z.nullable(FailureKindSchema),
  /** One line, never a token. */
  cause: z.nullable(z.string()),
  fix: z.nullable(z.string()),
  expiresAt: z.nullable(z.number()),
  /** Other agents whose copies were written with the same credential. */
  syncedAgents: z.array(z.string()),
  /** For `healed` and `synced`: the agent whose newer copy was used. */
  source: z.nullable(z.string()),
});
export type ProfileOutcome = z.infer<typeof ProfileOutcomeSchema>;

/** One outcome, with everything not given empty: the one place that builds them. */
export function profileOutcome(
  target: { agentId: string; profileId: string; host?: string },
  fields: Partial<ProfileOutcome> & Pick<ProfileOutcome, 'outcome'>,
): ProfileOutcome {
  return {
    agentId: target.agentId, host: target.host ?? 'local', profileId: target.profileId,
    failureKind: null, cause: null, fix: null, expiresAt: null, syncedAgents: [], source: null, ...fields,
  };
}

export const RefreshEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('started'), agentId: z.string(), host: z.string(), profileId: z.string() }),
  z.strictObject({ type: z.literal('finished'), result: ProfileOutcomeSchema }),
]);
export type RefreshEvent = z.infer<typeof RefreshEventSchema>;

export const RefreshReportSchema = z.strictObject({
  version: z.string(),
  generatedAt: z.string(),
  /** `sync --dry-run`: nothing was written. */
  dryRun: z.optional(z.boolean()),
  /** Token endpoint requests this run made (each try is one). */
  requests: z.number(),
  results: z.array(ProfileOutcomeSchema),
  /** What the user should know beside the outcomes (a token endpoint other than OpenAI's). */
  warnings: z.optional(z.array(z.string())),
});
export type RefreshReport = z.infer<typeof RefreshReportSchema>;
