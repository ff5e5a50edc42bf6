/**
 * Reading an input file whole and parsing it as an IMA list, the way `imascope compare` does
 * it on its main thread and in its parse worker (parse-worker.ts), so both give the same log.
 */
import { readFileSync } from 'node:fs';
import type { RawInput } from '../core/analysis/analysis-types';
import { imaListOptions, recogniseInput } from '../core/inputs/registry';
import { parseImaLog } from '../core/ima/parse-ima-log';
import type { ImaLog } from '../core/model/ima-log';
import { memoryByteSource } from '../core/model/byte-source';

/** An input that cannot be read or is not what its place asks: exit status 2, named on stderr. */
export class InputError extends Error {}

/** The file whole and what it was recognised as; InputError when unreadable or unrecognised. */
export function readRaw(path: string): RawInput {
  let bytes: Uint8Array;
  try {
    const buffer = readFileSync(path);
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const recognised = recogniseInput(bytes, true);
  if (recognised === undefined) throw new InputError(`${path}: not recognised (${bytes.length} bytes)`);
  return { name: path, bytes, kind: recognised.module.kind, recognised };
}

export function isList(raw: RawInput): boolean {
  return raw.kind === 'ima-binary' || raw.kind === 'ima-ascii';
}

/** The list in `raw` (an IMA list: see isList), parsed with what its sniff learned. */
export function parseList(raw: RawInput): ImaLog {
  return parseImaLog(raw.bytes, imaListOptions(raw.recognised) ?? { format: raw.kind === 'ima-ascii' ? 'ascii' : 'binary' });
}

/** A log as postMessage can move it: its ByteSource left out, and the buffers to transfer. */
export function transferableLog(log: ImaLog): { readonly log: Omit<ImaLog, 'bytes'>; readonly transfer: ArrayBuffer[] } {
  const { bytes: _source, ...rest } = log;
  const buffers = new Set<ArrayBuffer>();
  for (const column of [log.data, ...Object.values(log.entries)]) {
    if (ArrayBuffer.isView(column) && column.buffer instanceof ArrayBuffer) buffers.add(column.buffer);
  }
  return { log: rest, transfer: [...buffers] };
}

/** The log `transferableLog` sent, read in place again. */
export function receivedLog(log: Omit<ImaLog, 'bytes'>): ImaLog {
  return { ...log, bytes: memoryByteSource(log.data) };
}
