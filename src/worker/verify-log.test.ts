// The verification pool's result must equal the sequential analysis' own work on the whole
// log: verifyTemplateHashes (checked against independent truth in template-digests.test.ts).
// Verdicts of the built list are also checked against how it was built; fingerprints against
// node:crypto.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../core/hash/hash-provider';
import { parseImaLog } from '../core/ima/parse-ima-log';
import { computeTemplateDigest, readEntryName, readRecordedDigest, verifyTemplateHashes } from '../core/ima/template-digests';
import { buildImaLog, type BuildEntry } from '../core/testing/build-ima-log';
import { encodeText } from '../core/util/bytes';
import { fingerprintLogFile } from './fingerprint';
import { bufferOfRange, sliceLogRange } from './log-range';
import { createVerifyPool, type PoolWorkerLike, type VerifyPool } from './verify-pool';
import { settleDigestBank, verifyLogInPool } from './verify-log';
import { runPoolTask, transferablesOfResult, type PoolRequest, type PoolResponse } from './verify-task';

let provider: HashProvider;
let binary: Uint8Array;
let ascii: Uint8Array;
const COUNT = 700;
const isViolation = (i: number) => i % 97 === 5;
const isCorrupt = (i: number) => i % 61 === 7;
const isOpposite = (i: number) => i % 53 === 11;

beforeAll(async () => {
  provider = await createWasmHashProvider();
  const entries: BuildEntry[] = [];
  for (let i = 0; i < COUNT; i++) {
    entries.push({
      path: `/usr/lib/x/${i}.so`,
      ...(isViolation(i) ? { violation: true } : {}),
      ...(isCorrupt(i) ? { corruptTemplateDigest: true } : {}),
      ...(isOpposite(i) ? { hashByteOrder: 'big' as const } : {}),
      ...(i === 2 ? { template: 'ima' } : {}),
    });
  }
  const built = buildImaLog(entries, { provider, listBank: 'sha256' });
  binary = built.binary;
  ascii = encodeText(built.ascii);
});

/** Fake workers: each answers asynchronously, through structuredClone with transfer, like postMessage. */
function fakeWorkers(options: { failFirst?: boolean } = {}) {
  const spawned: PoolWorkerLike[] = [];
  let tasks = 0;
  const spawn = (): PoolWorkerLike => {
    const index = spawned.length;
    const worker: PoolWorkerLike = {
      onmessage: null,
      onerror: null,
      terminate: () => undefined,
      postMessage(message: PoolRequest, transfer: Transferable[]) {
        const request = structuredClone(message, { transfer });
        tasks++;
        setTimeout(() => {
          if (options.failFirst === true && index === 0) {
            worker.onerror?.({ preventDefault: () => undefined, message: 'script blocked' } as ErrorEvent);
            return;
          }
          void runPoolTask(request.task, provider).then((result) => {
            const response: PoolResponse = structuredClone({ id: request.id, result }, { transfer: transferablesOfResult(result) });
            worker.onmessage?.({ data: response } as MessageEvent<PoolResponse>);
          });
        }, 1);
      },
    };
    spawned.push(worker);
    return worker;
  };
  return { spawn, count: () => tasks };
}

function sequential(bytes: Uint8Array) {
  const log = parseImaLog(bytes);
  const templateHashes = verifyTemplateHashes(log, provider);
  return { log, templateHashes };
}

async function pooled(bytes: Uint8Array, pool: VerifyPool, rangeEntries = 64, inPlace = false) {
  const log = parseImaLog(bytes);
  const progress: number[] = [];
  const result = await verifyLogInPool(log, pool, provider, {
    rangeEntries,
    inPlace,
    onProgress: (done) => progress.push(done),
  });
  return { log, result, progress };
}

function expectSame(expected: ReturnType<typeof sequential>, actual: Awaited<ReturnType<typeof pooled>>) {
  expect(actual.result.templateHashes).toEqual(expected.templateHashes);
  expect(Array.from(actual.log.entries.flags)).toEqual(Array.from(expected.log.entries.flags));
  expect(actual.log.digestBank).toBe(expected.log.digestBank);
  expect(actual.progress.at(-1)).toBe(actual.log.entries.length);
  expect(actual.progress).toEqual([...actual.progress].sort((a, b) => a - b));
}

