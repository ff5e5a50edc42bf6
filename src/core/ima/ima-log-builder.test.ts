// The builder's memory policy (views instead of copies, projected column growth, one offset
// column for binary lists), checked by parsing the same list with and without size hints:
// whatever the buffers look like, the columns must hold the same values as a parse that
// copied everything (the unhinted parse doubles its columns and so takes the copying path).
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import type { EntryTable, ImaLog } from '../model/ima-log';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { encodeText } from '../util/bytes';
import { ImaLogBuilder } from './ima-log-builder';
import { createFieldScan } from './template-registry';
import { ImaLogParser, parseImaLog } from './parse-ima-log';
import { readEntryName } from './template-digests';

let provider: HashProvider;
let list: { binary: Uint8Array; ascii: Uint8Array; names: string[] };
const COUNT = 3000;

beforeAll(async () => {
  provider = await createWasmHashProvider();
  const entries: BuildEntry[] = [];
  // Short and long paths, so entry sizes vary and projections are not exact.
  for (let i = 0; i < COUNT; i++) entries.push({ path: i % 7 === 0 ? `/usr/lib/modules/6.1.0/kernel/drivers/x${i}.ko` : `/b/${i}` });
  const built = buildImaLog(entries, { provider });
  list = { binary: built.binary, ascii: encodeText(built.ascii), names: entries.map((e) => e.path) };
});

const COLUMNS: readonly (keyof Omit<EntryTable, 'length'>)[] = [
  'entryOffset',
  'sourceOffset',
  'entrySize',
  'pcr',
  'template',
  'flags',
  'nameOffset',
  'nameLength',
  'fileDigestOffset',
  'fileDigestLength',
  'fileDigestAlgorithm',
];

function expectSameLog(a: ImaLog, b: ImaLog): void {
  expect(a.entries.length).toBe(b.entries.length);
  for (const c of COLUMNS) {
    expect(a.entries[c].length, c).toBe(a.entries.length);
    expect(Array.from(a.entries[c]), c).toEqual(Array.from(b.entries[c]));
  }
  expect(a.data).toEqual(b.data);
}

/** A parse of pushed pieces (as a stream gives them), with no source buffer to adopt. */
function streamed(bytes: Uint8Array, sizeHint: number): ImaLog {
  const parser = new ImaLogParser({ sizeHint });
  for (let o = 0; o < bytes.length; o += 1000) parser.push(bytes.slice(o, o + 1000));
  return parser.finish();
}

describe('ImaLogBuilder memory policy', () => {
  it('hands out views of its buffers when the size hint was right, with the same values as copies', () => {
    const hinted = streamed(list.binary, list.binary.length);
    const unhinted = streamed(list.binary, 0);
    expectSameLog(hinted, unhinted);
    expect(hinted.entries.length).toBe(COUNT);
    expect(readEntryName(hinted, COUNT - 1)).toBe(list.names[COUNT - 1]);
    // The data buffer is the preallocated one (exactly the file's size), not a trimmed copy.
    expect(hinted.data.buffer.byteLength).toBe(list.binary.length);
    // The columns keep at most 1/8 slack beyond the entries.
    const capacity = hinted.entries.flags.buffer.byteLength / 2;
    expect(capacity).toBeGreaterThanOrEqual(COUNT);
    expect(capacity).toBeLessThanOrEqual(COUNT * (1 + 1 / 8));
  });

  it('keeps a binary list held in memory as its data, without a copy', () => {
    const adopted = parseImaLog(list.binary);
    expect(adopted.data.buffer).toBe(list.binary.buffer);
    expectSameLog(adopted, streamed(list.binary, 0));
    // An ASCII list is re-encoded: its data is the builder's own.
    expect(parseImaLog(list.ascii).data.buffer).not.toBe(list.ascii.buffer);
  });

  it('copies the columns when growth overshot, so the slack can be freed', () => {
    const unhinted = streamed(list.binary, 0);
    expect(unhinted.entries.flags.buffer.byteLength).toBe(COUNT * 2);
    expect(unhinted.data.buffer.byteLength).toBe(list.binary.length);
  });

  it('grows columns to the entry count the data hint projects, not to double', () => {
    // Two thirds of the entries expected: doubling would leave a third of the columns unused.
    const parsed = parseImaLog(list.binary, { sizeHint: list.binary.length });
    const builder = new ImaLogBuilder(list.binary.length, 2000);
    const e = parsed.entries;
    const scan = createFieldScan();
    for (let i = 0; i < e.length; i++) {
      builder.addEntry(e.entryOffset[i], e.sourceOffset[i], e.entrySize[i], e.pcr[i], e.template[i], scan, parsed.digestSize);
    }
    const capacity = builder.entryOffset.length;
    expect(capacity).toBeGreaterThanOrEqual(COUNT);
    expect(capacity).toBeLessThanOrEqual(COUNT * 1.1);
  });

  it('shares one offset column for a binary list and keeps separate source offsets for ASCII', () => {
    const binary = parseImaLog(list.binary, { sizeHint: list.binary.length });
    expect(binary.entries.sourceOffset).toBe(binary.entries.entryOffset);
    const ascii = parseImaLog(list.ascii, { sizeHint: list.ascii.length });
    expect(ascii.entries.sourceOffset).not.toBe(ascii.entries.entryOffset);
    expect(ascii.entries.sourceOffset[0]).toBe(0);
    expect(ascii.entries.sourceOffset[1]).toBe(list.ascii.indexOf(10) + 1);
    expect(ascii.entries.entryOffset[1]).toBe(binary.entries.entryOffset[1]);
    expect(readEntryName(ascii, COUNT - 1)).toBe(list.names[COUNT - 1]);
  });
});
