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
/**
 * A value past MAX_SEARCHED_VALUE, or a long one (past LONG_VALUE) once long ones reach
 * MAX_LONG_TOTAL in all, counts as a carrier unsearched: a hostile store's megabyte profile id
 * would cost hundreds of megabytes to index. Short values (every real id and address) are always
 * searched, however many: a bound on them would hide ordinary copies.
 */
export const MAX_SEARCHED_VALUE = 64 * 1024;
const LONG_VALUE = 1024;
const MAX_LONG_TOTAL = 1024 * 1024;

/** A 32-bit hash of the run of SECRET_PART characters at `at`. */
export function runHash(text: string, at: number): number {
  let h = 0;
  for (let i = at; i < at + SECRET_PART; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

const sameRun = (a: string, at: number, b: string, bt: number): boolean => {
  for (let k = 0; k < SECRET_PART; k++) if (a.charCodeAt(at + k) !== b.charCodeAt(bt + k)) return false;
  return true;
};

/**
 * Which of `values` carry part of any of `secrets`, in one pass over the secrets however many
 * values there are and however long the secrets: each run of each value is hashed once (kept as
 * numbers: value and offset), and a rolling hash slides over each secret; a hit is compared as
 * text.
 */
export function carriersOf(values: ReadonlyArray<string | null>, secrets: ReadonlyArray<string | null | undefined>): Set<string> {
  const carriers = new Set<string>();
  const searched: string[] = [];
  let total = 0;
  for (const value of new Set(values)) {
    if (value === null || value.length < SECRET_PART) continue;
    const long = value.length > LONG_VALUE;
    if (value.length > MAX_SEARCHED_VALUE || (long && total + value.length > MAX_LONG_TOTAL)) carriers.add(value);
    else {
      searched.push(value);
      if (long) total += value.length;
    }
  }
  // hash → value index * MAX_SEARCHED_VALUE + offset, or a list of them when runs collide
  const runs = new Map<number, number | number[]>();
  searched.forEach((value, index) => {
    for (let i = 0; i + SECRET_PART <= value.length; i++) {
      const h = runHash(value, i);
      const at = index * MAX_SEARCHED_VALUE + i;
      const known = runs.get(h);
      if (known === undefined) runs.set(h, at);
      else if (typeof known === 'number') runs.set(h, [known, at]);
      else known.push(at);
    }
  });
  if (runs.size === 0) return carriers;
  const check = (secret: string, i: number, at: number) => {
    const value = searched[Math.floor(at / MAX_SEARCHED_VALUE)]!;
    if (!carriers.has(value) && sameRun(secret, i, value, at % MAX_SEARCHED_VALUE)) carriers.add(value);
  };
  for (const secret of secrets) {
    if (!secret || secret.length < SECRET_PART) continue;
    let h = runHash(secret, 0);
    for (let i = 0; ; i++) {
      const hit = runs.get(h);
      if (typeof hit === 'number') check(secret, i, hit);
      else if (hit) for (const at of hit) check(secret, i, at);
      if (i + SECRET_PART >= secret.length) break;
      h = (Math.imul(h - Math.imul(secret.charCodeAt(i), FIRST_WEIGHT), BASE) + secret.charCodeAt(i + SECRET_PART)) | 0;
    }
  }
  return carriers;
}
