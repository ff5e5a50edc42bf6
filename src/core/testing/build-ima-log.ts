/**
 * The project's own IMA measurement-list writer (STYLE.md 7.9: synthetic inputs come from a
 * DSL, not committed binaries). Tests, `scripts/make-samples.ts` and `scripts/make-bench-data.ts`
 * describe entries as data and get back the binary list, the ASCII list and the PCR values a
 * kernel would have left in the TPM.
 *
 * It follows the kernel to the byte (spec: shared/spec/ima-format.md):
 * - Binary entry (§2): u32 pcr ‖ digest[D] ‖ u32 nameLen ‖ name ‖ u32 L ‖ template data, where
 *   the template data is `u32 len ‖ data` per field. The legacy `ima` template (§2.1) has no L
 *   word, writes `d` raw and `n` as u32 strlen ‖ name without its NUL.
 * - Template hash (§5.1): H(template data) for every template but `ima`, whose hash is
 *   H(d[20] ‖ name zero-padded to 256) with no length words. Length words use the list's byte
 *   order, so big-endian lists hash big-endian words.
 * - Violations (§5.1, §5.2): every recorded digest is zero, the template data carries a zero
 *   file digest, and the PCR is extended with 0xFF of the bank size (5.8+), or with
 *   ff×20 ‖ 00… when replaying a 5.1–5.7 kernel (`extend: 'padded-sha1'`).
 * - ASCII line (§3): `%2d` PCR, the digest of the list's bank, the template name, then " " and
 *   the rendering of each field (nothing after the space when the field is empty).
 *
 * This file stays pure (no Node APIs): digests come from a HashProvider, so scripts and tests
 * share it. It deliberately does not reuse the parser's tables: it is an independent oracle.
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import { digestSize, parseHashAlgorithm } from '../hash/hash-algorithm';
import type { Hasher, HashProvider } from '../hash/hash-provider';
import type { ByteOrder } from '../model/ima-log';
import { concatBytes, decodeText, encodeText, fromHex, toHex } from '../util/bytes';

/** PCR values per bank, then per PCR index. */
export type PcrBanks = Map<HashAlgorithm, Map<number, Uint8Array>>;

/**
 * The file digest of an entry: given as hex (any algorithm name, e.g. `sha256`, `md5`,
 * `ima:sha256`, `verity:sha256`), or computed from `content` with `algorithm` (default sha256,
 * the usual `ima_hash`).
 */
export type FileDigestSpec =
  | { readonly algorithm: string; readonly hex: string }
  | { readonly content: string | Uint8Array; readonly algorithm?: string };

/** What the measuring kernel knows about its list when it measures the next entry. */
export interface ListState {
  /** Entries measured so far (`ima_htable.len`), including ones later left out of the list. */
  readonly count: number;
  /** `ima_get_binary_runtime_size()`: the 24-byte kexec header plus the kernel's entry sizes. */
  readonly runtimeSize: number;
}

export interface BuildEntry {
  /** Default 10 (`CONFIG_IMA_MEASURE_PCR_IDX`). */
  readonly pcr?: number;
  /** A built-in template name or a custom format string (`d-ng|n-ng|iuid`). Default ima-ng. */
  readonly template?: string;
  /** File path or event name (n / n-ng); spaces become `_` as in the kernel. */
  readonly path: string;
  /** The n-ng name's bytes as the kernel records them (any bytes, UTF-8 or not), instead of `path`'s. */
  readonly nameBytes?: Uint8Array;
  /** Keep spaces in the name, as kernels before 3.13 and list-rewriting tools do. */
  readonly keepSpaces?: boolean;
  /** Default: content = `buf` when given, else the path text (a stand-in file content). */
  readonly fileDigest?: FileDigestSpec;
  /** The `sig` field (raw security.ima value); empty when absent. */
  readonly sig?: Uint8Array;
  /** The `buf` field; a function gets the list state, for records about the list (kexec). */
  readonly buf?: Uint8Array | string | ((list: ListState) => Uint8Array | string);
  /** A measurement violation: zero digests recorded, 0xFF extended. */
  readonly violation?: boolean;
  /** Raw data for any field id, overriding the computed one (modsig, evmsig, iuid, …). */
  readonly extraFields?: Readonly<Record<string, Uint8Array>>;
  /** This entry's byte order, overriding the list's (mixed lists). */
  readonly byteOrder?: ByteOrder;
  /**
   * Byte order of the length words fed into the template hash, when it differs from the framing:
   * what a tool that re-serialised a big-endian list as little-endian would produce.
   */
  readonly hashByteOrder?: ByteOrder;
  /** Record the template digest with its last byte flipped; the TPM got the true one. */
  readonly corruptTemplateDigest?: boolean;
  /** Extend the PCRs but leave the entry out of the list (lost across kexec). */
  readonly omitFromList?: boolean;
}

