import { describe, expect, it } from 'vitest';
import { tildePath } from '../../main/core/ui/home-path.ts';

describe('tildePath', () => {
  it('writes a path under the home as ~/…, and the home itself as ~', () => {
    expect(tildePath('/home/ada/.openclaw', '/home/ada', 'linux')).toBe('~/.openclaw');
    expect(tildePath('/Users/ada/.openclaw/', '/Users/ada/', 'darwin')).toBe('~/.openclaw');
    expect(tildePath('/home/ada', '/home/ada', 'linux')).toBe('~');
  });

  it('leaves every other path as it is: a sibling that only starts with the same letters, another user, no home', () => {
    expect(tildePath('/home/adam/.openclaw', '/home/ada', 'linux')).toBe('/home/adam/.openclaw');
    expect(tildePath('/srv/openclaw', '/home/ada', 'linux')).toBe('/srv/openclaw');
    expect(tildePath('/home/ADA/.openclaw', '/home/ada', 'linux')).toBe('/home/ADA/.openclaw');
    expect(tildePath('/home/ada/.openclaw', '', 'linux')).toBe('/home/ada/.openclaw');
    expect(tildePath('/etc/openclaw', '/', 'linux')).toBe('/etc/openclaw');
    expect(tildePath('', '/home/ada', 'linux')).toBe('');
  });

  it('on Windows ignores case and either slash, and keeps backslashes', () => {
    expect(tildePath('C:\\Users\\Ada\\.openclaw', 'c:\\users\\ada', 'win32')).toBe('~\\.openclaw');
    expect(tildePath('C:/Users/Ada/.openclaw', 'C:\\Users\\Ada', 'win32')).toBe('~\\.openclaw');
    expect(tildePath('D:\\openclaw', 'C:\\Users\\Ada', 'win32')).toBe('D:\\openclaw');
  });
});
