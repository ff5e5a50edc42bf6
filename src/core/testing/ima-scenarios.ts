/**
 * Scenario helpers over buildImaLog's DSL: the situations samples and tests need to stage
 * (spec: shared/spec/ima-format.md §6, §7). A list read after its quote needs no helper:
 * compare `BuiltLog.pcrs` with `BuiltLog.pcrsAfter(n)`.
 */
import type { Hasher, HashProvider } from '../hash/hash-provider';
import { concatBytes, encodeText } from '../util/bytes';
import type { BuildEntry, BuiltLog } from './build-ima-log';
import { bootAggregateEntry, buildImaLog, encodeBinaryEntry, kexecRecord, kexecSegmentSize } from './build-ima-log';

/** Appendix A.3's hypothetical platform PCRs: PCR i = H("pcr" + i), i = 0…9. */
export function hypotheticalPlatformPcrs(hasher: Hasher): Uint8Array[] {
  return Array.from({ length: 10 }, (_, i) => hasher.digest(encodeText(`pcr${i}`)));
}

/** The boot_aggregate entry of a boot whose PCRs 0–9 are hypotheticalPlatformPcrs (sha256). */
export function platformBootEntry(provider: HashProvider): BuildEntry {
  const hasher = provider.get('sha256');
  if (hasher === undefined) throw new Error('no sha256');
  return bootAggregateEntry(hasher, hypotheticalPlatformPcrs(hasher));
}

/** `n` ima-ng file entries named `${prefix}0`, `${prefix}1`, … */
export function numberedFiles(n: number, prefix = '/usr/bin/tool'): BuildEntry[] {
  return Array.from({ length: n }, (_, i) => ({ path: `${prefix}${i}` }));
}

export interface KexecParts {
  /** The old kernel's entries, from its boot_aggregate on. */
  readonly firstBoot: readonly BuildEntry[];
  /** Entries measured between kexec load and execute. */
  readonly afterLoad?: readonly BuildEntry[];
  /** The new kernel's entries, from its boot_aggregate on (after the carried list, §7.4). */
  readonly secondBoot: readonly BuildEntry[];
}

export interface KexecOptions {
  /** 6.16+ `kexec_load` / `kexec_execute` records (default true); false for older kernels. */
  readonly markers?: boolean;
  /**
   * The carried list ends at the load: later entries (and the execute record) were extended
   * into the TPM but are missing from the list (pre-6.16 copy at load, or a segment too small).
   */
  readonly lose?: boolean;
  readonly keySpelling?: '6.16' | 'legacy';
}

/** A soft reboot (§7.4): old entries, kexec_load, more entries, kexec_execute, the new boot. */
export function kexecSoftReboot(parts: KexecParts, options: KexecOptions = {}): BuildEntry[] {
  const markers = options.markers ?? true;
  const lost = (e: BuildEntry): BuildEntry => (options.lose ? { ...e, omitFromList: true } : e);
  // kexec_execute reports the segment reserved at load, so the load record remembers it.
  let segmentSize = 0;
  const load = kexecRecord(
    'kexec_load',
    (list) => ({ segmentSize: (segmentSize = kexecSegmentSize(list)) }),
    options.keySpelling,
  );
  const execute = kexecRecord('kexec_execute', () => ({ segmentSize }), options.keySpelling);
  return [
    ...parts.firstBoot,
    ...(markers ? [load] : []),
    ...(parts.afterLoad ?? []).map(lost),
    ...(markers ? [lost(execute)] : []),
    ...parts.secondBoot,
  ];
}

/** Kernel `enum hash_algo` values used in the signature header. */
const HASH_ALGO_ID = { sha1: 2, sha256: 4, sha512: 6 } as const;

/**
 * A `security.ima` digital signature (v2 header, §4.2: type 0x03, version 2, hash algo,
 * be32 key id, be16 size, signature). The signature bytes are caller-given: samples only need
 * the shape, not a signature that verifies.
 */
export function imaSignature(
  keyId: number,
  signature: Uint8Array,
  hashAlgorithm: keyof typeof HASH_ALGO_ID = 'sha256',
): Uint8Array {
  const out = new Uint8Array(9 + signature.length);
  const view = new DataView(out.buffer);
  out[0] = 0x03;
  out[1] = 0x02;
  out[2] = HASH_ALGO_ID[hashAlgorithm];
  view.setUint32(3, keyId >>> 0, false);
  view.setUint16(7, signature.length, false);
  out.set(signature, 9);
  return out;
}

/** The sha1 and sha256 lists a 5.8+ kernel writes for one log, one of them maybe edited. */
export interface PerBankPair {
  readonly sha1: BuiltLog;
  readonly sha256: BuiltLog;
  /** The sha256 list as given: `sha256.binary`, or with the edit made. */
  readonly sha256List: Uint8Array;
}

/**
 * Both per-bank lists of `entries`. `edit` replaces entry `index`'s template data in the
 * sha256 list only by that of a file at `path`: with the kernel's digest kept (a template-hash
 * mismatch there) or recomputed (the list is consistent, but not what the TPM extended).
 */
export function perBankPair(
  provider: HashProvider,
  entries: readonly BuildEntry[],
  edit?: { readonly index: number; readonly path: string; readonly recomputeDigest: boolean },
): PerBankPair {
  const sha1 = buildImaLog(entries, { provider, listBank: 'sha1' });
  const sha256 = buildImaLog(entries, { provider, listBank: 'sha256' });
  if (edit === undefined) return { sha1, sha256, sha256List: sha256.binary };
  const other = buildImaLog(
    entries.map((e, i) => (i === edit.index ? { path: edit.path } : e)),
    { provider, listBank: 'sha256' },
  );
  const sha256List = concatBytes(
    sha256.entries.map((m, i) => {
      if (i !== edit.index) return encodeBinaryEntry(m, 'sha256');
      const edited = other.entries[i];
      return encodeBinaryEntry(edit.recomputeDigest ? edited : { ...edited, templateDigests: m.templateDigests }, 'sha256');
    }),
  );
  return { sha1, sha256, sha256List };
}
