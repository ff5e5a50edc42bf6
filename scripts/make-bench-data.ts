/**
 * Writes the benchmark inputs into bench-data/ (git-ignored): ima-200k.bin (a boot_aggregate
 * and 200,000 ima-ng entries, ~23 MB) and ima-1m.bin (the same list continued to 1,000,000
 * entries), each with evmctl `PCR-NN: hex` files for sha1 and sha256
 * (ima-200k.pcrs-sha1.txt, …). Run: `npx tsx scripts/make-bench-data.ts [ima-200k] [ima-1m]`
 * (default both; about 2.5 s for ima-200k alone and 11 s for both on the 2-core machine, where
 * hash-wasm's per-call overhead dominates). `ima-10m` (10,000,000 entries, 1.1 GB, for the
 * app's 10M figures: BENCH_10M=1 in bench-browser.mjs) is made only when named.
 *
 * Speed matters more than realism of the digests: the 1M list is built once (the 200k list is
 * its prefix, with the PCRs snapshotted there), file digests are sha256 of the entry index,
 * and all hashing goes through the hash-wasm provider. Paths come from a seeded generator, so
 * the output is deterministic. A few violations are spread through the list.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWasmHashProvider } from '../src/core/hash/hash-provider';
import type { HashAlgorithm } from '../src/core/hash/hash-algorithm';
import type { BuildEntry, PcrBanks } from '../src/core/testing/build-ima-log';
import {
  bootAggregateEntry,
  encodeBinaryEntry,
  formatEvmctlPcrFile,
  ImaListSimulator,
} from '../src/core/testing/build-ima-log';
import { hypotheticalPlatformPcrs } from '../src/core/testing/ima-scenarios';

const OUT_DIR = fileURLToPath(new URL('../bench-data', import.meta.url));
const BANKS: readonly HashAlgorithm[] = ['sha1', 'sha256'];
/** File entries after the boot_aggregate in each output. */
const SIZES = [
  { name: 'ima-200k', files: 200_000 },
  { name: 'ima-1m', files: 1_000_000 },
  { name: 'ima-10m', files: 10_000_000, onlyWhenNamed: true },
];
/** One violation in this many file entries. */
const VIOLATION_EVERY = 49_999;

/** mulberry32: a tiny seeded PRNG, so the paths are the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIRS = [
  '/usr/bin',
  '/usr/sbin',
  '/usr/lib64',
  '/usr/libexec',
  '/usr/lib/systemd',
  '/usr/lib64/python3.13',
  '/usr/share/doc',
  '/etc',
  '/var/lib/rpm',
  '/opt/app/lib',
  '/usr/lib/modules/6.17.0/kernel/drivers/net',
];
const STEMS = 'lib sys core net ssl util crypt audit mount tss2 dbus pam z'.split(' ');
const SUFFIXES = ['.so.1', '.so.6', '.so.0.2.3', '.py', '.conf', '.ko.xz', '', '', '.pyc'];

function pathGenerator(seed: number): () => string {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  return () =>
    `${pick(DIRS)}/${pick(STEMS)}${pick(STEMS)}-${Math.floor(random() * 1000)}${pick(SUFFIXES)}`;
}

/** Buffers writes to several files; each file is closed when its list is complete. */
class ChunkWriter {
  private readonly buffer = new Uint8Array(1 << 22);
  private used = 0;
  constructor(private readonly fds: number[]) {}
  write(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flush();
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }
  /** Flushes and closes the oldest open file (files are opened shortest list first). */
  closeFirst(): void {
    this.flush();
    closeSync(this.fds.shift() as number);
  }
  private flush(): void {
    for (const fd of this.fds) writeSync(fd, this.buffer, 0, this.used);
    this.used = 0;
  }
}

function writePcrFiles(name: string, pcrs: PcrBanks): void {
  for (const bank of BANKS) {
    const text = formatEvmctlPcrFile(pcrs.get(bank) ?? new Map());
    writeFileSync(`${OUT_DIR}/${name}.pcrs-${bank}.txt`, text);
  }
}

/** Builds the lists named on the command line (default: all); the shorter ones are prefixes. */
async function main(names: readonly string[]): Promise<void> {
  const started = performance.now();
  const sizes = SIZES.filter((s) => (names.length === 0 ? s.onlyWhenNamed !== true : names.includes(s.name)));
  if (sizes.length === 0) {
    throw new Error(`unknown list; choose from ${SIZES.map((s) => s.name).join(', ')}`);
  }
  const provider = await createWasmHashProvider();
  const sha256 = provider.get('sha256');
  if (!sha256) throw new Error('no sha256');
  const initialPcrs: PcrBanks = new Map(
    BANKS.map((bank) => {
      const hasher = provider.get(bank);
      if (!hasher) throw new Error(`no ${bank}`);
      return [bank, new Map(hypotheticalPlatformPcrs(hasher).map((v, i) => [i, v]))];
    }),
  );
  const kernel = new ImaListSimulator({ provider, banks: BANKS, initialPcrs });
  mkdirSync(OUT_DIR, { recursive: true });
  const writer = new ChunkWriter(sizes.map((s) => openSync(`${OUT_DIR}/${s.name}.bin`, 'w')));
  const add = (entry: BuildEntry): void => {
    writer.write(encodeBinaryEntry(kernel.add(entry), 'sha1'));
  };

  add(bootAggregateEntry(sha256, hypotheticalPlatformPcrs(sha256)));
  const nextPath = pathGenerator(0x1a5c09e);
  const pending = [...sizes];
  for (let i = 1; pending.length > 0; i++) {
    const path = nextPath();
    // The file's "content" is its index as a little-endian u32: one cheap sha256 per file.
    const content = Uint8Array.of(i, i >>> 8, i >>> 16, i >>> 24);
    add(i % VIOLATION_EVERY === 0 ? { path, violation: true } : { path, fileDigest: { content } });
    if (i === pending[0].files) {
      writer.closeFirst();
      writePcrFiles(pending[0].name, kernel.pcrs());
      pending.shift();
    }
  }
  const ms = Math.round(performance.now() - started);
  console.log(`wrote ${sizes.map((s) => s.name).join(', ')} to ${OUT_DIR} in ${ms} ms`);
}

await main(process.argv.slice(2));
