// Issue 14: a list parsed as it streams in, keeping none of its bytes, and read back from
// the file in chunks (the worker's FileReaderSync over file.slice()) gives the same model and
// answers exactly as the list parsed in memory: columns, parse errors, rows, decoded entries,
// filters, sorts, exports, timeline categories, template-hash flags, and the analysis (PCR
// replay and findings). The streamed log's `data` is empty, so a reader still reading `data`
// instead of `bytes` gives different answers and fails here.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeWithLog } from '../analysis/analyze';
import type { RawInput } from '../analysis/analysis-types';
import { entryRow } from '../export/entry-row';
import { exportAsciiList } from '../export/ascii-list';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { decodeEntry } from '../ima/decode/decode-entry';
import { ImaLogParser, parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import { NO_VERDICTS } from '../query/entry-verdicts';
import { DEFAULT_QUERY, filterEntries, type SortColumn } from '../query/filter-entries';
import { readRowPage } from '../query/row-page';
import { computeKeyIds } from '../query/signature-key-ids';
import { buildImaLog } from '../testing/build-ima-log';
import { imaSignature, numberedFiles } from '../testing/ima-scenarios';
import { readSharedData } from '../testing/shared-data';
import { classifyEntries } from '../timeline/timeline-categories';
import { concatBytes } from '../util/bytes';
import { ChunkedByteSource } from './byte-source';
import { copyEntryBytes, type ImaLog } from './ima-log';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

/**
 * `file` parsed as it streams in, pushed in pieces of a reused buffer overwritten after each
 * push (as readBlobChunks hands them), its bytes read back through a chunked source (fresh
 * copies per read, as FileReaderSync gives, two chunks kept).
 */
function streamed(file: Uint8Array, chunkSize: number): ImaLog {
  const bytes = new ChunkedByteSource(file.length, (start, end) => file.slice(start, end), { chunkSize, maxChunks: 2 });
  const parser = new ImaLogParser({ sizeHint: file.length, readBack: bytes });
  const piece = 3 * chunkSize + 1;
  const buffer = new Uint8Array(piece);
  for (let o = 0; o < file.length; o += piece) {
    const n = Math.min(piece, file.length - o);
    buffer.set(file.subarray(o, o + n));
    parser.push(buffer.subarray(0, n));
    buffer.fill(0xee);
  }
  const log = parser.finish();
  expect(log.data.length).toBe(0);
  return log;
}

const SEARCHES = [
  'name contains lib',
  'name matches /\\d$/',
  'pcr == 10',
  'status == ok',
  'status == violation',
  'digest contains 0a',
  'tdigest contains ff',
  'keyid contains 6',
  'template contains sig',
];
const SORTS: readonly SortColumn[] = ['name', 'fileDigest', 'templateDigest', 'keyId'];

/** Everything a reader of the model answers, for comparing two models of one list. */
function answers(log: ImaLog): unknown {
  const keyIds = computeKeyIds(log);
  const n = log.entries.length;
  return {
    rows: readRowPage(log, undefined, { start: 0, end: n }, { verdicts: NO_VERDICTS }),
    decoded: Array.from({ length: n }, (_, i) => decodeEntry(log, i)),
    raw: Array.from({ length: n }, (_, i) => copyEntryBytes(log, i)),
    exported: Array.from({ length: n }, (_, i) => entryRow(log, i, keyIds)),
    ascii: exportAsciiList(log),
    searches: SEARCHES.map((search) => [...filterEntries(log, { ...DEFAULT_QUERY, search }, { keyIds })]),
    sorts: SORTS.map((column) => [...filterEntries(log, { ...DEFAULT_QUERY, sort: { column, descending: true } }, { keyIds })]),
    timeline: (['measured', 'directory', 'template'] as const).map((mode) => classifyEntries(log, mode)),
  };
}

/** Verification, then every answer, of the list in memory and read back in chunks of each size. */
function expectSameAsInMemory(file: Uint8Array, chunkSizes: readonly number[]): void {
  const inMemory = parseImaLog(file);
  expect(inMemory.entries.length).toBeGreaterThan(0);
  const summary = verifyTemplateHashes(inMemory, provider);
  expect(summary.checked).toBeGreaterThan(0);
  const expected = answers(inMemory);
  for (const chunkSize of chunkSizes) {
    const chunked = streamed(file, chunkSize);
    expect({ ...chunked.entries, flags: undefined }, `columns, chunks of ${chunkSize}`).toEqual({ ...inMemory.entries, flags: undefined });
    expect(chunked.errors, `errors, chunks of ${chunkSize}`).toEqual(inMemory.errors);
    expect(verifyTemplateHashes(chunked, provider), `summary, chunks of ${chunkSize}`).toEqual(summary);
    expect(chunked.entries.flags, `flags, chunks of ${chunkSize}`).toEqual(inMemory.entries.flags);
    expect(answers(chunked), `chunks of ${chunkSize}`).toEqual(expected);
  }
}

describe('a model read back from its file in chunks answers as the one in memory', () => {
  it('a built list with signatures, entries spanning chunks of every size, damage the parser skipped, a cut-off tail', () => {
    const entries = [
      ...numberedFiles(60, '/usr/lib/x'),
      { path: 'a violation', violation: true },
      ...Array.from({ length: 10 }, (_, i) => ({
        template: 'ima-sig',
        path: `/usr/bin/signed${i}`,
        sig: imaSignature(0x1234abcd + i, new Uint8Array(8 + i)),
      })),
    ];
    const built = buildImaLog(entries, { provider, listBank: 'sha256' });
    const half = built.binary.length >> 1;
    const damaged = concatBytes([built.binary.subarray(0, half), new Uint8Array(77).fill(0xa5), built.binary.subarray(half)]);
    const truncated = built.binary.subarray(0, built.binary.length - 5);
    expect(parseImaLog(damaged).errors.length).toBeGreaterThan(0);
    expect(parseImaLog(truncated).errors.length).toBeGreaterThan(0);
    for (const file of [built.binary, damaged, truncated]) expectSameAsInMemory(file, [1, 50, 333, 4096, 1 << 20]);
  });

  it('real lists: swtpm (ima-ng with a violation) and tpm2-tss (ima-sig, sha256 column)', () => {
    expectSameAsInMemory(readSharedData('swtpm', 'binary_runtime_measurements'), [7, 1000]);
    expectSameAsInMemory(readSharedData('realdata', 'tpm2-tss', 'sml-ima-sig-sha256.bin'), [31, 8192]);
  });

  it('the analysis (template hashes, PCR replay, findings) of swtpm against its tampered and true PCRs', async () => {
    const file = readSharedData('swtpm', 'binary_runtime_measurements');
    const input = { name: 'binary_runtime_measurements', kind: 'ima-binary' as const, size: file.length, sha256: '' };
    for (const pcrs of ['evmctl_pcrs_sha256_tampered.txt', 'pcrread_all.yaml']) {
      const others: RawInput[] = [{ name: pcrs, bytes: readSharedData('swtpm', pcrs) }];
      const inMemory = parseImaLog(file);
      const expected = await analyzeWithLog({ lists: [{ log: inMemory, input }] }, others, {}, provider);
      expect(expected.report.findings.length, pcrs).toBeGreaterThan(0);
      for (const chunkSize of [13, 4096]) {
        const chunked = streamed(file, chunkSize);
        const analysis = await analyzeWithLog({ lists: [{ log: chunked, input }] }, others, {}, provider);
        expect(analysis.report, `${pcrs}, chunks of ${chunkSize}`).toEqual(expected.report);
        expect(chunked.entries.flags).toEqual(inMemory.entries.flags);
      }
    }
  });
});
