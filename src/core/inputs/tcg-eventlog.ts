/** `tcg-eventlog`: the firmware event log (binary_bios_measurements), TCG PC Client format. */
import { parseFirmwareLog, sniffFirmwareLog } from '../eventlog/event-log';
import type { InputKindModule } from './input-kind-module';

export const tcgEventlog: InputKindModule<true> = {
  kind: 'tcg-eventlog',
  sniff: (sample) => (sniffFirmwareLog(sample.head) ? true : undefined),
  load: (input, _learned, sink) => {
    const report = sink.reports.get(input);
    if (sink.firmware !== undefined) sink.unused.push({ name: input.name, reason: 'a second firmware log' });
    else if (report !== undefined) sink.firmware = { log: parseFirmwareLog(input.bytes), input: report };
  },
};
