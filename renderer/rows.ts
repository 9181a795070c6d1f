// One agent's row: name, status pill, its readiness where the token's status does not tell it
// (a plan limit, OpenClaw's cooldowns, a window above the threshold), countdown and local
// expiry, the plan's usage meter, what depends on the sign-in, what is wrong and the one thing
// that fixes it, and what is running for it now.
import type { AgentReport, AgentStatus, ProfileOutcome, ProfileReport } from '../main/core/api.ts';
import type { AgentRef } from '../main/core/panel-api.ts';
import { liveAgentStatus, liveProfileStatus } from './clock.ts';
import { readinessWords, usageReadiness } from '../main/core/ui/readiness-words.ts';
import { type Child, h, heading, icon } from './dom.ts';
import { usageMeter } from './usage-meter.ts';
import { formatCountdown, localTime, outcomeHead, outcomeSucceeded, statusLabel, statusTone } from './wording.ts';

export interface Actions {
  refresh(ref: AgentRef): void;
  sync(ref: AgentRef): void;
  copyFix(ref: AgentRef, profileId: string | null, focusId: string): void;
  openFolder(ref: AgentRef): void;
}

export interface RowContext {
  /** The main process's clock. */
  now: number;
  warnAfterMs: number;
  busy: 'refreshing' | 'syncing' | undefined;
  results: readonly ProfileOutcome[];
  /** Focus ids of copy buttons that just copied. */
  copied: ReadonlySet<string>;
  headingLevel: number;
  /** Set while the row's host is not answering: Refresh and Sync are off, and say why. */
  unavailable?: { reason: string; describedBy?: string } | null;
  actions: Actions;
}

export const rowKey = (agent: { host: string; id: string }): string => `${agent.host}/${agent.id}`;

/** A countdown the clock keeps current ("in 44m 59s", "3h 2m ago"). */
export function countdown(at: number, now: number, className = 'countdown'): HTMLSpanElement {
  return h('span', { class: className, attrs: { 'data-expires-at': String(at) } }, formatCountdown(at - now));
}

function pill(status: AgentStatus, extraClass = ''): HTMLSpanElement {
  return h(
    'span',
    { class: `pill pill-${statusTone(status)} ${extraClass}`.trim(), attrs: { 'data-status': status } },
    h('span', { class: 'visually-hidden' }, 'Status: '),
    statusLabel(status),
  );
}

interface ButtonProps {
  icon?: Parameters<typeof icon>[0];
  ariaLabel: string;
  focusId: string;
  disabled?: boolean;
  /** Why it is off, when that is not obvious (a host that is not answering). */
  why?: { reason: string; describedBy?: string } | null;
  primary?: boolean;
  onClick: () => void;
}

function button(label: string, props: ButtonProps): HTMLButtonElement {
  const disabled = props.disabled || Boolean(props.why);
  return h(
    'button',
    {
      class: props.primary ? 'btn btn-primary' : 'btn',
      attrs: {
        type: 'button',
        'aria-label': props.ariaLabel,
        'data-focus': props.focusId,
        // aria-disabled, not disabled: a disabled button drops keyboard focus mid-action.
        'aria-disabled': disabled ? 'true' : undefined,
        'aria-describedby': props.why?.describedBy,
        title: props.why?.reason,
      },
      onClick: () => {
        if (!disabled) props.onClick();
      },
    },
    props.icon ? icon(props.icon) : null,
    h('span', { class: 'btn-label' }, label),
  );
}

function fixBlock(agent: AgentReport, profileId: string | null, command: string, lead: string, ctx: RowContext): HTMLElement {
  const ref = { host: agent.host, agentId: agent.id };
  const focusId = `copy:${rowKey(agent)}:${profileId ?? '*'}`;
  const copied = ctx.copied.has(focusId);
  const copy = h(
    'button',
    {
      class: copied ? 'btn btn-copy is-copied' : 'btn btn-copy',
      attrs: { type: 'button', 'aria-label': `Copy the fix command for ${agent.id}`, 'data-focus': focusId },
      onClick: () => ctx.actions.copyFix(ref, profileId, focusId),
    },
    icon(copied ? 'check' : 'copy'),
    h('span', { class: 'btn-label' }, copied ? 'Copied' : 'Copy'),
  );
  return h(
    'div',
    { class: 'fix' },
    h('p', { class: 'fix-lead' }, lead),
    h('div', { class: 'fix-command' }, h('code', {}, command), copy),
  );
}

