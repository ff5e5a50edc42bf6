/**
 * Test-only: the cases of ../shared/data/policy/keylime/expected-keylime-eval.json, Keylime's
 * own process_measurement_list run on its test vectors (see that folder's PROVENANCE.md).
 */
import { readSharedText } from './shared-data';

export interface KeylimeCase {
  readonly log: string;
  /** A file in policies/, or null for Keylime's `runtime_policy=None`. */
  readonly policy: string | null;
  /** Files in keys/ for the tenant keyring; null for `ima_keyrings=None`. */
  readonly keys: string[] | null;
  readonly keylime_pass: boolean;
  /** [event id, context] in Keylime's order. */
  readonly events: Array<[string, { message: string } & Record<string, unknown>]>;
  readonly learned_keyrings?: Record<string, string[]>;
}

export function readKeylimeCases(): KeylimeCase[] {
  return JSON.parse(readSharedText('policy', 'keylime', 'expected-keylime-eval.json')) as KeylimeCase[];
}
