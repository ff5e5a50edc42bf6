/**
 * The "failing" half of the compare benchmark: bench-data/ima-<size>.changed.bin, a copy of
 * ima-<size>.bin in which one file digest in CHANGE_EVERY is altered (a changed path) and one
 * path in RENAME_EVERY has a letter changed (the old path gone, a new one). Made by editing
 * the copy's bytes where the parser says the fields are, so it takes a second, not the
 * minutes of hashing a second list would; the edited entries' template digests are computed
 * again (SHA-1 of their template data), so the copy is a list a kernel could have written, as
 * after a package update, and `compare`, which checks both lists, finds nothing tampered.
 * Run: `npx tsx scripts/make-compare-pair.ts [ima-1m]` (after make-bench-data.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseImaLog } from '../src/core/ima/parse-ima-log';
import { templateDataOffset, templateDataSize } from '../src/core/model/ima-log';

const CHANGE_EVERY = 97;
const RENAME_EVERY = 1009;

export function makeComparePair(name: string): { changed: number; renamed: number } {
  const file = readFileSync(`bench-data/${name}.bin`);
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const log = parseImaLog(bytes);
  const copy = bytes.slice();
  const e = log.entries;
  let changed = 0;
  let renamed = 0;
  // Entry 0 is the boot_aggregate: left alone, as a kernel update keeps the firmware.
  const rehash = (i: number): void => {
    const at = templateDataOffset(log, i);
    // The binary record: u32 PCR, then the SHA-1 template digest (the bench lists' template hash).
    copy.set(createHash('sha1').update(copy.subarray(at, at + templateDataSize(log, i))).digest(), e.entryOffset[i] + 4);
  };
  for (let i = 1; i < e.length; i++) {
    if (i % CHANGE_EVERY === 0 && e.fileDigestLength[i] > 0) {
      copy[e.fileDigestOffset[i]] ^= 0xff;
      rehash(i);
      changed++;
    } else if (i % RENAME_EVERY === 0 && e.nameLength[i] > 1) {
      const last = e.nameOffset[i] + e.nameLength[i] - 1;
      copy[last] = copy[last] === 0x5a ? 0x59 : 0x5a; // 'Z' (or 'Y'): almost always a name no other entry has
      rehash(i);
      renamed++;
    }
  }
  writeFileSync(`bench-data/${name}.changed.bin`, copy);
  return { changed, renamed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const name of process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['ima-1m']) {
    const { changed, renamed } = makeComparePair(name);
    process.stderr.write(`bench-data/${name}.changed.bin: ${changed} digests changed, ${renamed} paths renamed\n`);
  }
}