export interface BuildOptions {
  /** Byte order of the framing words and numeric fields. Default little. */
  readonly byteOrder?: ByteOrder;
  /** TPM banks that are extended. Default sha1 and sha256. */
  readonly banks?: readonly HashAlgorithm[];
  /** The bank of the list's digest column: sha1 (legacy list, default) or a per-bank list. */
  readonly listBank?: HashAlgorithm;
  /** per-bank (5.8+, default) or padded-sha1 (5.1–5.7: zero-padded SHA-1 digests in every bank). */
  readonly extend?: 'per-bank' | 'padded-sha1';
  /** Starting PCR values (a list segment); PCRs not given start at zero. */
  readonly initialPcrs?: PcrBanks;
}

export interface BuilderOptions extends BuildOptions {
  readonly provider: HashProvider;
}

export interface TemplateField {
  readonly id: string;
  readonly data: Uint8Array;
}

/** One measured entry: what the kernel recorded and what it extended. */
export interface MeasuredEntry {
  readonly pcr: number;
  readonly templateName: string;
  readonly fields: readonly TemplateField[];
  readonly byteOrder: ByteOrder;
  readonly violation: boolean;
  /** False for entries extended but left out of the list. */
  readonly listed: boolean;
  /** The digest column of each per-bank list (zero for violations; as corrupted when asked). */
  readonly templateDigests: ReadonlyMap<HashAlgorithm, Uint8Array>;
  /** What went into each TPM bank's PCR. */
  readonly extended: ReadonlyMap<HashAlgorithm, Uint8Array>;
  /** The binary bytes after the template name: u32 L ‖ template data (`ima`: d ‖ u32 n ‖ n). */
  readonly dataRegion: Uint8Array;
}

export interface BuiltLog {
  /** The binary list (only listed entries), digest column of `listBank`. */
  readonly binary: Uint8Array;
  /** The ASCII list of the same entries and bank. */
  readonly ascii: string;
  /** Final PCR values of every extended (or initially given) PCR, per bank. */
  readonly pcrs: PcrBanks;
  /** Every entry given, in order, omitted ones included. */
  readonly entries: readonly MeasuredEntry[];
  /** PCR values after the first `count` entries given (omitted ones count: the TPM saw them). */
  pcrsAfter(count: number): PcrBanks;
}

/** Field ids of the built-in templates (ima-format.md §4.1). */
export const BUILTIN_TEMPLATE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ima: ['d', 'n'],
  'ima-ng': ['d-ng', 'n-ng'],
  'ima-sig': ['d-ng', 'n-ng', 'sig'],
  'ima-ngv2': ['d-ngv2', 'n-ng'],
  'ima-sigv2': ['d-ngv2', 'n-ng', 'sig'],
  'ima-buf': ['d-ng', 'n-ng', 'buf'],
  'ima-modsig': ['d-ng', 'n-ng', 'sig', 'd-modsig', 'modsig'],
  'evm-sig': 'd-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode'.split('|'),
};

/** `IMA_EVENT_NAME_LEN_MAX`: the `n` field's limit and, plus one, the `ima` hash's name buffer. */
const EVENT_NAME_LEN_MAX = 255;
/** `struct ima_kexec_hdr`, counted in `ima_get_binary_runtime_size()`. */
const KEXEC_HEADER_SIZE = 24;
const SHA1_SIZE = 20;
const MD5_SIZE = 16;

