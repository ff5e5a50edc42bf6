/**
 * The firmware table's requests through LogSession (Node, Blobs), against tpm2_eventlog 5.4's
 * rendering of the same swtpm log (binary_bios_measurements.tpm2_eventlog.yaml): event
 * numbers, PCRs, type names and every digest come from that independent parser.
 */
import { describe, expect, it } from 'vitest';
import { hasSharedData, readSharedData, readSharedText } from '../core/testing/shared-data';
import type { InputFile } from './protocol';
import { sessionHarness } from './session-harness';

interface YamlEvent {
  num: number;
  pcr: number;
  type: string;
  digests: Array<{ bank: string; hex: string }>;
}

/** The `events:` list of tpm2_eventlog's YAML: numbers, PCRs, types and digests. */
function tpm2EventlogEvents(): YamlEvent[] {
  const events: YamlEvent[] = [];
  let bank = '';
  for (const line of readSharedText('swtpm', 'binary_bios_measurements.tpm2_eventlog.yaml').split('\n')) {
    if (line.startsWith('pcrs:')) break;
    const num = /^- EventNum: (\d+)/.exec(line);
    if (num !== null) events.push({ num: Number(num[1]), pcr: -1, type: '', digests: [] });
    const current = events[events.length - 1];
    if (current === undefined) continue;
    const field = /^ {2}(PCRIndex|EventType): (\S+)/.exec(line);
    if (field?.[1] === 'PCRIndex') current.pcr = Number(field[2]);
    if (field?.[1] === 'EventType') current.type = field[2];
    bank = /AlgorithmId: (\w+)/.exec(line)?.[1] ?? bank;
    // The Spec ID header is a TCG_PCR_EVENT: one SHA-1 digest, at the event's own level.
    const digest = /^( {2}| {4})Digest: "([0-9a-f]+)"/.exec(line);
    if (digest !== null) current.digests.push({ bank: digest[1] === '  ' ? 'sha1' : bank, hex: digest[2] });
  }
  return events;
}

function swtpmFile(id: string, name: string): InputFile {
  return { id, name, file: new Blob([new Uint8Array(readSharedData('swtpm', name))]) };
}

describe.skipIf(!hasSharedData())('firmware events from the session', () => {
  it('decodes every event of the swtpm log as tpm2_eventlog lists it', async () => {
    const { call } = sessionHarness();
    await call('open', { inputs: [swtpmFile('a', 'binary_runtime_measurements'), swtpmFile('b', 'binary_bios_measurements')] });
    const page = await call('getFirmwareEvents', { range: { start: 0, end: 100 } });
    if (!page.ok) throw new Error(page.message);
    const expected = tpm2EventlogEvents();
    expect(expected).toHaveLength(18);
    expect(page.result.totalRows).toBe(18);
    expect(page.result.rows.map((r) => ({ num: r.index, pcr: r.pcr, type: r.typeName, digests: r.digests }))).toEqual(expected);

    const rows = page.result.rows;
    expect(rows[4].summary).toBe('SecureBoot = enabled');
    expect(rows[4].details).toMatchObject({ variable: 'SecureBoot' });
    expect(rows[6].summary).toBe('separator');
    expect(rows[15].summary).toBe('grub_cmd: linux /vmlinuz root=/dev/sda1 ima_policy=tcb');
    expect(rows[16].details).toMatchObject({ kind: 'kernel command line' });
    expect(rows.filter((r) => r.digestMismatch)).toEqual([]);
  });

  it('answers a window, and one event with its bytes as in the file', async () => {
    const { call } = sessionHarness();
    await call('open', { inputs: [swtpmFile('b', 'binary_bios_measurements')] });
    const page = await call('getFirmwareEvents', { range: { start: 5, end: 8 } });
    expect(page.ok && page.result.rows.map((r) => r.index)).toEqual([5, 6, 7]);
    const detail = await call('getFirmwareEventDetail', { index: 4 });
    if (!detail.ok) throw new Error(detail.message);
    const { row, raw, framing } = detail.result;
    const file = readSharedData('swtpm', 'binary_bios_measurements');
    expect(raw).toEqual(file.slice(row.offset, row.offset + row.size));
    expect(framing).toBe('crypto-agile');
    // TCG_PCR_EVENT2: PCR 7, EV_EFI_VARIABLE_DRIVER_CONFIG (0x80000001), 2 digests, 53 data bytes.
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    expect([view.getUint32(0, true), view.getUint32(4, true), view.getUint32(8, true)]).toEqual([7, 0x80000001, 2]);
    expect(view.getUint32(12 + 2 + 20 + 2 + 32, true)).toBe(53);
    expect(raw.length).toBe(12 + 2 + 20 + 2 + 32 + 4 + 53);
    const header = await call('getFirmwareEventDetail', { index: 0 });
    expect(header.ok && header.result.framing).toBe('sha1');
  });

  it('serves tpm2_eventlog\'s YAML as the same events, each with its text as its bytes', async () => {
    const { call } = sessionHarness();
    await call('open', { inputs: [swtpmFile('y', 'binary_bios_measurements.tpm2_eventlog.yaml')] });
    const page = await call('getFirmwareEvents', { range: { start: 0, end: 100 } });
    if (!page.ok) throw new Error(page.message);
    expect(page.result.rows.map((r) => ({ num: r.index, pcr: r.pcr, type: r.typeName, digests: r.digests }))).toEqual(tpm2EventlogEvents());
    // Rebuilt from version 1's fields: the same decoding as the binary log gives.
    expect(page.result.rows[4].summary).toBe('SecureBoot = enabled');
    const detail = await call('getFirmwareEventDetail', { index: 4 });
    if (!detail.ok) throw new Error(detail.message);
    expect(detail.result.framing).toBe('text');
    const text = new TextDecoder().decode(detail.result.raw);
    expect(text.startsWith('- EventNum: 4\n  PCRIndex: 7\n')).toBe(true);
    expect(text).toContain('UnicodeName: SecureBoot');
  });

  it('says there is no firmware log when none was given', async () => {
    const { call } = sessionHarness();
    await call('open', { inputs: [swtpmFile('a', 'binary_runtime_measurements')] });
    expect(await call('getFirmwareEvents', { range: { start: 0, end: 10 } })).toMatchObject({ ok: false, code: 'noLog' });
    await call('open', { inputs: [swtpmFile('b', 'binary_bios_measurements')] });
    expect(await call('getFirmwareEventDetail', { index: 99 })).toMatchObject({ ok: false });
  });
});
