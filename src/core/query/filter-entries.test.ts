/**
 * The table's filter and sort over lists written by the project's own builder, whose
 * entries (names, digests, key ids, PCRs) are known from their description.
 */
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import { EntryFlag, type ImaLog } from '../model/ima-log';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { imaSignature } from '../testing/ima-scenarios';
import { toHex } from '../util/bytes';
import { DEFAULT_QUERY, filterEntries, isIdentityQuery, rowOfEntry, type RowQuery } from './filter-entries';
import { compileSearch } from './name-search';
import { computeKeyIds, formatKeyId, NO_KEY_ID } from './signature-key-ids';
import { entryStatus } from './entry-status';

const ENTRIES: BuildEntry[] = [
  { path: 'boot_aggregate', fileDigest: { algorithm: 'sha256', hex: '11'.repeat(32) } },
  { path: '/usr/bin/Bash', template: 'ima-sig', sig: imaSignature(0x3a5b9c01, new Uint8Array(8)) },
  { path: '/etc/passwd', pcr: 11 },
  { path: '/usr/lib/libc.so.6', template: 'ima-sig', sig: imaSignature(0xdeadbeef, new Uint8Array(8)) },
  { path: '/var/log/racy.log', violation: true },
  { path: '/usr/bin/true', template: 'ima-sig', sig: new Uint8Array() },
];

function makeLog(): { log: ImaLog; built: ReturnType<typeof buildImaLog> } {
  const provider = createNobleHashProvider();
  const built = buildImaLog(ENTRIES, { provider });
  const log = parseImaLog(built.binary);
  verifyTemplateHashes(log, provider);
  return { log, built };
}

function run(log: ImaLog, overrides: Partial<RowQuery>): number[] {
  return [...filterEntries(log, { ...DEFAULT_QUERY, ...overrides }, { keyIds: computeKeyIds(log) })];
}

describe('filterEntries', () => {
  const { log, built } = makeLog();

  it('reads the signature key id of ima-sig entries only', () => {
    const column = computeKeyIds(log);
    const ids = [...Array(log.entries.length).keys()].map((i) => formatKeyId(column.at(i)));
    expect(ids).toEqual(['', '3a5b9c01', '', 'deadbeef', '', '']);
    expect(column.at(0)).toBe(NO_KEY_ID);
  });

  it('matches names as ASCII case-insensitive substrings', () => {
    expect(run(log, { search: 'bash' })).toEqual([1]);
    expect(run(log, { search: 'USR/' })).toEqual([1, 3, 5]);
    // A bare '/' inside makes it a path, not a regex literal.
    expect(run(log, { search: '/usr/bin/' })).toEqual([1, 5]);
    expect(run(log, { search: 'nothing-like-this' })).toEqual([]);
  });

  it('matches names by /regex/ with flags', () => {
    expect(run(log, { search: '/^\\/usr\\/bin\\//' })).toEqual([1, 5]);
    expect(run(log, { search: '/BASH$/i' })).toEqual([1]);
    expect(compileSearch('/(/').kind).toBe('invalid');
    expect(run(log, { search: '/(/' })).toEqual([]);
  });

  it('matches file and template digest prefixes, with or without an algorithm prefix', () => {
    expect(run(log, { search: '1111' })).toEqual([0]);
    expect(run(log, { search: 'sha256:111111' })).toEqual([0]);
    const digest = toHex(built.entries[2].templateDigests.get('sha1') ?? new Uint8Array());
    expect(run(log, { search: digest.slice(0, 10) })).toContain(2);
    expect(run(log, { search: digest })).toEqual([2]);
  });

  it('matches a key id given as 8 hex digits', () => {
    expect(run(log, { search: 'deadbeef' })).toEqual([3]);
    expect(run(log, { search: '3A5B9C01' })).toEqual([1]);
  });

  it('filters by PCR, template and status', () => {
    expect(run(log, { pcrs: [11] })).toEqual([2]);
    const sig = log.templates.findIndex((t) => t.name === 'ima-sig');
    expect(run(log, { templates: [sig] })).toEqual([1, 3, 5]);
    expect(entryStatus(log.entries.flags[4])).toBe('violation');
    expect(run(log, { statuses: ['violation'] })).toEqual([4]);
    expect(run(log, { statuses: ['verified'] })).toEqual([0, 1, 2, 3, 5]);
    log.entries.flags[1] |= EntryFlag.HashMismatch;
    expect(run(log, { statuses: ['mismatch', 'violation'] })).toEqual([1, 4]);
    log.entries.flags[1] &= ~EntryFlag.HashMismatch;
  });

  it('sorts by a column with ties in log order, and reverses', () => {
    expect(run(log, { sort: { column: 'index', descending: true } })).toEqual([5, 4, 3, 2, 1, 0]);
    expect(run(log, { sort: { column: 'pcr', descending: true } })).toEqual([2, 0, 1, 3, 4, 5]);
    expect(run(log, { sort: { column: 'name', descending: false } })).toEqual([2, 1, 5, 3, 4, 0]);
    expect(run(log, { sort: { column: 'keyId', descending: false } })).toEqual([1, 3, 0, 2, 4, 5]);
    expect(run(log, { sort: { column: 'status', descending: false } })[0]).toBe(4);
  });

  it('knows the identity view and where an entry sits in a view', () => {
    expect(isIdentityQuery(DEFAULT_QUERY)).toBe(true);
    expect(isIdentityQuery({ ...DEFAULT_QUERY, search: '  ' })).toBe(true);
    expect(isIdentityQuery({ ...DEFAULT_QUERY, sort: { column: 'index', descending: true } })).toBe(false);
    expect(rowOfEntry(undefined, 3, 6)).toBe(3);
    expect(rowOfEntry(undefined, 6, 6)).toBe(-1);
    expect(rowOfEntry(Int32Array.from([5, 3, 1]), 1, 6)).toBe(2);
  });
});
