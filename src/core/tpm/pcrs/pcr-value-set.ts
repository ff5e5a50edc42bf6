/**
 * The PCR values every listing form decodes to, and the one place that checks them: a value
 * must have its bank's digest size, and the same PCR must not be listed twice with two values
 * (a listing that does is refused).
 */
import { digestSize, hashAlgorithmsOfSize, type HashAlgorithm } from '../../hash/hash-algorithm';
import { bytesEqual, toHex } from '../../util/bytes';

/** bank → PCR index → value */
export type PcrValues = Map<HashAlgorithm, Map<number, Uint8Array>>;

/**
 * One PCR given two or more different values (in one listing, or across inputs): which is the
 * machine's cannot be told, so none of them is checked. Each reading names where it came from
 * (an input, with the line in a listing).
 */
export interface PcrConflict {
  readonly bank: HashAlgorithm;
  readonly pcr: number;
  readonly readings: ReadonlyArray<{ readonly value: string; readonly source: string }>;
}

/** PCR indices above this are typos, not PCRs (PC TPMs have 24; none has 256). */
const MAX_PCR_INDEX = 255;
/** PCRs a TPM 2.0 (PC client) has; an index listed beyond them is said and left out. */
const TPM_PCR_COUNT = 24;

/**
 * The bank a bare digest belongs to, from its length alone: 20 → sha1, 32 → sha256 (SM3 is
 * also 32 bytes; a listing without bank names cannot tell them apart), 48 → sha384,
 * 64 → sha512.
 */
export function bankForDigestLength(length: number): HashAlgorithm | undefined {
  return hashAlgorithmsOfSize(length)[0];
}

export class PcrValuesBuilder {
  readonly values: PcrValues = new Map();
  readonly problems: string[] = [];
  /**
   * The problems that leave a listed value unread (not hex, no digest size, index out of
   * range): the listing cannot be read as PCR values, and the analysis refuses it (fail
   * closed) instead of checking the values that remain. Each is also in `problems`.
   */
  readonly unreadable: string[] = [];
  /** PCRs listed twice with different values (each also in `unreadable`); sources are places in the listing. */
  readonly conflicts: PcrConflict[] = [];
  /** `bank:pcr` → where its value was listed. */
  readonly #places = new Map<string, string>();

  /** A value that is listed but cannot be read. */
  reject(problem: string): void {
    this.problems.push(problem);
    this.unreadable.push(problem);
  }

  /** Adds one value; a bad one becomes a problem naming `where` and is skipped. */
  add(bank: HashAlgorithm, pcr: number, value: Uint8Array, where: string): void {
    if (!Number.isInteger(pcr) || pcr < 0 || pcr > MAX_PCR_INDEX) {
      this.reject(`${where}: PCR index ${pcr} is out of range`);
      return;
    }
    if (value.length !== digestSize(bank)) {
      this.reject(
        `${where}: ${bank} PCR ${pcr} has ${value.length} bytes, ` +
          `a ${bank} digest has ${digestSize(bank)}`,
      );
      return;
    }
    if (pcr >= TPM_PCR_COUNT) {
      this.problems.push(`${where}: PCR ${pcr} is beyond the ${TPM_PCR_COUNT} PCRs (0–${TPM_PCR_COUNT - 1}) of a TPM: not read`);
      return;
    }
    let pcrs = this.values.get(bank);
    if (pcrs === undefined) {
      pcrs = new Map();
      this.values.set(bank, pcrs);
    }
    const previous = pcrs.get(pcr);
    // Two values of one PCR in one listing: which is the machine's cannot be told (fail closed).
    if (previous !== undefined && !bytesEqual(previous, value)) {
      const first = this.#places.get(`${bank}:${pcr}`) ?? 'earlier';
      this.reject(`${where}: ${bank} PCR ${pcr} listed again with a different value ${toHex(value)} (first ${toHex(previous)}, ${first})`);
      this.conflicts.push({ bank, pcr, readings: [{ value: toHex(previous), source: first }, { value: toHex(value), source: where }] });
      return;
    }
    pcrs.set(pcr, value);
    if (previous === undefined) this.#places.set(`${bank}:${pcr}`, where);
  }

  get size(): number {
    let n = 0;
    for (const pcrs of this.values.values()) n += pcrs.size;
    return n;
  }
}
