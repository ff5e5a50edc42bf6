/**
 * The columnar model of one IMA measurement list (Firefox Profiler style: one typed
 * array per column, entries addressed by `IndexIntoEntryTable`).
 *
 * Every entry is stored once, in binary form, in `data` (for a binary list `data` is the
 * file's bytes exactly; for an ASCII list each line is re-encoded in the kernel's binary
 * layout, little-endian, so that hashing and decoding are the same code for both). The
 * columns only hold offsets into `data` and small per-entry facts, so the model costs a
 * few tens of bytes per entry on top of the bytes the user gave.
 *
 * Binary entry layout (ima-format.md §2), at `entryOffset[i]`:
 *   u32 pcr ‖ digest[digestSize] ‖ u32 nameLen ‖ name ‖ (u32 L ‖ template data[L])
 * and for the legacy `ima` template: … ‖ "ima" ‖ d[20] ‖ u32 n ‖ name[n] (no L).
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import { readSpan, type ByteSource } from './byte-source';

/** Byte offset into a file or buffer. */
export type Bytes = number;
/** 0-based position of an entry in the log as given. */
export type IndexIntoEntryTable = number;
/** Index into `ImaLog.templates`. */
export type IndexIntoTemplateTable = number;

export type ByteOrder = 'little' | 'big';

/**
 * A column of byte offsets. 32 bits are enough: the parser takes at most MAX_LOG_BYTES of a
 * list (4 GiB, ~35 million entries), and each offset column then costs 4 MB per million
 * entries instead of 8.
 */
export type OffsetColumn = Uint32Array;
/** The most bytes of one list the parser reads (see OffsetColumn). */
export const MAX_LOG_BYTES: Bytes = 0xffff_ffff;

/** Per-entry flag bits (`EntryTable.flags`). */
export const EntryFlag = {
  /** The recorded template digest is all zero: a measurement violation (extended as 0xFF). */
  Violation: 1 << 0,
  /** The recorded template digest equals the one recomputed from the template data. */
  HashVerified: 1 << 1,
  /** The recorded template digest differs from the recomputed one (in either byte order). */
  HashMismatch: 1 << 2,
  /** The digest verifies only with the length words in the opposite byte order. */
  OppositeByteOrder: 1 << 3,
  /** The template name or one of its fields is not one the decoder knows. */
  UnknownTemplate: 1 << 4,
  /** The template data did not split into the template's fields exactly. */
  MalformedFields: 1 << 5,
  /** The template hash could not be checked (e.g. ASCII line whose bank is unknown). */
  HashUnchecked: 1 << 6,
} as const;

/** `EntryTable.fileDigestAlgorithm` of an entry without a file digest. */
export const NO_DIGEST_ALGORITHM = 0xffff;

export interface EntryTable {
  readonly length: number;
  /** Offset of the entry's first byte (the PCR word) in `ImaLog.data`. */
  readonly entryOffset: OffsetColumn;
  /** Byte offset of the entry in the user's file (equal to entryOffset for binary lists; line start for ASCII). */
  readonly sourceOffset: OffsetColumn;
  /** Total size of the entry in `data`. */
  readonly entrySize: Uint32Array;
  /** PCR index (0–63 in practice; u32 on the wire, clamped to 255 here only if absurd — such entries are parse errors). */
  readonly pcr: Uint8Array;
  readonly template: Uint16Array;
  /** EntryFlag bits. */
  readonly flags: Uint16Array;
  /** Offset/length in `data` of the name (n / n-ng field, without the trailing NUL); length 0 if none. */
  readonly nameOffset: OffsetColumn;
  readonly nameLength: Uint32Array;
  /** Offset/length in `data` of the raw file digest (d / d-ng / d-ngv2 value bytes); length 0 if none. */
  readonly fileDigestOffset: OffsetColumn;
  readonly fileDigestLength: Uint16Array;
  /**
   * Index into `ImaLog.digestAlgorithms` of the file digest's algorithm prefix ("sha256",
   * "ima:sha256"…); `NO_DIGEST_ALGORITHM` when the entry has no file digest.
   */
  readonly fileDigestAlgorithm: Uint16Array;
}

