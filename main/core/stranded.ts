// Copies left behind by a rotation: filled in by the healing work (issue 7).
import type { Stranding } from './api.ts';
import type { CredentialCopy } from './copies.ts';

export interface StrandedCopy {
  kind: Stranding;
  /** The copy holding the newest credential of the same account. */
  newest: CredentialCopy;
}

export type Strandings = ReadonlyMap<string, StrandedCopy>;