function templateFields(name: string): readonly string[] {
  // Own properties only: a template named `constructor` is a one-field custom name.
  return Object.hasOwn(BUILTIN_TEMPLATE_FIELDS, name) ? BUILTIN_TEMPLATE_FIELDS[name] : name.split('|');
}

/** Writes a u32 at `offset` (bytes assigned one by one: much faster than a DataView per word). */
function putU32(out: Uint8Array, offset: number, value: number, order: ByteOrder): void {
  const little = order === 'little';
  out[offset + (little ? 0 : 3)] = value;
  out[offset + (little ? 1 : 2)] = value >>> 8;
  out[offset + (little ? 2 : 1)] = value >>> 16;
  out[offset + (little ? 3 : 0)] = value >>> 24;
}

/** `head ‖ (u32 len ‖ part)…` in one new array: the shape of every framing in a list. */
function lengthPrefixed(
  parts: readonly Uint8Array[],
  order: ByteOrder,
  head?: Uint8Array,
): Uint8Array {
  let size = head?.length ?? 0;
  for (const p of parts) size += 4 + p.length;
  const out = new Uint8Array(size);
  let o = 0;
  if (head) {
    out.set(head);
    o = head.length;
  }
  for (const p of parts) {
    putU32(out, o, p.length, order);
    out.set(p, o + 4);
    o += 4 + p.length;
  }
  return out;
}

/** Concatenation with a terminating NUL (C strings in the list). */
function withNul(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/** `sha256` → [undefined, 'sha256']; `ima:sha256` → ['ima', 'sha256']. */
function splitAlgorithm(name: string): [string | undefined, string] {
  const m = /^(ima|verity):(.*)$/.exec(name);
  return m ? [m[1], m[2]] : [undefined, name];
}

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? encodeText(value) : value;
}

/** Zero-pads (or truncates) a digest to `size` bytes, as 5.1–5.7 kernels filled non-SHA-1 banks. */
function padTo(digest: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(digest.subarray(0, size));
  return out;
}

/**
 * Plays the kernel: measures entries one by one, keeping the TPM's PCRs (buildImaLog wraps it
 * for whole lists; the bench script streams with it). Not the parser's ima/ima-log-builder.
 */
export class ImaListSimulator {
  readonly byteOrder: ByteOrder;
  readonly banks: readonly HashAlgorithm[];
  readonly listBank: HashAlgorithm;
  readonly extendMode: 'per-bank' | 'padded-sha1';
  private readonly provider: HashProvider;
  private readonly initialPcrs: PcrBanks | undefined;
  private readonly pcrValues: PcrBanks;
  /** Banks whose template digest is recorded: the TPM banks and the list's bank. */
  private readonly digestBanks: readonly HashAlgorithm[];
  /** Encoded `d-ng` prefixes, reused across entries. */
  private readonly prefixes = new Map<string, Uint8Array>();
  private measuredCount = 0;
  private runtimeSize = KEXEC_HEADER_SIZE;

  constructor(options: BuilderOptions) {
    this.byteOrder = options.byteOrder ?? 'little';
    this.banks = options.banks ?? ['sha1', 'sha256'];
    this.listBank = options.listBank ?? 'sha1';
    this.extendMode = options.extend ?? 'per-bank';
    this.provider = options.provider;
    this.initialPcrs = options.initialPcrs;
    this.pcrValues = startingPcrs(this.banks, options.initialPcrs);
    this.digestBanks = [...new Set([...this.banks, this.listBank])];
  }

  get listState(): ListState {
    return { count: this.measuredCount, runtimeSize: this.runtimeSize };
  }

  /** A copy of the current PCR values. */
  pcrs(): PcrBanks {
    return copyPcrs(this.pcrValues);
  }

  /** The PCRs this simulator started from, extended by `entries` (measured by it). */
  replay(entries: readonly MeasuredEntry[]): PcrBanks {
    const pcrs = startingPcrs(this.banks, this.initialPcrs);
    for (const m of entries) this.extend(pcrs, m);
    return pcrs;
  }

