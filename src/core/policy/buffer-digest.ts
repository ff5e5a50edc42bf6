/**
 * Whether an `ima-buf` entry's recorded digest (d-ng) is the hash of its buffer. The kernel
 * computes both from the one buffer (ima_measure_critical_data, ima_post_key_create_or_update),
 * so an entry where they differ was not written by a kernel: its template hash covers the
 * forged pair, and Keylime never compares them (runtime-policy-and-signatures.md §3.6). It
 * is a property of the list, checked whether or not a policy is given and in both modes; a
 * key from such an entry is what the buffer holds, not what the digest names.
 */
import { parseHashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import type { ByteSource } from '../model/byte-source';
import type { ImaLog } from '../model/ima-log';
import type { Finding } from '../report/report';
import { bytesEqual } from '../util/bytes';
import { plural } from '../util/count-text';
import { BufferKeys } from './buffer-keys';
import { EntryReader } from './entry-reader';

export type BufferDigest = 'match' | 'mismatch' | 'unknown';

/**
 * Entry `i`'s recorded digest against the hash of `buf`, its buffer; 'unknown' when its
 * algorithm has no hasher here (reported as not checked, never as a pass).
 */
export function bufferDigestAgrees(reader: EntryReader, i: number, buf: Uint8Array, provider: HashProvider): BufferDigest {
  const { log } = reader;
  const alg = parseHashAlgorithm(log.digestAlgorithms[log.entries.fileDigestAlgorithm[i]] ?? '');
  const hasher = alg === undefined ? undefined : provider.get(alg);
  if (hasher === undefined) return 'unknown';
  return bytesEqual(hasher.digest(buf), reader.fileDigest(i)) ? 'match' : 'mismatch';
}

export interface BufferDigestCheck {
  /** Entries whose recorded digest is not the hash of their buffer. */
  readonly mismatches: readonly number[];
  /** Entries whose digest algorithm has no hasher here. */
  readonly unchecked: readonly number[];
}

/** Every buffer of `log` (its bytes read from `source`, default the model's) against its digest. */
export function checkBufferDigests(log: ImaLog, provider: HashProvider, source?: ByteSource): BufferDigestCheck {
  const mismatches: number[] = [];
  const unchecked: number[] = [];
  const keys = new BufferKeys(new EntryReader(log, source));
  if (!keys.anyBuffer) return { mismatches, unchecked };
  for (let i = 0; i < log.entries.length; i++) {
    const buf = keys.buffer(i);
    if (buf === undefined) continue;
    const agrees = bufferDigestAgrees(keys.reader, i, buf, provider);
    if (agrees === 'mismatch') mismatches.push(i);
    else if (agrees === 'unknown') unchecked.push(i);
  }
  return { mismatches, unchecked };
}

export function bufferDigestFindings(check: BufferDigestCheck): Finding[] {
  const out: Finding[] = [];
  const { mismatches, unchecked } = check;
  if (mismatches.length > 0) {
    out.push({
      code: 'buffer-digest-mismatch',
      severity: 'error',
      message: `${plural(mismatches.length, 'ima-buf entry records a digest', 'ima-buf entries record digests')} that ${mismatches.length === 1 ? 'is' : 'are'} not the hash of ${mismatches.length === 1 ? 'its buffer' : 'their buffers'} (e.g. entry ${mismatches[0]}): the kernel computes both from the one buffer, so the list was forged or altered, and the template hash covers the forged pair. Keylime never checks this (it judges the recorded digest and, for a key, learns the key in the buffer).`,
      entries: [...mismatches],
    });
  }
  if (unchecked.length > 0) {
    out.push({
      code: 'buffer-digest-unchecked',
      severity: 'info',
      message: `${plural(unchecked.length, 'ima-buf entry', 'ima-buf entries')} could not be checked against ${unchecked.length === 1 ? 'its buffer' : 'their buffers'}: no hasher here for ${unchecked.length === 1 ? 'its' : 'their'} digest algorithm (e.g. entry ${unchecked[0]}).`,
      entries: [...unchecked],
    });
  }
  return out;
}
