/**
 * PCR selections: which banks and PCRs a quote or a PCR file covers.
 *
 * TPML_PCR_SELECTION (TPM 2.0 Part 2 §10.9.7) = u32 count, then count × TPMS_PCR_SELECTION
 * (§10.6.2) = u16 hash alg, u8 sizeofSelect, u8[sizeofSelect] bitmap. Bitmap byte i, bit j
 * (LSB first) selects PCR 8·i + j, so PCR10 alone is `00 04 00` and PCRs 0–10 are `ff 07 00`
 * (quote-format.md §1.3). sizeofSelect is 3 on PC TPMs but may legally differ.
 *
 * The text form is tpm2-tools' `-l` argument (lib/pcr.c pcr_parse_selections):
 * `sha1:10+sha256:0,1,2`, with `all` and, leniently, ranges such as `0-7`.
 */
import {
  hashAlgorithmFromTpmAlgId,
  parseHashAlgorithm,
  tpmAlgId,
  type HashAlgorithm,
} from '../../hash/hash-algorithm';
import { hex16 } from '../tpm-constants';
import type { TpmReader } from '../tpm-reader';

/** One bank of a selection; `bank` is undefined for an algorithm id we do not know. */
export interface PcrBankSelection {
  bank: HashAlgorithm | undefined;
  algId: number;
  /** ascending */
  pcrs: number[];
}

/** TPM2_NUM_PCR_BANKS: more banks than this means we are not reading a selection. */
export const MAX_PCR_BANKS = 16;

export function pcrsFromBitmap(bitmap: Uint8Array): number[] {
  const pcrs: number[] = [];
  for (let i = 0; i < bitmap.length; i++) {
    for (let j = 0; j < 8; j++) if ((bitmap[i] >> j) & 1) pcrs.push(8 * i + j);
  }
  return pcrs;
}

/** Reads a marshalled (big-endian) TPML_PCR_SELECTION. */
export function readTpmlPcrSelection(r: TpmReader): PcrBankSelection[] {
  const at = r.offset;
  const count = r.u32('TPML_PCR_SELECTION count');
  if (count > MAX_PCR_BANKS) r.fail(`PCR selection count ${count} exceeds ${MAX_PCR_BANKS}`, at);
  const out: PcrBankSelection[] = [];
  for (let i = 0; i < count; i++) {
    const algId = r.u16('PCR selection hash');
    const size = r.u8('sizeofSelect');
    const bitmap = r.take(size, 'pcrSelect');
    out.push({ bank: hashAlgorithmFromTpmAlgId(algId), algId, pcrs: pcrsFromBitmap(bitmap) });
  }
  return out;
}

export function bankLabel(sel: Pick<PcrBankSelection, 'bank' | 'algId'>): string {
  return sel.bank ?? `alg ${hex16(sel.algId)}`;
}

/** `sha1:10+sha256:0,1,2`, tpm2-tools style. */
export function formatPcrSelection(selection: readonly PcrBankSelection[]): string {
  return selection.map((s) => `${bankLabel(s)}:${s.pcrs.join(',')}`).join('+');
}

export function selectedPcrCount(selection: readonly PcrBankSelection[]): number {
  return selection.reduce((n, s) => n + s.pcrs.length, 0);
}

/** Parses `sha1:10+sha256:0,1,2` (also `sha256:all`, `sha256:0-7`, hex alg ids `0xb:10`). */
export function parsePcrSelectionString(text: string): PcrBankSelection[] | undefined {
  const out: PcrBankSelection[] = [];
  for (const part of text.trim().split('+')) {
    const m = /^\s*([\w-]+)\s*:\s*([\w,\s-]+?)\s*$/.exec(part);
    if (m === null) return undefined;
    const bank = parseHashAlgorithm(m[1]) ?? bankFromAlgIdText(m[1]);
    if (bank === undefined) return undefined;
    const pcrs = parsePcrList(m[2]);
    if (pcrs === undefined) return undefined;
    out.push({ bank, algId: tpmAlgId(bank), pcrs });
  }
  return out.length > 0 ? out : undefined;
}

function bankFromAlgIdText(text: string): HashAlgorithm | undefined {
  if (!/^0x[0-9a-f]{1,4}$/i.test(text)) return undefined;
  return hashAlgorithmFromTpmAlgId(parseInt(text, 16));
}

function parsePcrList(text: string): number[] | undefined {
  if (text.trim().toLowerCase() === 'all') return Array.from({ length: 24 }, (_, i) => i);
  const set = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$/.exec(item);
    if (m === null) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to > 255) return undefined;
    for (let p = from; p <= to; p++) set.add(p);
  }
  return [...set].sort((a, b) => a - b);
}