  /** Measures one entry: records its digests and extends the PCRs. */
  add(entry: BuildEntry): MeasuredEntry {
    const templateName = entry.template ?? 'ima-ng';
    const byteOrder = entry.byteOrder ?? this.byteOrder;
    const violation = entry.violation ?? false;
    const fields = templateFields(templateName).map((id) => ({
      id,
      data: this.fieldData(id, entry),
    }));
    const dataRegion = encodeDataRegion(templateName, fields, byteOrder);
    const hashOrder = entry.hashByteOrder ?? byteOrder;
    const hashInput =
      templateName === 'ima'
        ? imaTemplateHashInput(fields)
        : hashOrder === byteOrder
          ? dataRegion.subarray(4)
          : encodeDataRegion(templateName, fields, hashOrder).subarray(4);

    if (violation && entry.corruptTemplateDigest) {
      throw new Error('a violation has no digest to corrupt');
    }
    // 5.1–5.7 kernels fill every bank with the SHA-1 template digest, zero-padded.
    const sha1Digest =
      this.extendMode === 'padded-sha1' ? this.hasher('sha1').digest(hashInput) : undefined;
    const templateDigests = new Map<HashAlgorithm, Uint8Array>();
    const extended = new Map<HashAlgorithm, Uint8Array>();
    for (const bank of this.digestBanks) {
      const size = digestSize(bank);
      const digest = sha1Digest ? padTo(sha1Digest, size) : this.hasher(bank).digest(hashInput);
      let recorded = violation ? new Uint8Array(size) : digest;
      if (entry.corruptTemplateDigest) {
        recorded = digest.slice();
        recorded[size - 1] ^= 0xff;
      }
      templateDigests.set(bank, recorded);
      if (!this.banks.includes(bank)) continue;
      const ffSize = sha1Digest ? SHA1_SIZE : size;
      extended.set(bank, violation ? padTo(new Uint8Array(ffSize).fill(0xff), size) : digest);
    }

    const measured: MeasuredEntry = {
      pcr: entry.pcr ?? 10,
      templateName,
      fields,
      byteOrder,
      violation,
      listed: !(entry.omitFromList ?? false),
      templateDigests,
      extended,
      dataRegion,
    };
    this.extend(this.pcrValues, measured);
    this.measuredCount++;
    this.runtimeSize += kernelEntrySize(templateName, fields);
    return measured;
  }

  private hasher(alg: HashAlgorithm): Hasher {
    const hasher = this.provider.get(alg);
    if (!hasher) throw new Error(`hash provider lacks ${alg}`);
    return hasher;
  }

  /** PCR_b[pcr] := H_b(PCR_b[pcr] ‖ extended_b) for every bank the entry extended. */
  private extend(pcrs: PcrBanks, entry: MeasuredEntry): void {
    for (const [bank, value] of entry.extended) {
      let values = pcrs.get(bank);
      if (!values) pcrs.set(bank, (values = new Map()));
      const current = values.get(entry.pcr) ?? new Uint8Array(digestSize(bank));
      values.set(entry.pcr, this.hasher(bank).digest2(current, value));
    }
  }

  private fieldData(id: string, entry: BuildEntry): Uint8Array {
    const extra = entry.extraFields?.[id];
    if (extra) return extra;
    switch (id) {
      case 'd':
        return this.sha1FileDigest(entry);
      case 'd-ng':
      case 'd-ngv2': {
        const { type, algorithm, digest } = this.fileDigest(entry);
        const prefix = id === 'd-ngv2' ? `${type ?? 'ima'}:${algorithm}:` : `${algorithm}:`;
        let prefixNul = this.prefixes.get(prefix);
        if (!prefixNul) this.prefixes.set(prefix, (prefixNul = withNul(encodeText(prefix))));
        return concatBytes([prefixNul, digest]);
      }
      case 'n':
      case 'n-ng': {
        if (entry.nameBytes !== undefined) return withNul(entry.nameBytes);
        let name = entry.path;
        // The `n` field keeps the dentry name when the path is too long (ima_eventname_init).
        if (id === 'n' && encodeText(name).length > EVENT_NAME_LEN_MAX) {
          name = name.slice(name.lastIndexOf('/') + 1);
        }
        return withNul(encodeText(entry.keepSpaces === true ? name : name.replace(/ /g, '_')));
      }
      case 'sig':
        return entry.sig ?? new Uint8Array(0);
      case 'buf':
        return this.bufData(entry) ?? new Uint8Array(0);
      default:
        return new Uint8Array(0);
    }
  }

