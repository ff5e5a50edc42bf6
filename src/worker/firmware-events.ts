/**
 * The worker's view of the firmware event log among the inputs: parsed and replayed once per
 * open (the replay names events whose digest is not the hash of their data), then read in
 * windows of decoded rows for the firmware table and one event at a time, with its bytes,
 * for the detail view.
 *
 * Chain: page `call('getFirmwareEvents', {range})` → requests/firmware.ts → openFirmwareLog
 * (parseFirmwareLog + replayFirmwareLog, cached per open) → firmwareEventPage →
 * decodeFirmwareEvent per row.
 */
import type { RawInput } from '../core/analysis/analysis-types';
import { decodeFirmwareEvent } from '../core/eventlog/decode-event';
import type { FirmwareEvent, FirmwareLog } from '../core/eventlog/event-log';
import { replayFirmwareLog } from '../core/eventlog/replay-firmware';
import { algIdHex } from '../core/eventlog/spec-id';
import type { HashProvider } from '../core/hash/hash-provider';
import { toHex } from '../core/util/bytes';
import { readFirmwareLog } from '../core/inputs/tcg-eventlog';
import type { FirmwareEventDetail, FirmwareEventPage, FirmwareEventRow, RowRange } from './protocol';

export interface OpenedFirmwareLog {
  readonly bytes: Uint8Array;
  readonly log: FirmwareLog;
  readonly digestMismatches: ReadonlySet<number>;
}

/** The first firmware log among the inputs, as the analysis uses it (loadInputs). */
export function findFirmwareInput(inputs: readonly RawInput[]): RawInput | undefined {
  return inputs.find((i) => i.kind === 'tcg-eventlog');
}

export function openFirmwareLog(input: RawInput, provider: HashProvider): OpenedFirmwareLog {
  const { bytes, log } = readFirmwareLog(input.bytes);
  const replay = replayFirmwareLog(log, provider);
  return { bytes, log, digestMismatches: new Set(replay.digestMismatches) };
}

function rowOf(event: FirmwareEvent, fw: OpenedFirmwareLog): FirmwareEventRow {
  const decoded = decodeFirmwareEvent(event);
  return {
    index: event.index,
    pcr: event.pcr,
    type: event.type,
    typeName: event.typeName,
    offset: event.offset,
    size: event.size,
    digests: event.digests.map((d) => ({ bank: d.bank ?? algIdHex(d.algId), hex: toHex(d.digest) })),
    summary: decoded.summary,
    details: decoded.details,
    digestMismatch: fw.digestMismatches.has(event.index),
  };
}

export function firmwareEventPage(fw: OpenedFirmwareLog, range: RowRange): FirmwareEventPage {
  const events = fw.log.events;
  const start = Math.max(0, Math.min(range.start, events.length));
  const end = Math.max(start, Math.min(range.end, events.length));
  return { start, totalRows: events.length, rows: events.slice(start, end).map((e) => rowOf(e, fw)) };
}

/** Undefined for an index outside the log. */
export function firmwareEventDetail(fw: OpenedFirmwareLog, index: number): FirmwareEventDetail | undefined {
  const event = Number.isInteger(index) ? fw.log.events[index] : undefined;
  if (event === undefined) return undefined;
  const row = rowOf(event, fw);
  // CEL records carry no byte layout of their own: the event data is what there is to show.
  if (fw.log.printedBy === 'cel') return { row, raw: event.data.slice(), framing: 'data' };
  return {
    row,
    raw: fw.bytes.slice(event.offset, event.offset + event.size),
    // The first event of every log, the Spec ID header included, is a TCG_PCR_EVENT.
    framing: fw.log.printedBy === 'tpm2_eventlog' ? 'text' : fw.log.format === 'tpm12' || event.index === 0 ? 'sha1' : 'crypto-agile',
  };
}
