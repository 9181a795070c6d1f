// Whether a value that is shown (an account id, an email, a plan name) carries part of a token
// it sits beside or was sent with: an endpoint that echoes the Bearer in its answer, an account
// claim that holds the refresh token. No part of a token is ever shown, so such a value is
// dropped as if absent. "Part" is a run of SECRET_PART characters: shorter runs occur by chance.
export const SECRET_PART = 8;

export function sharesSecretPart(value: string, secrets: ReadonlyArray<string | null | undefined>): boolean {
  for (const secret of secrets) {
    if (!secret || secret.length < SECRET_PART) continue;
    for (let i = 0; i + SECRET_PART <= value.length; i++) if (secret.includes(value.slice(i, i + SECRET_PART))) return true;
  }
  return false;
}

/** `value` unless it carries part of one of `secrets`. */
export const apartFrom = (value: string | null, secrets: ReadonlyArray<string | null | undefined>): string | null =>
  value !== null && sharesSecretPart(value, secrets) ? null : value;

const BASE = 0x01000193;
/** BASE to the power SECRET_PART - 1, modulo 2^32: what the run's first character weighs. */
const FIRST_WEIGHT = Array.from({ length: SECRET_PART - 1 }).reduce<number>((w) => Math.imul(w, BASE), 1);

/** A 32-bit hash of the run of SECRET_PART characters at `at`. */
function runHash(text: string, at: number): number {
  let h = 0;
  for (let i = at; i < at + SECRET_PART; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * Which of `values` carry part of any of `secrets`, in one pass over the secrets however many
 * values there are and however long the secrets: the runs of the values are hashed once, and
 * a rolling hash slides over each secret (a hit is compared as text). Every token of a whole
 * scan (access tokens of kilobytes included) costs about a millisecond per megabyte this way.
 */
export function carriersOf(values: Iterable<string | null>, secrets: Iterable<string | null | undefined>): Set<string> {
  const runs = new Map<number, Set<string>>();
  for (const value of values) {
    if (value === null) continue;
    for (let i = 0; i + SECRET_PART <= value.length; i++) {
      const h = runHash(value, i);
      const known = runs.get(h);
      if (known) known.add(value.slice(i, i + SECRET_PART));
      else runs.set(h, new Set([value.slice(i, i + SECRET_PART)]));
    }
  }
  const found = new Set<string>();
  if (runs.size > 0) {
    for (const secret of secrets) {
      if (!secret || secret.length < SECRET_PART) continue;
      let h = runHash(secret, 0);
      for (let i = 0; ; i++) {
        const candidates = runs.get(h);
        if (candidates) {
          const run = secret.slice(i, i + SECRET_PART);
          if (candidates.has(run)) found.add(run);
        }
        if (i + SECRET_PART >= secret.length) break;
        h = (Math.imul(h - Math.imul(secret.charCodeAt(i), FIRST_WEIGHT), BASE) + secret.charCodeAt(i + SECRET_PART)) | 0;
      }
    }
  }
  const carriers = new Set<string>();
  if (found.size === 0) return carriers;
  for (const value of values) {
    if (value === null || carriers.has(value)) continue;
    for (let i = 0; i + SECRET_PART <= value.length; i++) {
      if (found.has(value.slice(i, i + SECRET_PART))) {
        carriers.add(value);
        break;
      }
    }
  }
  return carriers;
}