  private bufData(entry: BuildEntry): Uint8Array | undefined {
    const buf = entry.buf;
    if (buf === undefined) return undefined;
    return bytesOf(typeof buf === 'function' ? buf(this.listState) : buf);
  }

  private fileDigest(entry: BuildEntry): { type?: string; algorithm: string; digest: Uint8Array } {
    const spec = entry.fileDigest;
    const [type, algorithm] = splitAlgorithm(spec?.algorithm ?? 'sha256');
    if (spec && 'hex' in spec) return { type, algorithm, digest: parseHex(spec.hex) };
    if (entry.violation) {
      return { type, algorithm, digest: new Uint8Array(knownDigestSize(algorithm)) };
    }
    if (type === 'verity') throw new Error('fs-verity digests cannot be computed here: give hex');
    const alg = parseHashAlgorithm(algorithm);
    if (!alg || alg !== algorithm) throw new Error(`cannot hash with ${algorithm}: give hex`);
    return { type, algorithm, digest: this.hasher(alg).digest(this.content(entry)) };
  }

  /** The `d` field: SHA-1 (or MD5) of the file; IMA re-hashes with SHA-1 when ima_hash differs. */
  private sha1FileDigest(entry: BuildEntry): Uint8Array {
    if (entry.violation) return new Uint8Array(SHA1_SIZE);
    const spec = entry.fileDigest;
    if (spec && 'hex' in spec) {
      if (spec.algorithm !== 'sha1' && spec.algorithm !== 'md5') {
        throw new Error(`the d field holds SHA-1 or MD5, not ${spec.algorithm}: give content`);
      }
      return parseHex(spec.hex);
    }
    return this.hasher('sha1').digest(this.content(entry));
  }

  private content(entry: BuildEntry): Uint8Array {
    const spec = entry.fileDigest;
    if (spec && 'content' in spec) return bytesOf(spec.content);
    return this.bufData(entry) ?? encodeText(entry.path);
  }
}

function parseHex(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  if (!bytes) throw new Error(`not hex: ${hex}`);
  return bytes;
}

function knownDigestSize(algorithm: string): number {
  if (algorithm === 'md5') return MD5_SIZE;
  const alg = parseHashAlgorithm(algorithm);
  if (!alg) throw new Error(`unknown digest size of ${algorithm}: give hex`);
  return digestSize(alg);
}

/** §5.1, `ima` template: d ‖ name zero-padded to 256 bytes, no length words. */
function imaTemplateHashInput(fields: readonly TemplateField[]): Uint8Array {
  const parts = fields.map((f) => {
    if (f.id !== 'n') return f.data;
    const nameBuf = new Uint8Array(EVENT_NAME_LEN_MAX + 1);
    nameBuf.set(f.data.subarray(0, nameBuf.length));
    return nameBuf;
  });
  return concatBytes(parts);
}

/**
 * §2: what follows the template name. Every template but `ima`: u32 L ‖ (u32 len ‖ data) per
 * field, whose part after L is also the template hash input. `ima` (§2.1): d raw, then
 * u32 strlen(n) ‖ n without its NUL, and no L word.
 */
function encodeDataRegion(
  templateName: string,
  fields: readonly TemplateField[],
  order: ByteOrder,
): Uint8Array {
  if (templateName === 'ima') {
    const d = fields.find((f) => f.id === 'd')?.data ?? new Uint8Array(0);
    const n = fields.find((f) => f.id === 'n')?.data ?? new Uint8Array(0);
    return lengthPrefixed([n.subarray(0, cStringLength(n))], order, d);
  }
  const templateDataLength = fields.reduce((n, f) => n + 4 + f.data.length, 0);
  const lengthWord = new Uint8Array(4);
  putU32(lengthWord, 0, templateDataLength, order);
  return lengthPrefixed(
    fields.map((f) => f.data),
    order,
    lengthWord,
  );
}

