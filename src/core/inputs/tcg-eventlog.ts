/**
 * `tcg-eventlog`: the firmware event log (binary_bios_measurements), TCG PC Client format,
 * as bytes or written as base64 or hex text (Keylime's `mb_log`, tpm2-tss test vectors), or
 * as tpm2_eventlog prints it (YAML, eventlog-yaml.ts).
 */
import { parseFirmwareLog, sniffFirmwareLog, type FirmwareLog } from '../eventlog/event-log';
import { isCelText, parseCel } from '../eventlog/cel';
import { isEventlogYaml, parseEventlogYaml } from '../eventlog/eventlog-yaml';
import { asText, decodeHexOrBase64 } from '../tpm/binary-input';
import { fromBase64, fromHex } from '../util/bytes';
import type { InputKindModule } from './input-kind-module';

/** The log's bytes: what a base64 or hex text spells, else the bytes themselves. */
export function firmwareLogBytes(bytes: Uint8Array): Uint8Array {
  const text = asText(bytes);
  return text === undefined ? bytes : (decodeHexOrBase64(text) ?? bytes);
}

/**
 * The log in whichever form it was given, and the bytes its events' offsets point into (the
 * YAML text itself for tpm2_eventlog output).
 */
export function readFirmwareLog(input: Uint8Array): { bytes: Uint8Array; log: FirmwareLog } {
  const text = asText(input);
  if (text !== undefined && isEventlogYaml(text)) return { bytes: input, log: parseEventlogYaml(input) };
  if (text !== undefined && isCelText(text)) return { bytes: input, log: parseCel(text) };
  const bytes = firmwareLogBytes(input);
  return { bytes, log: parseFirmwareLog(bytes) };
}

/**
 * The start of what a text spells, cut to whole bytes: the sniff sees only the input's head,
 * which may end inside a base64 group or a hex byte.
 */
function decodedHead(text: string): Uint8Array | undefined {
  const t = text.replace(/\s/g, '');
  if (/^[0-9a-fA-F]+$/.test(t)) return fromHex(t.slice(0, t.length - (t.length % 2)));
  return fromBase64(t.slice(0, t.length - (t.length % 4)));
}

export const tcgEventlog: InputKindModule<true> = {
  kind: 'tcg-eventlog',
  sniff: (sample) => {
    const text = sample.text;
    if (text !== undefined && (isEventlogYaml(text) || isCelText(text))) return true;
    const head = text === undefined ? sample.head : decodedHead(text);
    return head !== undefined && sniffFirmwareLog(head) ? true : undefined;
  },
  load: (input, _learned, sink) => {
    const report = sink.reports.get(input);
    if (sink.firmware !== undefined) {
      sink.unused.push({ name: input.name, reason: 'a second firmware log' });
      return;
    }
    const { log } = readFirmwareLog(input.bytes);
    // Nothing read at all (a text file forced with --kind): not a firmware log (exit 2).
    if (log.events.length === 0 && log.errors.length > 0) sink.refuse(input, `offset ${log.errors[0].offset}: ${log.errors[0].message}`);
    else if (report !== undefined) sink.firmware = { log, input: report };
  },
};
