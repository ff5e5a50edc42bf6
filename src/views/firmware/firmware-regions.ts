/**
 * The byte regions of one firmware event for the hex view (event-log.ts has the layouts):
 * TCG_PCR_EVENT `pcr | type | sha1 digest | size | data`, TCG_PCR_EVENT2 `pcr | type | count |
 * count × (algId | digest) | size | data`. Digest sizes come from the row's digests, which the
 * parser sized from the Spec ID event, so the regions follow the same walk.
 */
import type { ByteRegion } from '../shared/HexDump';
import type { FirmwareEventDetail } from '../../worker/protocol';

export function firmwareRegions(detail: FirmwareEventDetail): ByteRegion[] {
  const { row, raw, framing } = detail;
  if (framing === 'text') return [{ key: 'data', label: 'the event as tpm2_eventlog printed it', start: 0, end: raw.length, kind: 'value' }];
  if (framing === 'data') return raw.length === 0 ? [] : [{ key: 'data', label: 'event data', start: 0, end: raw.length, kind: 'value' }];
  const regions: ByteRegion[] = [
    { key: 'pcr', label: 'PCR index (u32)', start: 0, end: 4, kind: 'framing' },
    { key: 'type', label: `event type (u32): ${row.typeName}`, start: 4, end: 8, kind: 'framing' },
  ];
  let at = 8;
  if (framing === 'sha1') {
    regions.push({ key: 'digest-0', label: 'sha1 digest', start: at, end: at + 20, kind: 'digest' });
    at += 20;
  } else {
    regions.push({ key: 'digest-count', label: 'digest count (u32)', start: at, end: at + 4, kind: 'length' });
    at += 4;
    row.digests.forEach((d, k) => {
      regions.push({ key: `digest-${k}-alg`, label: `${d.bank} algorithm id (u16)`, start: at, end: at + 2, kind: 'framing' });
      const size = d.hex.length / 2;
      regions.push({ key: `digest-${k}`, label: `${d.bank} digest`, start: at + 2, end: at + 2 + size, kind: 'digest' });
      at += 2 + size;
    });
  }
  regions.push({ key: 'data-size', label: 'event data size (u32)', start: at, end: at + 4, kind: 'length' });
  regions.push({ key: 'data', label: 'event data', start: at + 4, end: raw.length, kind: 'value' });
  return regions.filter((r) => r.end > r.start && r.end <= raw.length);
}