/**
 * `get_binary_runtime_size()`: always a 20-byte digest and strlen of the *descriptor* name,
 * which is empty for custom templates (so the kernel under-counts them, §7.3).
 */
function kernelEntrySize(templateName: string, fields: readonly TemplateField[]): number {
  const descriptorName = BUILTIN_TEMPLATE_FIELDS[templateName] ? templateName.length : 0;
  const dataLength = fields.reduce((n, f) => n + 4 + f.data.length, 0);
  return 4 + SHA1_SIZE + 4 + descriptorName + 4 + dataLength;
}

/** Every bank starts at zero except the PCRs given. */
function startingPcrs(banks: readonly HashAlgorithm[], initial: PcrBanks | undefined): PcrBanks {
  const pcrs: PcrBanks = new Map(banks.map((bank) => [bank, new Map()]));
  for (const [bank, values] of initial ?? []) {
    const target = pcrs.get(bank) ?? new Map<number, Uint8Array>();
    for (const [pcr, value] of values) target.set(pcr, value.slice());
    pcrs.set(bank, target);
  }
  return pcrs;
}

function copyPcrs(pcrs: PcrBanks): PcrBanks {
  return startingPcrs([], pcrs);
}

const templateNameBytes = new Map<string, Uint8Array>();

/** The entry in the list of `bank` (§2): u32 pcr ‖ digest ‖ u32 nameLen ‖ name ‖ data region. */
export function encodeBinaryEntry(entry: MeasuredEntry, bank: HashAlgorithm): Uint8Array {
  const digest = entry.templateDigests.get(bank);
  if (!digest) throw new Error(`entry has no ${bank} template digest`);
  let name = templateNameBytes.get(entry.templateName);
  if (!name) templateNameBytes.set(entry.templateName, (name = encodeText(entry.templateName)));
  const region = entry.dataRegion;
  const out = new Uint8Array(4 + digest.length + 4 + name.length + region.length);
  putU32(out, 0, entry.pcr, entry.byteOrder);
  out.set(digest, 4);
  putU32(out, 4 + digest.length, name.length, entry.byteOrder);
  out.set(name, 8 + digest.length);
  out.set(region, 8 + digest.length + name.length);
  return out;
}

function cStringLength(data: Uint8Array): number {
  const nul = data.indexOf(0);
  return nul < 0 ? data.length : nul;
}

/** §3: one line of `ascii_runtime_measurements` for `bank`, with its trailing newline. */
export function formatAsciiLine(entry: MeasuredEntry, bank: HashAlgorithm): string {
  const digest = entry.templateDigests.get(bank);
  if (!digest) throw new Error(`entry has no ${bank} template digest`);
  let line = `${String(entry.pcr).padStart(2, ' ')} ${toHex(digest)} ${entry.templateName}`;
  for (const f of entry.fields) {
    line += ' ';
    if (f.data.length > 0) line += renderField(f, entry.byteOrder);
  }
  return line + '\n';
}

function renderField(field: TemplateField, order: ByteOrder): string {
  const { id, data } = field;
  switch (id) {
    case 'd-ng':
    case 'd-ngv2':
    case 'd-modsig': {
      // Prints the prefix up to the NUL ("sha256:"), then the digest after it.
      const nul = cStringLength(data);
      return decodeText(data.subarray(0, nul)) + toHex(data.subarray(nul + 1));
    }
    case 'n':
    case 'n-ng':
    case 'xattrnames':
      return decodeText(data.subarray(0, cStringLength(data)));
    case 'iuid':
    case 'igid':
    case 'imode':
      return renderUint(data, order);
    default:
      return toHex(data);
  }
}

/** `DATA_FMT_UINT`: 1, 2, 4 or 8 bytes in the list's order; other sizes print nothing. */
function renderUint(data: Uint8Array, order: ByteOrder): string {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = order === 'little';
  switch (data.length) {
    case 1:
      return String(view.getUint8(0));
    case 2:
      return String(view.getUint16(0, le));
    case 4:
      return String(view.getUint32(0, le));
    case 8:
      return String(view.getBigUint64(0, le));
    default:
      return '';
  }
}

