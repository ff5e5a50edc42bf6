/**
 * The three binary PCR files tpm2-tools writes with `-o` (tpm2_quote, tpm2_pcrread), chosen
 * with `-F` (tpm2-tools lib/pcr.c; quote-format.md §2.1):
 *
 * serialized (pcr_fwrite_serialized; default of tpm2_quote; also Keylime's pcrblob) — a
 * little-endian memory image of the C structs, compiler padding included:
 *
 *   u32 count                          TPML_PCR_SELECTION, 16 fixed slots:
 *   16 × { u16 hash; u8 sizeofSelect; u8 pcrSelect[4]; u8 pad }           = 132 bytes
 *   u32 n                              number of TPML_DIGEST blocks
 *   n × { u32 count; 8 × { u16 size; u8 buffer[64] } }                   = 532 bytes each
 *
 *   so size = 136 + 532·n (668 for ≤ 8 PCRs, 1200 for ≤ 16). Values follow the selection
 *   order (bank by bank, ascending PCR), at most 8 per block.
 *
 * marshaled (pcr_fwrite_marshaled; tpm2-tools ≥ 5.8 only) — the same content TSS-marshalled,
 *   big-endian and unpadded: TPML_PCR_SELECTION, u32 n, n × TPML_DIGEST (u32 count, TPM2Bs).
 *
 * values (pcr_fwrite_values; default of tpm2_pcrread -o) — the digests concatenated in
 *   selection order and nothing else; meaningless without the `-l` selection string.
 *
 * Fixtures: swtpm/*.pcrs.serialized, pcrread_*.serialized.bin and *.values.bin (tpm2-tools
 * 5.4); realdata/keylime/quotepcr.out (serialized, from a TPM emulator).
 */
import { digestSize, hashAlgorithmFromTpmAlgId } from '../../hash/hash-algorithm';
import { toHex } from '../../util/bytes';
import {
  bankLabel,
  MAX_PCR_BANKS,
  pcrsFromBitmap,
  readTpmlPcrSelection,
  selectedPcrCount,
  type PcrBankSelection,
} from './pcr-selection';
import { PcrValuesBuilder, type PcrValues } from './pcr-value-set';
import { TpmReader, tryDecode } from '../tpm-reader';

export interface PcrFileParse {
  format: 'tpm2-serialized' | 'tpm2-marshaled' | 'tpm2-values';
  values: PcrValues;
  /** The selection the file states (serialized, marshaled) or was given (values). */
  selection: PcrBankSelection[];
  problems: string[];
  /** The problems that leave a value unread (PcrValuesBuilder.unreadable). */
  unreadable: string[];
}

const SELECTION_BYTES = 4 + MAX_PCR_BANKS * 8;
const SERIALIZED_DIGEST_BLOCK = 4 + 8 * (2 + 64);
const DIGESTS_PER_BLOCK = 8;
const MAX_DIGEST = 64;

/** Assigns a flat list of digests to the selection, in order. */
function assignDigests(
  selection: readonly PcrBankSelection[],
  digests: readonly { value: Uint8Array; offset: number }[],
  builder: PcrValuesBuilder,
): void {
  const expected = selectedPcrCount(selection);
  if (digests.length !== expected) {
    builder.reject(
      `the file selects ${expected} PCRs but holds ${digests.length} values`,
    );
  }
  let i = 0;
  for (const sel of selection) {
    for (const pcr of sel.pcrs) {
      const d = digests[i++];
      if (d === undefined) return;
      if (sel.bank === undefined) {
        builder.problems.push(
          `offset ${d.offset}: PCR ${pcr} of unknown bank ${bankLabel(sel)} skipped ` +
            `(${toHex(d.value)})`,
        );
        continue;
      }
      builder.add(sel.bank, pcr, d.value, `offset ${d.offset}`);
    }
  }
}

/** tpm2-tools `-F serialized`; undefined when the bytes do not have its shape. */
export function parseSerializedPcrFile(bytes: Uint8Array): PcrFileParse | undefined {
  // The size checks below keep every read in bounds; tryDecode is the safety net.
  return tryDecode(() => decodeSerialized(bytes)).value;
}