function note(kind: string, iconName: Parameters<typeof icon>[0], ...children: Child[]): HTMLElement {
  return h('p', { class: `note note-${kind}` }, icon(iconName), h('span', {}, ...children));
}

function profileBlock(agent: AgentReport, profile: ProfileReport, ctx: RowContext, many: boolean): HTMLElement {
  const status = liveProfileStatus(profile, ctx.now, ctx.warnAfterMs);
  const ref = { host: agent.host, agentId: agent.id };
  const expiry: Child[] = profile.expiresAt === null
    ? [h('span', { class: 'countdown' }, 'no expiry')]
    : [
        h('span', { class: 'visually-hidden' }, 'Expires '),
        countdown(profile.expiresAt, ctx.now, `countdown countdown-${status}`),
        h('span', { class: 'sep', attrs: { 'aria-hidden': 'true' } }, '·'),
        h('time', { attrs: { datetime: new Date(profile.expiresAt).toISOString() } }, localTime(profile.expiresAt, ctx.now)),
      ];
  // One quiet line for whose sign-in it is and who else holds a copy.
  const who: Child[] = [];
  if (profile.email) who.push(h('span', { class: 'email' }, profile.email));
  if (profile.source === 'main') who.push(h('span', { class: 'inherited' }, 'uses main\'s sign-in'));
  if (profile.sharedWith.length > 0) who.push(h('span', { class: 'note-shared' }, icon('link'), `Shared with ${profile.sharedWith.join(', ')}`));
  const account = who.flatMap((item, i) => (i === 0 ? [item] : [h('span', { class: 'sep', attrs: { 'aria-hidden': 'true' } }, '·'), item]));

  const block = h(
    'div',
    { class: 'profile', attrs: { 'data-profile': profile.profileId } },
    many ? h('p', { class: 'profile-id' }, h('span', { class: 'mono' }, profile.profileId), pill(status, 'pill-small')) : null,
    h('p', { class: 'expiry' }, ...expiry),
    account.length > 0 ? h('p', { class: 'account' }, ...account) : null,
    usageMeter(profile.usage, ctx.now, profile.sharedWith, profile.accountId ?? `${agent.host}/${agent.id}/${profile.profileId}`),
  );

  if (profile.stranded && profile.newerCopyIn) {
    const busy = ctx.busy !== undefined;
    block.append(
      h(
        'div',
        { class: 'stranded' },
        note('warn', 'warning', `${profile.stranded === 'likely' ? 'Probably stranded' : 'Stranded'}: newer sign-in in ${profile.newerCopyIn}`),
        button('Sync', {
          icon: 'sync',
          ariaLabel: `Sync ${agent.id} from ${profile.newerCopyIn}`,
          focusId: `sync:${rowKey(agent)}`,
          disabled: busy,
          why: ctx.unavailable,
          onClick: () => ctx.actions.sync(ref),
        }),
      ),
    );
  }
  if (profile.cause && !profile.stranded) block.append(note(status === 'needs-login' ? 'bad' : 'muted', status === 'needs-login' ? 'error' : 'warning', capitalize(profile.cause)));
  if (status === 'needs-login' && profile.fix) block.append(fixBlock(agent, profile.profileId, profile.fix, 'Sign in again, in a terminal:', ctx));
  return block;
}

function activity(agent: AgentReport, ctx: RowContext): HTMLElement | null {
  if (ctx.busy) {
    return h(
      'p',
      { class: 'activity is-busy' },
      h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }),
      ctx.busy === 'syncing' ? 'Syncing…' : 'Refreshing…',
    );
  }
  if (ctx.results.length === 0) return null;
  const many = ctx.results.length > 1 || agent.profiles.length > 1;
  return h(
    'div',
    { class: 'activity' },
    ...ctx.results.map((result) => {
      const ok = outcomeSucceeded(result);
      const showExpiry = ok && result.outcome !== 'skipped' && result.expiresAt !== null;
      return h(
        'p',
        { class: ok ? 'result result-ok' : 'result result-bad', attrs: { 'data-outcome': result.outcome } },
        icon(ok ? 'check' : 'error'),
        h(
          'span',
          {},
          many && result.profileId !== '*' ? h('span', { class: 'mono' }, `${result.profileId}: `) : null,
          outcomeHead(result),
          showExpiry ? ', expires ' : null,
          showExpiry ? countdown(result.expiresAt!, ctx.now, 'result-countdown') : null,
          result.syncedAgents.length > 0 ? `; also updated ${result.syncedAgents.join(', ')}` : null,
        ),
      );
    }),
  );
}