/** Builds a whole list: `entries` in order, the kernel's PCRs, binary and ASCII renderings. */
export function buildImaLog(entries: readonly BuildEntry[], options: BuilderOptions): BuiltLog {
  const kernel = new ImaListSimulator(options);
  const measured = entries.map((e) => kernel.add(e));
  const listed = measured.filter((m) => m.listed);
  const bank = kernel.listBank;
  return {
    binary: concatBytes(listed.map((m) => encodeBinaryEntry(m, bank))),
    ascii: listed.map((m) => formatAsciiLine(m, bank)).join(''),
    pcrs: kernel.pcrs(),
    entries: measured,
    pcrsAfter: (count) => kernel.replay(measured.slice(0, count)),
  };
}

/**
 * The boot_aggregate entry (§6) from the PCR values of one bank: H(PCR0‖…‖PCR7) for SHA-1,
 * H(PCR0‖…‖PCR9) for the other banks. `pcrs[i]` is PCR i of `hasher`'s bank.
 */
export function bootAggregateEntry(
  hasher: Hasher,
  pcrs: readonly Uint8Array[],
  options: { readonly template?: string; readonly pcr?: number } = {},
): BuildEntry {
  const count = hasher.algorithm === 'sha1' ? 8 : 10;
  if (pcrs.length < count) {
    throw new Error(`boot_aggregate over ${hasher.algorithm} needs PCR0–${count - 1}`);
  }
  const digest = hasher.digestParts(pcrs.slice(0, count));
  return {
    template: options.template ?? 'ima-ng',
    pcr: options.pcr,
    path: 'boot_aggregate',
    fileDigest: { algorithm: hasher.algorithm, hex: toHex(digest) },
  };
}

export interface KexecValues {
  readonly segmentSize: number;
  readonly binarySize: number;
  readonly count: number;
}

const PAGE_SIZE = 4096;

/**
 * The kexec segment the kernel reserves at load (6.16, `CONFIG_IMA_KEXEC_EXTRA_MEMORY_KB=0`):
 * the list size plus half a page, page-aligned.
 */
export function kexecSegmentSize(list: ListState): number {
  return Math.ceil((list.runtimeSize + PAGE_SIZE / 2) / PAGE_SIZE) * PAGE_SIZE;
}

/**
 * A `kexec_load` / `kexec_execute` critical-data record (§7.3, ima-buf). Without explicit values
 * they are what the kernel measures at that point: its list size and count, and the segment
 * size it would reserve now (pass the load's segment size to an execute record).
 * `legacy` spells the size key `ima_binary_runtime_measurements_size`.
 */
export function kexecRecord(
  event: 'kexec_load' | 'kexec_execute',
  values: Partial<KexecValues> | ((list: ListState) => Partial<KexecValues>) = {},
  keySpelling: '6.16' | 'legacy' = '6.16',
): BuildEntry {
  const sizeKey =
    keySpelling === '6.16' ? 'ima_binary_runtime_size' : 'ima_binary_runtime_measurements_size';
  return {
    template: 'ima-buf',
    path: event,
    buf: (list) => {
      const v = typeof values === 'function' ? values(list) : values;
      const segmentSize = v.segmentSize ?? kexecSegmentSize(list);
      return (
        `kexec_segment_size=${segmentSize};${sizeKey}=${v.binarySize ?? list.runtimeSize};` +
        `ima_runtime_measurements_count=${v.count ?? list.count};`
      );
    },
  };
}

/** The `--pcrs` file evmctl reads: `PCR-NN: hex` lines from PCR 0 up, in order (zeros for gaps). */
export function formatEvmctlPcrFile(pcrs: ReadonlyMap<number, Uint8Array>): string {
  const indices = [...pcrs.keys()];
  if (indices.length === 0) return '';
  const size = pcrs.values().next().value?.length ?? 0;
  let text = '';
  for (let i = 0; i <= Math.max(...indices); i++) {
    text += `PCR-${String(i).padStart(2, '0')}: ${toHex(pcrs.get(i) ?? new Uint8Array(size))}\n`;
  }
  return text;
}