describe('verifyLogInPool', () => {
  it('equals whole-list verification, in-process, across many ranges', async () => {
    const expected = sequential(binary);
    const actual = await pooled(binary, createVerifyPool({ size: 1, provider: async () => provider }));
    expectSame(expected, actual);
    // The built list's own truth: which entries were violations, corrupted, hashed big-endian.
    const ids = (pred: (i: number) => boolean) => [...Array(COUNT).keys()].filter(pred);
    expect(actual.result.templateHashes.violations).toEqual(ids(isViolation));
    expect(actual.result.templateHashes.mismatches).toEqual(ids((i) => isCorrupt(i) && !isViolation(i)));
    expect(actual.result.templateHashes.oppositeByteOrder).toEqual(ids((i) => isOpposite(i) && !isCorrupt(i) && !isViolation(i)));
  });

  it('equals them through workers that receive transferred ranges, and for an ASCII list', async () => {
    const workers = fakeWorkers();
    const pool = createVerifyPool({ size: 3, spawn: workers.spawn, provider: async () => provider });
    expect(pool.size).toBe(3);
    expectSame(sequential(binary), await pooled(binary, pool, 50));
    expect(workers.count()).toBe(Math.ceil(COUNT / 50));
    expectSame(sequential(ascii), await pooled(ascii, pool, 33));
  });

  it('verifies in place when told to, leaving the pool’s workers alone', async () => {
    const workers = fakeWorkers();
    const pool = createVerifyPool({ size: 1, spawn: workers.spawn, provider: async () => provider });
    expect(pool.inProcess).toBe(false);
    expectSame(sequential(binary), await pooled(binary, pool, 45, true));
    expect(workers.count()).toBe(0);
  });

  it('runs the tasks of a worker that fails in-process instead', async () => {
    const workers = fakeWorkers({ failFirst: true });
    const pool = createVerifyPool({ size: 2, spawn: workers.spawn, provider: async () => provider });
    expectSame(sequential(binary), await pooled(binary, pool, 40));
    expect(pool.size).toBe(1);
  });

  it('stops when its signal is aborted', async () => {
    const log = parseImaLog(binary);
    const controller = new AbortController();
    const pool = createVerifyPool({ size: 1, provider: async () => provider });
    const run = verifyLogInPool(log, pool, provider, {
      rangeEntries: 10,
      signal: controller.signal,
      onProgress: (done) => done >= 100 && controller.abort(),
    });
    await expect(run).rejects.toThrow('Cancelled');
  });
});

describe('settleDigestBank', () => {
  it('tells sm3 from sha256 for a 32-byte column by hashing, as whole-list verification does', () => {
    const entries = Array.from({ length: 40 }, (_, i) => ({ path: `/f${i}` }));
    for (const bank of ['sha256', 'sm3'] as const) {
      const log = parseImaLog(buildImaLog(entries, { provider, listBank: bank, banks: [bank] }).binary);
      expect(settleDigestBank(log, provider)).toBe(bank);
      expect(verifyTemplateHashes(log, provider).digestBank).toBe(bank);
    }
  });
});

describe('sliceLogRange', () => {
  it('is a standalone log of the range, and reuses a buffer it is given', () => {
    const log = parseImaLog(binary);
    const range = sliceLogRange(log, 100, 250);
    expect(range.entries.length).toBe(150);
    const hasher = provider.get('sha1');
    if (hasher === undefined) throw new Error('no sha1');
    for (let k = 0; k < 150; k++) {
      expect(readEntryName(range, k)).toBe(readEntryName(log, 100 + k));
      expect(readRecordedDigest(range, k)).toEqual(readRecordedDigest(log, 100 + k));
      expect(computeTemplateDigest(range, k, hasher)).toEqual(computeTemplateDigest(log, 100 + k, hasher));
      expect(range.entries.sourceOffset[k]).toBe(log.entries.sourceOffset[100 + k]);
    }
    const buffer = bufferOfRange(range);
    const again = sliceLogRange(log, 0, 100, (bytes) => {
      expect(bytes).toBeLessThanOrEqual(buffer.byteLength);
      return buffer;
    });
    expect(bufferOfRange(again)).toBe(buffer);
    expect(readEntryName(again, 99)).toBe(readEntryName(log, 99));
  });
});

describe('fingerprintLogFile', () => {
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  const pool = () => createVerifyPool({ size: 1, provider: async () => provider });

  it('hashes a binary list from memory and an ASCII list from its file', async () => {
    const fromData = await fingerprintLogFile(parseImaLog(binary), new Blob([new Uint8Array(binary)]), pool(), provider);
    expect(fromData).toBe(sha256(binary));
    const fromFile = await fingerprintLogFile(parseImaLog(ascii), new Blob([new Uint8Array(ascii)]), pool(), provider);
    expect(fromFile).toBe(sha256(ascii));
  });

  it('has a pool worker read and hash a binary list’s file when there is one', async () => {
    const workers = fakeWorkers();
    const withWorker = createVerifyPool({ size: 1, spawn: workers.spawn, provider: async () => provider });
    const fromFile = await fingerprintLogFile(parseImaLog(binary), new Blob([new Uint8Array(binary)]), withWorker, provider);
    expect(fromFile).toBe(sha256(binary));
    expect(workers.count()).toBe(1);
  });
});
