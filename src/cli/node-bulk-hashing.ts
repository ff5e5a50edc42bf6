/**
 * In Node, large inputs (the fingerprint of a whole list, firmware events with big payloads)
 * hash several times faster in OpenSSL, which uses the CPU's SHA instructions, than in
 * WebAssembly: sha256 of a 23 MB list takes 19 ms against 115 ms on the project's machine.
 * Per call, though, node:crypto costs more than the whole wasm hash of a 100-byte input, so
 * only inputs from BULK_BYTES on go to it; everything else stays on the wrapped provider.
 */
import { createHash, getHashes } from 'node:crypto';
import type { HashAlgorithm } from '../core/hash/hash-algorithm';
import type { Hasher, HashProvider } from '../core/hash/hash-provider';

/** Where node:crypto's per-call cost is repaid. */
const BULK_BYTES = 64 * 1024;

function bulkHasher(inner: Hasher): Hasher {
  const name = inner.algorithm;
  const bulk = (data: Uint8Array): Uint8Array => new Uint8Array(createHash(name).update(data).digest());
  return {
    algorithm: inner.algorithm,
    size: inner.size,
    digest: (data) => (data.length >= BULK_BYTES ? bulk(data) : inner.digest(data)),
    digest2: (a, b) => inner.digest2(a, b),
    digestParts: (parts) => inner.digestParts(parts),
    digestRangeInto(data, offset, length, out, outOffset) {
      if (length >= BULK_BYTES) out.set(bulk(data.subarray(offset, offset + length)), outOffset);
      else inner.digestRangeInto(data, offset, length, out, outOffset);
    },
    extendInto: (pcr, values, offset) => inner.extendInto(pcr, values, offset),
    digestRangesInto: (data, offsets, lengths, count, out, outOffset) =>
      inner.digestRangesInto(data, offsets, lengths, count, out, outOffset),
    extendRangeInto: (pcrs, start, end, states, values, running) =>
      inner.extendRangeInto(pcrs, start, end, states, values, running),
  };
}

export function withNodeBulkHashing(provider: HashProvider): HashProvider {
  const available = new Set(getHashes());
  const hashers = new Map<HashAlgorithm, Hasher | undefined>();
  return {
    implementation: provider.implementation,
    get(alg) {
      if (!hashers.has(alg)) {
        const inner = provider.get(alg);
        hashers.set(alg, inner !== undefined && available.has(alg) ? bulkHasher(inner) : inner);
      }
      return hashers.get(alg);
    },
    createStream: (alg) => provider.createStream(alg),
  };
}
