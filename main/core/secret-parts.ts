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