/** What templateDataOffset and templateDataSize read of a log. */
export interface TemplateDataLayout {
  readonly digestSize: number;
  readonly templates: ReadonlyArray<Pick<TemplateInfo, 'name'>>;
  readonly entries: Pick<EntryTable, 'entryOffset' | 'entrySize' | 'template'>;
}

/**
 * Offset in `data` of entry i's template data region: after the PCR word, the digest, the
 * template name with its length word, and (but for `ima`, whose d field comes next) the
 * length word L. Computed rather than stored: 4 MB less per million entries.
 */
export function templateDataOffset(log: TemplateDataLayout, i: IndexIntoEntryTable): Bytes {
  const name = log.templates[log.entries.template[i]].name;
  return log.entries.entryOffset[i] + 8 + log.digestSize + name.length + (name === 'ima' ? 0 : 4);
}

/** Size of entry i's template data region, which runs to the entry's end. */
export function templateDataSize(log: TemplateDataLayout, i: IndexIntoEntryTable): Bytes {
  return log.entries.entryOffset[i] + log.entries.entrySize[i] - templateDataOffset(log, i);
}

/**
 * Makes entries [from, to) readable at once in `log.bytes.bytes` (one read, or one copy when
 * they span chunks) and returns the shift to add to their offsets there.
 */
export function readEntrySpan(
  log: { readonly bytes: ByteSource; readonly entries: Pick<EntryTable, 'entryOffset' | 'entrySize'> },
  from: IndexIntoEntryTable,
  to: IndexIntoEntryTable,
): number {
  const e = log.entries;
  if (to <= from) return 0;
  let lo = Infinity;
  let hi = 0;
  // Entries are in offset order in both parsers; min/max keeps a hand-made log safe too.
  for (let i = from; i < to; i++) {
    lo = Math.min(lo, e.entryOffset[i]);
    hi = Math.max(hi, e.entryOffset[i] + e.entrySize[i]);
  }
  return readSpan(log.bytes, lo, hi);
}

/** A copy of entry i's bytes (the detail pane's hex view). */
export function copyEntryBytes(log: Pick<ImaLog, 'bytes' | 'entries'>, i: IndexIntoEntryTable): Uint8Array {
  const at = log.entries.entryOffset[i] + readEntrySpan(log, i, i + 1);
  return log.bytes.bytes.slice(at, at + log.entries.entrySize[i]);
}

export interface ParseError {
  /** Byte offset in the user's file where the problem starts. */
  readonly offset: Bytes;
  readonly message: string;
}

export interface TemplateInfo {
  /** As written in the list: "ima-ng", or a custom format string "d-ng|n-ng|iuid". */
  readonly name: string;
  /** Field ids in order; empty for an unknown name without `|`. */
  readonly fields: readonly string[];
  readonly known: boolean;
}

export interface ImaLog {
  readonly format: 'binary' | 'ascii';
  /** Byte order of the length words (ASCII lists are re-encoded little-endian). */
  readonly byteOrder: ByteOrder;
  /** Size of the template digest column: 20 for the legacy/sha1 list, 32 for _sha256 … */
  readonly digestSize: number;
  /**
   * The bank the digest column belongs to, when it can be told: set by the parser from the
   * size (32 bytes is taken as sha256), and settled by `verifyTemplateHashes`, which alone
   * can tell sha256 from sm3 (hence writable).
   */
  digestBank: HashAlgorithm | undefined;
  readonly entries: EntryTable;
  readonly templates: readonly TemplateInfo[];
  /** Distinct file-digest algorithm prefixes, e.g. "sha256", "ima:sha256", "verity:sha256", "sha1" for `d`. */
  readonly digestAlgorithms: readonly string[];
  /**
   * Every entry's bytes in binary layout; see the file comment. Empty for a binary list
   * read back from its file (ImaParseOptions.readBack): read through `bytes`.
   */
  readonly data: Uint8Array;
  /**
   * The same bytes read through a ByteSource: `data` itself, or (issue 14) the user's file
   * read back in chunks. Readers go through this, so the model need not hold the file.
   */
  readonly bytes: ByteSource;
  readonly errors: readonly ParseError[];
  /** Size of the user's file. */
  readonly sourceSize: Bytes;
}
