/**
 * Inputs for the end-to-end specs, made at test time by the project's own list writer
 * (src/core/testing/build-ima-log.ts), so no binary is committed and every expected value
 * (names, PCRs) is known from the description.
 */
import { createNobleHashProvider } from '../src/core/hash/hash-provider';
import { buildImaLog, formatEvmctlPcrFile, type BuildEntry } from '../src/core/testing/build-ima-log';

export interface TestFile {
  readonly name: string;
  readonly mimeType: string;
  readonly buffer: Buffer;
}

export function pathOf(i: number): string {
  return `/usr/lib/test/file-${String(i).padStart(6, '0')}.so`;
}

export interface TestLog {
  readonly binary: TestFile;
  /** evmctl `PCR-NN: hex` file with the sha256 bank after the whole list. */
  readonly pcrs: TestFile;
  readonly names: readonly string[];
}

/** `count` ima-ng entries named by `pathOf`, after `before` extra entries. */
export function makeLog(count: number, before: readonly BuildEntry[] = []): TestLog {
  const entries: BuildEntry[] = [...before];
  for (let i = 0; i < count; i++) entries.push({ path: pathOf(i) });
  const built = buildImaLog(entries, { provider: createNobleHashProvider() });
  const sha256 = built.pcrs.get('sha256') ?? new Map<number, Uint8Array>();
  return {
    binary: { name: 'binary_runtime_measurements', mimeType: 'application/octet-stream', buffer: Buffer.from(built.binary) },
    pcrs: { name: 'pcrs-sha256.txt', mimeType: 'text/plain', buffer: Buffer.from(formatEvmctlPcrFile(sha256)) },
    names: built.entries.map((e) => {
      const name = e.fields.find((f) => f.id === 'n-ng')?.data ?? new Uint8Array();
      return Buffer.from(name.subarray(0, Math.max(0, name.length - 1))).toString('utf8');
    }),
  };
}

/** Not a log, a quote or a key: the first bytes of a PNG image. */
export const PNG_FILE: TestFile = {
  name: 'screenshot.png',
  mimeType: 'image/png',
  buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
};
