// Whether shown text carries part of a secret: the one-pass search over every token of a scan
// (carriersOf) against the plain definition (sharesSecretPart), on random and edge-case input.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { carriersOf, MAX_SEARCHED_VALUE, runHash, SECRET_PART, sharesSecretPart } from '../../main/core/secret-parts.ts';

describe('carriersOf', () => {
  it('finds a run at the start, in the middle and at the very end of a secret, and nothing shorter', () => {
    const secret = `head${'x'.repeat(3)}${randomBytes(30).toString('base64url')}tail`;
    const values = [secret.slice(0, SECRET_PART), `a@${secret.slice(10, 10 + SECRET_PART)}.com`, `${secret.slice(-SECRET_PART)}@b`, secret.slice(-SECRET_PART + 1), 'plain@example.com', null];
    expect(carriersOf(values, [secret])).toEqual(new Set(values.slice(0, 3)));
  });

  it('agrees with the plain definition on random text, with many secrets and long ones', () => {
    const alphabet = 'abAB01-_.@';
    const text = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
    for (let round = 0; round < 50; round++) {
      const secrets = Array.from({ length: 5 }, () => text(Math.floor(Math.random() * 3000)));
      const values = Array.from({ length: 20 }, () => (Math.random() < 0.3 ? secrets[0]!.slice(100, 100 + 12) : text(Math.floor(Math.random() * 20))));
      const expected = new Set(values.filter((v) => sharesSecretPart(v, secrets)));
      expect(carriersOf(values, secrets)).toEqual(expected);
    }
  });

  it('compares text, never trusts a hash: a value whose run only shares a secret run\'s hash is kept', () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    while (!pair) {
      const run = randomBytes(6).toString('base64url').slice(0, SECRET_PART);
      const other = seen.get(runHash(run, 0));
      if (other !== undefined && other !== run) pair = [run, other];
      else seen.set(runHash(run, 0), run);
    }
    const [value, secret] = pair;
    expect(runHash(value, 0)).toBe(runHash(secret, 0));
    expect(carriersOf([value, `${secret}x`], [`--${secret}--`])).toEqual(new Set([`${secret}x`]));
  });

  it('counts a value past MAX_SEARCHED_VALUE as a carrier, unsearched: a megabyte profile id costs nothing', () => {
    const huge = 'p'.repeat(MAX_SEARCHED_VALUE + 1);
    expect(carriersOf([huge, 'q'.repeat(MAX_SEARCHED_VALUE)], ['no secret here'])).toEqual(new Set([huge]));
  });

  it('handles characters outside the BMP and secrets shorter than a run', () => {
    const secret = `🔑🔑🔑🔑${randomBytes(8).toString('hex')}`;
    expect(carriersOf([`x${secret.slice(0, SECRET_PART)}`, 'short'], [secret, 'abc', '', null, undefined])).toEqual(new Set([`x${secret.slice(0, SECRET_PART)}`]));
  });
});