function decodeSerialized(bytes: Uint8Array): PcrFileParse | undefined {
  if (bytes.length < SELECTION_BYTES + 4) return undefined;
  if ((bytes.length - SELECTION_BYTES - 4) % SERIALIZED_DIGEST_BLOCK !== 0) return undefined;
  const blocks = (bytes.length - SELECTION_BYTES - 4) / SERIALIZED_DIGEST_BLOCK;
  const r = new TpmReader(bytes, true);
  const count = r.u32('count');
  if (count > MAX_PCR_BANKS) return undefined;
  r.offset = SELECTION_BYTES;
  if (r.u32('digest block count') !== blocks) return undefined;

  const selection: PcrBankSelection[] = [];
  for (let i = 0; i < count; i++) {
    r.offset = 4 + 8 * i;
    const algId = r.u16('hash');
    const size = r.u8('sizeofSelect');
    if (size > 4) return undefined;
    const bitmap = r.take(size, 'pcrSelect');
    selection.push({ bank: hashAlgorithmFromTpmAlgId(algId), algId, pcrs: pcrsFromBitmap(bitmap) });
  }
  // An unknown bank in a well-formed file is reported below; a file of unknown banks only
  // (or none) is more likely some other binary of a lucky size.
  if (selection.every((s) => s.bank === undefined)) return undefined;

  const builder = new PcrValuesBuilder();
  const digests: { value: Uint8Array; offset: number }[] = [];
  r.offset = SELECTION_BYTES + 4;
  for (let b = 0; b < blocks; b++) {
    const blockStart = r.offset;
    const n = r.u32('TPML_DIGEST count');
    if (n > DIGESTS_PER_BLOCK) {
      builder.reject(`offset ${blockStart}: digest block count ${n} exceeds 8`);
    }
    for (let k = 0; k < Math.min(n, DIGESTS_PER_BLOCK); k++) {
      const at = blockStart + 4 + k * (2 + MAX_DIGEST);
      r.offset = at;
      const size = r.u16('digest size');
      if (size > MAX_DIGEST) {
        builder.reject(`offset ${at}: digest size ${size} exceeds 64`);
        continue;
      }
      digests.push({ value: r.take(size, 'digest'), offset: at + 2 });
    }
    r.offset = blockStart + SERIALIZED_DIGEST_BLOCK;
  }
  assignDigests(selection, digests, builder);
  const { values, problems, unreadable } = builder;
  return { format: 'tpm2-serialized', values, selection, problems, unreadable };
}

/** tpm2-tools ≥ 5.8 `-F marshaled`; undefined when the bytes do not have its shape. */
export function parseMarshaledPcrFile(bytes: Uint8Array): PcrFileParse | undefined {
  const decoded = tryDecode(() => {
    const r = new TpmReader(bytes);
    const selection = readTpmlPcrSelection(r);
    if (selection.length === 0 || selection.some((s) => s.bank === undefined)) return undefined;
    const blocks = r.u32('digest block count');
    if (blocks > 64) return undefined;
    const digests: { value: Uint8Array; offset: number }[] = [];
    for (let b = 0; b < blocks; b++) {
      const n = r.u32('TPML_DIGEST count');
      if (n > DIGESTS_PER_BLOCK) return undefined;
      for (let k = 0; k < n; k++) {
        const offset = r.offset + 2;
        digests.push({ value: r.tpm2b('digest', MAX_DIGEST), offset });
      }
    }
    if (r.remaining !== 0) return undefined;
    return { selection, digests };
  });
  if (decoded.value === undefined) return undefined;
  const { selection, digests } = decoded.value;
  const builder = new PcrValuesBuilder();
  assignDigests(selection, digests, builder);
  const { values, problems, unreadable } = builder;
  return { format: 'tpm2-marshaled', values, selection, problems, unreadable };
}

/** tpm2-tools `-F values`: needs the selection it was written with. */
export function parseValuesPcrFile(
  bytes: Uint8Array,
  selection: readonly PcrBankSelection[],
): PcrFileParse | undefined {
  let expected = 0;
  for (const s of selection) {
    if (s.bank === undefined) return undefined;
    expected += digestSize(s.bank) * s.pcrs.length;
  }
  if (expected === 0 || bytes.length !== expected) return undefined;
  const digests: { value: Uint8Array; offset: number }[] = [];
  let offset = 0;
  for (const s of selection) {
    const size = digestSize(s.bank ?? 'sha1');
    for (let k = 0; k < s.pcrs.length; k++) {
      digests.push({ value: bytes.slice(offset, offset + size), offset });
      offset += size;
    }
  }
  const builder = new PcrValuesBuilder();
  assignDigests(selection, digests, builder);
  return {
    format: 'tpm2-values',
    values: builder.values,
    selection: selection.map((s) => ({ ...s, pcrs: [...s.pcrs] })),
    problems: builder.problems,
    unreadable: builder.unreadable,
  };
}
