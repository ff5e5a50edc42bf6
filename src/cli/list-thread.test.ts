/**
 * The compare CLI's list thread (list-thread.ts, parse-worker.ts) really parses: the CLI falls
 * back to its own read whenever the thread gives nothing, so the CLI's output alone cannot
 * show that the thread works. Truth: the same file parsed on this thread by read-list.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { listFindings } from '../core/analysis/list-findings';
import { createWasmHashProvider } from '../core/hash/hash-provider';
import { sharedDataPath } from '../core/testing/shared-data';
import { parseListInThread } from './list-thread';
import { parseList, readRaw } from './read-list';

const list = (day: string, name: string): string => sharedDataPath('realdata', 'ima-verify', day, name);
const asked = process.env.IMASCOPE_COMPARE_THREAD_MIN_BYTES;

afterEach(() => {
  if (asked === undefined) delete process.env.IMASCOPE_COMPARE_THREAD_MIN_BYTES;
  else process.env.IMASCOPE_COMPARE_THREAD_MIN_BYTES = asked;
});

describe('parseListInThread', () => {
  it('gives the binary and the ASCII list as this thread parses and checks them', { timeout: 60_000 }, async () => {
    process.env.IMASCOPE_COMPARE_THREAD_MIN_BYTES = '0';
    const provider = await createWasmHashProvider();
    for (const path of [list('2025-03-08', 'binary_runtime_measurements_sha256'), list('2025-03-01', 'ascii_runtime_measurements_sha256')]) {
      const name = path;
      const here = parseList(readRaw(path));
      const findings = listFindings(here, basename(path), provider);
      const threaded = parseListInThread(path);
      expect(threaded, name).toBeDefined();
      const checked = await threaded;
      expect(checked, name).toBeDefined();
      const log = checked?.log;
      expect(log?.entries.length, name).toBe(here.entries.length);
      expect(log?.entries.template, name).toEqual(here.entries.template);
      expect(log?.entries.nameLength, name).toEqual(here.entries.nameLength);
      expect(log?.errors, name).toEqual(here.errors);
      // The checks made there: the same findings, the same verification flags (--write-policy needs them).
      expect(checked?.findings, name).toEqual(findings);
      expect(log?.entries.flags, name).toEqual(here.entries.flags);
      expect(log?.digestBank, name).toBe(here.digestBank);
    }
  });

  it('leaves small lists to the caller', () => {
    process.env.IMASCOPE_COMPARE_THREAD_MIN_BYTES = String(1 << 30);
    expect(parseListInThread(list('2025-03-08', 'binary_runtime_measurements_sha256'))).toBeUndefined();
  });
});
