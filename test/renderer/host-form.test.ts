// The panel repeats HostSchema's rules (it cannot load settings.ts): both must agree on what
// a host is, or the form would send what the app refuses, or refuse what it would take.
import { describe, expect, it } from 'vitest';
import { HostSchema } from '../../main/core/settings.ts';
import { checkDraft, emptyDraft, type HostDraft } from '../../renderer/host-form.ts';

const NAMES = ['vps', 'a', 'A.b_c-9', 'x'.repeat(40), 'x'.repeat(41), '', ' ', '-vps', '.vps', '_vps', 'bad name', 'vps!', 'héllo', 'studio.lan'];
const DESTINATIONS = ['me@vps.example.com', 'studio', 'nobody@127.0.0.1', 'user@[::1]', 'ssh://me@vps:2222', '', ' ', '-oProxyCommand=x', 'a b', 'a\tb', 'me@vps;id', 'me@$(id)', `u@${'h'.repeat(253)}`, `u@${'h'.repeat(254)}`];
const REMOTE_COMMANDS = ['authbar', '~/.npm-global/bin/authbar', '/opt/authbar/bin/authbar', 'npx authbar', 'authbar; id', '$(id)', '-x'];

const draft = (fields: Partial<HostDraft>): HostDraft => ({ ...emptyDraft(), ...fields });

describe('the Add host checks', () => {
  it('accept exactly the names and destinations HostSchema accepts', () => {
    for (const name of NAMES) {
      for (const destination of [DESTINATIONS[0]!, 'studio']) {
        const ours = checkDraft(draft({ name, destination }));
        expect(ours.host !== null, JSON.stringify(name)).toBe(HostSchema.safeParse({ name, destination }).success);
      }
    }
    for (const destination of DESTINATIONS) {
      const ours = checkDraft(draft({ name: 'vps', destination }));
      expect(ours.host !== null, JSON.stringify(destination)).toBe(HostSchema.safeParse({ name: 'vps', destination }).success);
    }
  });

  it('accept exactly the remote commands HostSchema accepts: a path, never a shell line', () => {
    for (const remoteCommand of REMOTE_COMMANDS) {
      const ours = checkDraft(draft({ name: 'vps', destination: 'studio', remoteCommand }));
      expect(ours.host !== null, JSON.stringify(remoteCommand)).toBe(HostSchema.safeParse({ name: 'vps', destination: 'studio', remoteCommand }).success);
    }
  });

  it('send what HostSchema parses, with blank optional fields left out', () => {
    const full = checkDraft(draft({ name: 'vps', destination: 'me@vps', stateDir: '/srv/openclaw', sshConfig: '~/.ssh/work', remoteCommand: '~/.npm-global/bin/authbar' }));
    expect(full.host).toEqual({ name: 'vps', destination: 'me@vps', stateDir: '/srv/openclaw', sshConfig: '~/.ssh/work', remoteCommand: '~/.npm-global/bin/authbar' });
    expect(HostSchema.parse(full.host)).toEqual(full.host);
    const bare = checkDraft(draft({ name: 'vps', destination: 'me@vps', stateDir: '  ' }));
    expect(bare.host).toEqual({ name: 'vps', destination: 'me@vps' });
  });

  it('refuse "local", which names this computer on every row', () => {
    expect(checkDraft(draft({ name: 'local', destination: 'me@vps' })).errors).toEqual({ name: expect.stringContaining('this computer') });
  });

  it('say what is wrong with each field', () => {
    const { errors } = checkDraft(draft({ name: 'bad name', destination: '-oProxyCommand=x' }));
    expect(errors).toEqual({ name: expect.stringMatching(/letters, digits/), destination: expect.stringMatching(/cannot start with “-”/) });
    expect(checkDraft(draft({ name: 'vps', destination: 'a b' })).errors).toEqual({ destination: expect.stringMatching(/No spaces/) });
  });
});