export function renderAgent(agent: AgentReport, ctx: RowContext): HTMLLIElement {
  const key = rowKey(agent);
  const ref = { host: agent.host, agentId: agent.id };
  const status = liveAgentStatus(agent, ctx.now, ctx.warnAfterMs);
  const headingId = `agent-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const canRefresh = agent.status !== 'unreadable' && agent.status !== 'no-codex-profile';

  const head = h(
    'div',
    { class: 'agent-head' },
    heading(ctx.headingLevel, { class: 'agent-name', id: headingId }, agent.id),
    agent.isDefault ? h('span', { class: 'tag' }, 'default') : null,
    agent.imageGeneration.dependsOnCodex ? imageBadge(agent, status) : null,
    h('span', { class: 'spacer' }),
    pill(status),
    canRefresh
      ? button('Refresh', {
          icon: 'refresh',
          ariaLabel: `Refresh ${agent.id}`,
          focusId: `refresh:${key}`,
          disabled: ctx.busy !== undefined,
          why: ctx.unavailable,
          onClick: () => ctx.actions.refresh(ref),
        })
      : null,
  );

  const row = h(
    'li',
    { class: `agent agent-${statusTone(status)}${ctx.busy ? ' is-busy' : ''}`, attrs: { 'data-agent': key, 'aria-labelledby': headingId, tabindex: '-1' } },
    head,
    status === 'ok' ? readinessLine(agent, ctx.now) : null,
  );

  if (agent.status === 'unreadable') {
    row.append(
      note('bad', 'error', h('span', { class: 'mono path' }, agent.storePath), `: ${agent.error ?? 'unreadable'}`),
      h('p', { class: 'hint' }, 'AuthBar never writes a store it cannot read.'),
    );
    if (agent.fix) row.append(fixBlock(agent, null, agent.fix, 'To fix it:', ctx));
    row.append(
      h('div', { class: 'row-actions' }, button('Open folder', { icon: 'folder', ariaLabel: `Open ${agent.id}'s folder`, focusId: `folder:${key}`, onClick: () => ctx.actions.openFolder(ref) })),
    );
  } else if (agent.profiles.length === 0) {
    row.append(h('p', { class: 'hint' }, 'This agent has no OpenAI Codex sign-in.'));
    if (agent.configured && agent.fix) row.append(fixBlock(agent, null, agent.fix, 'To sign in, in a terminal:', ctx));
  } else {
    const many = agent.profiles.length > 1;
    for (const profile of agent.profiles) row.append(profileBlock(agent, profile, ctx, many));
  }

  const running = activity(agent, ctx);
  if (running) row.append(running);
  return row;
}

/** The row's first line when the token is fine but the next call still would not be: "Plan limit reached until today 3:12 PM". */
function readinessLine(agent: AgentReport, now: number): HTMLElement | null {
  const r = usageReadiness(agent);
  if (!r) return null;
  const words = readinessWords(r, (at) => localTime(at, now));
  const text = r.state === 'plan-limit' ? `Plan limit reached${words.slice('plan limit'.length)}` : capitalize(words);
  const bad = r.state === 'plan-limit' || r.state === 'refresh-cooldown';
  return h('p', { class: `note note-${bad ? 'bad' : 'warn'} readiness`, attrs: { 'data-readiness': r.state } }, icon(bad ? 'error' : 'warning'), h('span', {}, text));
}

function imageBadge(agent: AgentReport, status: AgentStatus): HTMLElement {
  // A reached plan limit or a cooldown stops image generation as surely as an expired token.
  const blocked = ['plan-limit', 'refresh-cooldown', 'auth-cooldown'].includes(usageReadiness(agent)?.state ?? '');
  const atRisk = status !== 'ok' || blocked;
  const model = agent.imageGeneration.model ?? 'an OpenAI image model';
  return h(
    'span',
    {
      class: atRisk ? 'badge badge-risk' : 'badge',
      attrs: { title: `Image generation (${model}) uses this Codex sign-in${atRisk ? ' and fails while it is not ok' : ''}` },
    },
    icon('image'),
    atRisk ? 'image gen at risk' : 'image gen',
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
