// The one typed API between the panel (untrusted renderer) and the main process. Channel
// names, request schemas (strict: anything extra is refused) and the state the panel is
// sent, which is built from redacted reports only: the renderer never sees a token.
import * as z from 'zod/mini';
import { ProfileOutcomeSchema, StatusReportSchema } from './api.ts';
import { AGENT_ID_PATTERN } from './openclaw/paths.ts';
import { HostSchema, SettingsPatchSchema, SettingsSchema } from './settings.ts';
import { CHANNELS } from './channels.ts';

export { CHANNELS };

export type InvokeChannel = Exclude<(typeof CHANNELS)[keyof typeof CHANNELS], typeof CHANNELS.state | typeof CHANNELS.focus>;

const HostNameSchema = z.string().check(z.regex(/^(?:local|[A-Za-z0-9][A-Za-z0-9._-]{0,39})$/));

export const AgentRefSchema = z.strictObject({
  host: HostNameSchema,
  agentId: z.string().check(z.regex(AGENT_ID_PATTERN)),
});
export type AgentRef = z.infer<typeof AgentRefSchema>;

export const REQUESTS = {
  [CHANNELS.getState]: z.strictObject({}),
  [CHANNELS.refresh]: AgentRefSchema,
  [CHANNELS.refreshAll]: z.strictObject({}),
  [CHANNELS.sync]: z.strictObject({ host: HostNameSchema, agentId: z.nullable(z.string().check(z.regex(AGENT_ID_PATTERN))) }),
  [CHANNELS.copyFix]: z.strictObject({ host: HostNameSchema, agentId: z.string().check(z.regex(AGENT_ID_PATTERN)), profileId: z.nullable(z.string().check(z.maxLength(200))) }),
  [CHANNELS.openFolder]: AgentRefSchema,
  [CHANNELS.setSettings]: SettingsPatchSchema,
  [CHANNELS.addHost]: HostSchema,
  [CHANNELS.removeHost]: z.strictObject({ name: HostNameSchema }),
  [CHANNELS.installCli]: z.strictObject({}),
} satisfies Record<InvokeChannel, z.ZodMiniType>;

export type Request<C extends InvokeChannel> = z.infer<(typeof REQUESTS)[C]>;

export const BusySchema = z.enum(['refreshing', 'syncing']);

export const PanelStateSchema = z.strictObject({
  report: StatusReportSchema,
  /** `<host>/<agentId>` → what is running for it now. */
  busy: z.record(z.string(), BusySchema),
  /** `<host>/<agentId>` → the last refresh or sync outcome of its profiles. */
  results: z.record(z.string(), z.array(ProfileOutcomeSchema)),
  settings: SettingsSchema,
  /** Hosts that stopped answering → when their rows were last current: greyed, not notified about. */
  lastSeen: z.record(z.string(), z.number()),
  /** Recent problems the panel should show (a refresh that could not start, a host error...). */
  notices: z.array(z.string()),
  /** Said above everything: AuthBar could not start, or a notice the OS cannot show as a notification. */
  banner: z.nullable(z.string()),
  /** report.stateDir as the panel shows it: `~/.openclaw` under the user's home (the home itself is never sent). */
  stateDirShown: z.optional(z.string()),
  /** report.configPath, shown the same way. */
  configPathShown: z.optional(z.string()),
  /** No settings saved yet: the panel shows the welcome and asks about start at login. */
  firstLaunch: z.boolean(),
  /** Increases with every state sent: the panel never goes back to an older one. */
  seq: z.number(),
  now: z.number(),
});
export type PanelState = z.infer<typeof PanelStateSchema>;

export const agentKey = (host: string, agentId: string): string => `${host}/${agentId}`;

/** What the preload exposes as `window.authbar`: the only way the panel reaches the app. */
export interface AuthbarApi {
  getState(): Promise<PanelState>;
  refresh(ref: AgentRef): Promise<void>;
  refreshAll(): Promise<void>;
  sync(host: string, agentId: string | null): Promise<void>;
  copyFix(host: string, agentId: string, profileId: string | null): Promise<void>;
  openFolder(ref: AgentRef): Promise<void>;
  setSettings(patch: z.infer<typeof SettingsPatchSchema>): Promise<void>;
  addHost(host: z.infer<typeof HostSchema>): Promise<void>;
  removeHost(name: string): Promise<void>;
  /** Installs the command-line launcher; resolves to what was done, in words. */
  installCli(): Promise<string>;
  onState(listener: (state: PanelState) => void): () => void;
  onFocus(listener: (ref: AgentRef) => void): () => void;
}
