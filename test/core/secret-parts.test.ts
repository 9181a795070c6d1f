// Whether shown text carries part of a secret: the one-pass search over every token of a scan
// (carriersOf) against the plain definition (sharesSecretPart), on random and edge-case input.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { carriersOf, SECRET_PART, sharesSecretPart } from '../../main/core/secret-parts.ts';

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

  it('compares text, never trusts a hash: values whose runs collide with nothing in the secrets are kept', () => {
    const values = Array.from({ length: 300 }, () => randomBytes(12).toString('base64url'));
    const secrets = Array.from({ length: 50 }, () => randomBytes(1500).toString('base64url'));
    expect(carriersOf(values, secrets).size).toBe(values.filter((v) => sharesSecretPart(v, secrets)).length);
  });

  it('handles characters outside the BMP and secrets shorter than a run', () => {
    const secret = `🔑🔑🔑🔑${randomBytes(8).toString('hex')}`;
    expect(carriersOf([`x${secret.slice(0, SECRET_PART)}`, 'short'], [secret, 'abc', '', null, undefined])).toEqual(new Set([`x${secret.slice(0, SECRET_PART)}`]));
  });
});
