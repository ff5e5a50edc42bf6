// Issue 14 in the worker: a binary list opened from a File keeps no copy of it and reads its
// bytes back on demand (in the browser, FileReaderSync over file.slice()). A session doing so
// answers every request exactly as a session keeping the bytes: rows, filters and sorts, the
// detail pane, the exports, the timeline, the analysis (verdicts, PCR replay) whether the pool
// verifies ranges or the session verifies in place, a policy made from the log, a comparison.
// A file changed on disk after it was opened gives a clear error, never other rows.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../core/hash/hash-provider';
import { DEFAULT_QUERY, type RowQuery } from '../core/query/filter-entries';
import { buildImaLog, formatEvmctlPcrFile, type BuildEntry } from '../core/testing/build-ima-log';
import { imaSignature } from '../core/testing/ima-scenarios';
import { readSharedData } from '../core/testing/shared-data';
import type { ChunkReader } from '../core/model/byte-source';
import type { InputFile } from './protocol';
import { syncBlobReader } from './read-blob-chunks';
import { sessionHarness } from './session-harness';
import type { LogSessionOptions } from './session';
import { createVerifyPool, type VerifyPool } from './verify-pool';

let provider: HashProvider;
let list: Uint8Array;
/** The same list without its altered entry: a policy is made only from a list that verifies. */
let clean: Uint8Array;
let pcrs: string;
beforeAll(async () => {
  provider = await createWasmHashProvider();
  const entries: BuildEntry[] = [];
  for (let i = 0; i < 3000; i++) {
    entries.push({
      path: `/usr/lib/m${i % 97}/f${i}`,
      ...(i % 10 === 3 ? { template: 'ima-sig', sig: imaSignature(0xabc00000 + (i % 5), new Uint8Array(16)) } : {}),
      ...(i === 5 ? { violation: true } : {}),
      ...(i === 2500 ? { corruptTemplateDigest: true } : {}),
    });
  }
  const built = buildImaLog(entries, { provider, listBank: 'sha256' });
  list = built.binary;
  clean = buildImaLog(entries.slice(0, 2000), { provider, listBank: 'sha256' }).binary;
  pcrs = formatEvmctlPcrFile(built.pcrs.get('sha256') ?? new Map());
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Blobs made here, and their bytes: Node cannot read a Blob synchronously, the test can. */
const contents = new Map<Blob, Uint8Array>();
function input(id: string, name: string, bytes: Uint8Array | string): InputFile {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const file = new Blob([new Uint8Array(data)]);
  contents.set(file, data);
  return { id, name, file };
}

/** Reads back what the Blob held, and counts the reads (so the test knows the path was taken). */
let reads = 0;
function readBack(file: Blob): ChunkReader | undefined {
  const bytes = contents.get(file);
  if (bytes === undefined) return undefined;
  return (start, end) => {
    reads++;
    return bytes.slice(start, end);
  };
}

/** A pool whose tasks run here but which the session treats as workers (ranges are sliced). */
function slicingPool(): VerifyPool {
  const inner = createVerifyPool({ size: 1, provider: async () => provider });
  return { ...inner, size: 2, inProcess: false, run: (task) => inner.run(task), dispose: () => inner.dispose() };
}

const QUERIES: RowQuery[] = [
  DEFAULT_QUERY,
  { ...DEFAULT_QUERY, search: 'name contains m5 || keyid contains abc' },
  { ...DEFAULT_QUERY, search: 'status == violation || status == hash-mismatch' },
  { ...DEFAULT_QUERY, sort: { column: 'name', descending: true } },
  { ...DEFAULT_QUERY, sort: { column: 'fileDigest', descending: false }, search: '/f1\\d$/' },
];

async function everything(options: LogSessionOptions): Promise<unknown> {
  const { call } = sessionHarness({ hashProvider: async () => provider, ...options });
  const out: Record<string, unknown> = {};
  const opened = await call('open', { inputs: [input('log', 'binary_runtime_measurements_sha256', list), input('pcrs', 'pcrs.txt', pcrs)] });
  if (!opened.ok) throw new Error(opened.message);
  out.opened = { ...opened.result, log: { ...opened.result.log, parseMillis: 0 } };
  const analysed = await call('analyze', { pastes: [] });
  if (!analysed.ok) throw new Error(analysed.message);
  out.report = analysed.result.report;
  out.statuses = analysed.result.statusCounts;
  for (const [k, query] of QUERIES.entries()) out[`rows ${k}`] = await call('getRows', { range: { start: 0, end: 3000 }, query });
  for (const index of [0, 5, 13, 1499, 2500, 2999]) out[`detail ${index}`] = await call('getEntryDetail', { index });
  out.csv = await call('exportCsv', { query: QUERIES[1] });
  out.ascii = await call('exportAsciiList', {});
  for (const breakdown of ['measured', 'directory'] as const) {
    out[`timeline ${breakdown}`] = await call('getTimeline', { window: { start: 0, end: 3000, bucketCount: 50, breakdown }, filter: QUERIES[1] });
  }
  out.replay = await call('getReplayDetails', { allReadings: true });
  out.compared = await call('compareWith', { file: input('ref', 'reference', list.slice(0, list.length >> 1)).file, name: 'reference' });
  await call('open', { inputs: [input('clean', 'clean', clean)] });
  await call('analyze', { pastes: [] });
  const policy = await call('exportPolicy', { kind: 'from-log' });
  out.policy = policy.ok ? { ...policy.result, bytes: new TextDecoder().decode(policy.result.bytes).replace(/"timestamp": "[^"]*"/, '') } : policy;
  return out;
}

describe('a binary list read back from its File answers as one kept in memory', () => {
  it('every request, with the pool verifying ranges and with the session verifying in place', async () => {
    const expected = await everything({ readBack: () => undefined });
    for (const options of [{ verifyPool: slicingPool }, { verifyInPlace: true }] satisfies LogSessionOptions[]) {
      reads = 0;
      const answers = await everything({ readBack, ...options });
      expect(reads).toBeGreaterThan(0);
      expect(answers).toEqual(expected);
    }
    const text = JSON.stringify(expected);
    expect(text).toContain('pcr-mismatch');
    expect(text).not.toContain('"ok":false');
  });

  it('a real list (swtpm) gives the rows and verdict it gives from memory', async () => {
    const swtpm = readSharedData('swtpm', 'binary_runtime_measurements');
    const answer = async (options: LogSessionOptions): Promise<unknown> => {
      const { call } = sessionHarness({ hashProvider: async () => provider, ...options });
      await call('open', { inputs: [input('a', 'binary_runtime_measurements', swtpm), input('b', 'pcrs', readSharedData('swtpm', 'pcrread_all.yaml'))] });
      const analysed = await call('analyze', { pastes: [] });
      return [analysed.ok ? analysed.result.report : analysed, await call('getRows', { range: { start: 0, end: 10 }, query: DEFAULT_QUERY })];
    };
    expect(await answer({ readBack })).toEqual(await answer({ readBack: () => undefined }));
  });

  it('a file changed on disk after it was opened gives a clear error, not other rows', async () => {
    // As Chromium does once the file's modification time changed: the read is refused.
    class RefusingReader {
      readAsArrayBuffer(): ArrayBuffer {
        throw new DOMException('The requested file could not be read', 'NotReadableError');
      }
    }
    vi.stubGlobal('FileReaderSync', RefusingReader);
    const refused = sessionHarness({ hashProvider: async () => provider, readBack: syncBlobReader });
    await refused.call('open', { inputs: [input('log', 'list', list)] });
    const rows = await refused.call('getRows', { range: { start: 0, end: 10 }, query: DEFAULT_QUERY });
    expect(rows.ok).toBe(false);
    if (!rows.ok) expect(rows.message).toMatch(/could not be read again from its file \(changed or moved since it was opened\? open it again\): The requested file could not be read/);

    // A file that became shorter, read by a reader that does not notice.
    const shorter = (file: Blob): ChunkReader | undefined => {
      const read = readBack(file);
      return read && ((start, end) => read(start, end).subarray(0, Math.max(0, end - start - 1)));
    };
    const shrunk = sessionHarness({ hashProvider: async () => provider, readBack: shorter });
    await shrunk.call('open', { inputs: [input('log', 'list', list)] });
    const detail = await shrunk.call('getEntryDetail', { index: 7 });
    expect(detail.ok).toBe(false);
    if (!detail.ok) expect(detail.message).toMatch(/changed on disk/);
  });
});
