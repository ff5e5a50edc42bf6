/**
 * The batch methods of `Hasher` for hashers without a batch kernel (noble, and hash-wasm's
 * modules for SHA-384/512 and SM3): the same results, one hash call per input.
 */
import type { Hasher } from './hash-provider';

type OneByOne = Pick<Hasher, 'size' | 'digestRangeInto' | 'extendInto'>;

export function digestRangesOneByOne(
  hasher: OneByOne,
  data: Uint8Array,
  offsets: Uint32Array,
  lengths: Uint32Array,
  count: number,
  out: Uint8Array,
  outOffset: number,
): void {
  for (let k = 0; k < count; k++) hasher.digestRangeInto(data, offsets[k], lengths[k], out, outOffset + k * hasher.size);
}

export function extendRangeOneByOne(
  hasher: OneByOne,
  pcrs: Uint8Array,
  start: number,
  end: number,
  states: Uint8Array,
  values: Uint8Array,
  running: Uint8Array | undefined,
): void {
  const size = hasher.size;
  // One view per PCR, made when first extended.
  const views: Array<Uint8Array | undefined> = [];
  for (let i = start; i < end; i++) {
    const p = pcrs[i];
    const pcr = (views[p] ??= states.subarray(p * size, (p + 1) * size));
    hasher.extendInto(pcr, values, i * size);
    if (running !== undefined) running.set(pcr, i * size);
  }
}
