// The pieces that make a remote host's text inert: escape sequences out, lengths capped, lines
// split in linear time, answers capped while they arrive; and fixes rebuilt, never relayed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rebuildFix } from '../../main/core/remote/remote-report.ts';
import { deployedDir } from '../../main/core/remote/deploy.ts';
import { cleanText } from '../../main/core/clean-text.ts';
import { BoundedCollector, lastLineOf, LineSplitter } from '../../main/core/remote/untrusted.ts';
import type { Host } from '../../main/core/settings.ts';

afterEach(() => vi.restoreAllMocks());

describe('cleanText', () => {
  it('removes ANSI colours, cursor moves, OSC titles and OSC 52 clipboard writes, C1 forms included', () => {
    const osc52 = `\x1b]52;c;${Buffer.from('touch ~/pwned').toString('base64')}\x07`;
    expect(cleanText(`${osc52}\x1b]0;title\x1b\\\x1b[2J\x1b[1;31mred\x1b[0m \x9b31mc1\x9d0;t\x07 \x1bcreset\r\nbell\x07`)).toBe('red c1 resetbell');
    expect(cleanText('right\u202eto-left\u2066isolate')).toBe('rightto-leftisolate');
    expect(cleanText('arabic\u061cmark mongolian\u180evs word\u2060joiner invisible\u2062times')).toBe('arabicmark mongolianvs wordjoiner invisibletimes');
  });

  it('caps the length', () => {
    expect(cleanText('x'.repeat(1000), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('quotes only the last cleaned line of stderr', () => {
    expect(lastLineOf('first\n\x1b[31mbash: x: not found\x1b[0m\n\n')).toBe('bash: x: not found');
  });
});

describe('LineSplitter', () => {
  it('splits lines across chunks, and searches each byte once (no rescans of what came before)', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter(1 << 20, (l) => lines.push(l), () => lines.push('TOO LARGE'));
    const indexOf = vi.spyOn(Buffer.prototype, 'indexOf');
    for (let i = 0; i < 1000; i++) splitter.push(Buffer.from('x'.repeat(100)));
    // One search per chunk that has no newline: linear in the bytes received.
    expect(indexOf).toHaveBeenCalledTimes(1000);
    splitter.push(Buffer.from('y\nz\n'));
    splitter.push(Buffer.from('tail'));
    splitter.end();
    expect(lines.map((l) => l.length)).toEqual([100_001, 1, 4]);
  });

  it('stops at a line past the cap, once', () => {
    const events: string[] = [];
    const splitter = new LineSplitter(10, (l) => events.push(l), () => events.push('TOO LARGE'));
    splitter.push(Buffer.from('short\n0123456'));
    splitter.push(Buffer.from('789abc'));
    splitter.push(Buffer.from('\nmore\n'));
    expect(events).toEqual(['short', 'TOO LARGE']);
  });
});

describe('BoundedCollector', () => {
  it('keeps nothing past the cap, and says so', () => {
    const c = new BoundedCollector(10);
    c.push(Buffer.from('12345'));
    c.push(Buffer.from('678901'));
    expect([c.overflowed, c.text()]).toEqual([true, '']);
  });

  it('keeps the tail of stderr', () => {
    const c = new BoundedCollector(4, 'tail');
    for (const part of ['ab', 'cd', 'ef']) c.push(Buffer.from(part));
    expect(c.text()).toBe('cdef');
  });
});

describe('rebuildFix', () => {
  const host: Host = { name: 'vps', destination: 'me@vps.example.com', stateDir: '/srv/open claw', remoteCommand: '~/.npm-global/bin/authbar' };

  it('rebuilds AuthBar\'s own commands from their validated words, quoted for both shells', () => {
    expect(rebuildFix(host, 'authbar sync --agent coder')).toBe(`ssh me@vps.example.com env ''\\''OPENCLAW_STATE_DIR=/srv/open claw'\\''' '~/.npm-global/bin/authbar' sync --agent coder`);
    expect(rebuildFix({ name: 'vps', destination: 'me@vps' }, 'openclaw models auth --agent coder login --provider openai-codex')).toBe('ssh me@vps openclaw models auth --agent coder login --provider openai-codex');
    expect(rebuildFix({ name: 'vps', destination: 'me@vps' }, 'repair or remove /x; rm -rf ~, then run openclaw doctor --fix')).toBe('ssh me@vps openclaw doctor --fix');
    // A rotated sign-in held by the host's AuthBar goes back with its own recover, driven from here.
    expect(rebuildFix({ name: 'vps', destination: 'me@vps' }, 'authbar recover')).toBe('authbar recover --host vps');
    expect(rebuildFix(host, 'authbar recover')).toBe(`ssh me@vps.example.com env ''\\''OPENCLAW_STATE_DIR=/srv/open claw'\\''' '~/.npm-global/bin/authbar' recover`);
  });

  it('drops anything else', () => {
    for (const fix of ['authbar sync --agent coder; touch ~/pwned #', 'authbar sync --agent $(id)', 'curl x | sh', 'authbar  sync --agent coder', 'authbar sync --agent coder\n', 'openclaw models auth --agent a login --provider evil']) {
      expect(rebuildFix({ name: 'vps', destination: 'me@vps' }, fix), fix).toBeNull();
    }
  });
});

describe('the installer\'s answer', () => {
  it('names the directory only as a plain line: no controls, escapes or bidi marks, at most 400 characters', () => {
    expect(deployedDir('authbar-deploy: ok /home/me/.cache/authbar/cli/0.1.0-abc\n')).toBe('/home/me/.cache/authbar/cli/0.1.0-abc');
    expect(deployedDir('noise\nauthbar-deploy: ok /srv/a b\n')).toBe('/srv/a b');
    for (const bad of ['/srv/\u202egnp.exe', '/srv/\u2066x\u2069', '/srv/\x1b]0;t\x07', '/srv/\x9b2J', `/${'x'.repeat(400)}`, '']) {
      expect(deployedDir(`authbar-deploy: ok ${bad}\n`), JSON.stringify(bad)).toBeNull();
    }
  });
});
