/**
 * The display filter over a built list, against answers computed independently: each entry
 * is decoded field by field (decodeEntry) and the expected matches come from plain loops
 * over those decoded values and over what the builder was asked to write. The signature and
 * policy verdicts are fake columns (their checks are not wired yet), as are the boots,
 * kexec records and parse errors the analysis would find.
 */
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { decodeEntry } from '../ima/decode/decode-entry';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import type { ImaLog } from '../model/ima-log';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { imaSignature, numberedFiles } from '../testing/ima-scenarios';
import { xorshift32 } from '../testing/xorshift';
import { PolicyCode, SignatureCode, type EntryVerdicts } from './entry-verdicts';
import { compileFilter, type EntryEvents } from './filter-compile';
import { DEFAULT_QUERY, filterEntries, FilterTimeout } from './filter-entries';
import { parseFilter } from './filter-parse';
import { computeKeyIds } from './signature-key-ids';

const N = 400;
const TEMPLATES = ['ima-ng', 'ima-sig', 'ima-ngv2', 'ima-sigv2', 'ima-buf'];
const PATHS = ['/usr/bin/bash', '/usr/lib/libc.so.6', '/usr/lib/modules/e1000.ko', '/etc/passwd', 'constructor', '__proto__', '/usr/lib/python3/Lib.py', '/usr/lib/libz.so'];
const ALGS = ['sha1', 'sha256', 'sha512'];
const KEY_IDS = [0x3a5b9c01, 0xdeadbeef, 0x00000abc];

interface Spec extends BuildEntry {
  readonly corrupt: boolean;
}

function makeSpecs(): Spec[] {
  const next = xorshift32(15);
  const pick = <T,>(list: readonly T[]): T => list[next() % list.length];
  const specs: Spec[] = [];
  for (let i = 0; i < N; i++) {
    const boot = i === 0 || i === 150 || i === 310;
    const template = boot ? 'ima-ng' : pick(TEMPLATES);
    const path = boot ? 'boot_aggregate' : `${pick(PATHS)}${next() % 3 === 0 ? `.${i}` : ''}`;
    const signed = template.startsWith('ima-sig') && next() % 3 !== 0;
    const violation = !boot && next() % 20 === 0;
    specs.push({
      template,
      path,
      pcr: boot ? 10 : pick([10, 10, 10, 11, 12]),
      ...(template === 'ima-buf' ? { buf: `buffer ${i}` } : { fileDigest: { content: `${path}#${i}`, algorithm: pick(ALGS) } }),
      ...(signed ? { sig: imaSignature(pick(KEY_IDS), new Uint8Array(4)) } : {}),
      violation,
      corruptTemplateDigest: !violation && next() % 25 === 0,
      corrupt: false,
    });
  }
  return specs.map((s) => ({ ...s, corrupt: s.corruptTemplateDigest === true }));
}

/** Everything the truth functions read, decoded without the filter's column readers. */
interface Row {
  readonly index: number;
  readonly pcr: number;
  readonly template: string;
  readonly name: string;
  readonly alg: string;
  readonly digest: string;
  readonly tdigest: string;
  readonly keyid: string;
  readonly size: number;
  readonly boot: number;
  readonly sig: string;
  readonly policy: string;
  readonly kexec: string;
  readonly violation: boolean;
  readonly mismatch: boolean;
  readonly parseError: boolean;
}

const SIG_NAMES = Object.keys(SignatureCode);
const POLICY_NAMES = Object.keys(PolicyCode);

function setup() {
  const provider = createNobleHashProvider();
  const specs = makeSpecs();
  const log: ImaLog = parseImaLog(buildImaLog(specs, { provider }).binary);
  verifyTemplateHashes(log, provider);
  const next = xorshift32(99);
  const verdicts: EntryVerdicts = {
    signature: Uint8Array.from({ length: N }, () => next() % 5),
    policy: Uint8Array.from({ length: N }, () => next() % 4),
  };
  const kexecLoads = [40, 200];
  const kexecExecutes = [41, 201];
  const parseErrors = [5, 77];
  const events: EntryEvents = {
    boots: Int32Array.from(specs.flatMap((s, i) => (s.path === 'boot_aggregate' ? [i] : []))),
    kexecLoads: Int32Array.from(kexecLoads),
    kexecExecutes: Int32Array.from(kexecExecutes),
    parseErrors: Int32Array.from(parseErrors),
  };
  let boot = -1;
  const rows: Row[] = specs.map((spec, i) => {
    const d = decodeEntry(log, i);
    if (d.fields.some((f) => f.kind === 'name' && f.text === 'boot_aggregate')) boot++;
    const digest = d.fields.find((f) => f.kind === 'digest');
    const name = d.fields.find((f) => f.kind === 'name');
    const sig = d.fields.find((f) => f.kind === 'signature');
    return {
      index: i,
      pcr: d.pcr,
      template: d.template,
      name: name?.kind === 'name' ? name.text : '',
      alg: digest?.kind === 'digest' ? digest.algorithm : '',
      digest: digest?.kind === 'digest' ? digest.digest : '',
      tdigest: d.templateDigest,
      keyid: sig?.kind === 'signature' ? (sig.signature?.keyId ?? '') : '',
      size: d.fields.reduce((n, f) => n + 4 + f.length, 0),
      boot: Math.max(0, boot),
      sig: SIG_NAMES[verdicts.signature?.[i] ?? 0],
      policy: POLICY_NAMES[verdicts.policy?.[i] ?? 0],
      kexec: kexecLoads.includes(i) ? 'load' : kexecExecutes.includes(i) ? 'execute' : 'none',
      violation: spec.violation === true,
      mismatch: spec.corrupt,
      parseError: parseErrors.includes(i),
    };
  });
  return { log, rows, columns: { keyIds: computeKeyIds(log), verdicts, events } };
}

describe('compileFilter', () => {
  const { log, rows, columns } = setup();

  const matching = (text: string): number[] => {
    const parsed = parseFilter(text);
    if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
    const predicate = compileFilter(parsed.node, log, columns);
    return rows.filter((r) => predicate(r.index)).map((r) => r.index);
  };
  const expected = (test: (r: Row) => boolean): number[] => rows.filter(test).map((r) => r.index);
  const some = <T,>(list: readonly T[]): T => {
    const found = list.find((x) => x !== undefined && x !== '');
    if (found === undefined) throw new Error('the built list lacks a value this test needs');
    return found;
  };

  it('has the variety the cases below rely on', () => {
    for (const t of TEMPLATES) expect(rows.some((r) => r.template === t)).toBe(true);
    expect(rows.filter((r) => r.violation).length).toBeGreaterThan(3);
    expect(rows.filter((r) => r.mismatch).length).toBeGreaterThan(3);
    expect(rows.filter((r) => r.keyid === 'deadbeef').length).toBeGreaterThan(3);
    expect(rows[N - 1].boot).toBe(2);
  });

  const cases: [string, (r: Row) => boolean][] = [
    ['pcr==10 && template==ima-sig', (r) => r.pcr === 10 && r.template === 'ima-sig'],
    ['pcr in {11 12}', (r) => r.pcr === 11 || r.pcr === 12],
    ['pcr != 10', (r) => r.pcr !== 10],
    ['index >= 100 and index < 150 or pcr == 12', (r) => (r.index >= 100 && r.index < 150) || r.pcr === 12],
    ['index <= 3 || index > 396', (r) => r.index <= 3 || r.index > 396],
    ['index in {1..4, 9}', (r) => (r.index >= 1 && r.index <= 4) || r.index === 9],
    ['not (template contains sig)', (r) => !r.template.includes('sig')],
    ['!template matches "v2$" && pcr == 10', (r) => !/v2$/i.test(r.template) && r.pcr === 10],
    ['template in {ima-buf ima-ngv2}', (r) => r.template === 'ima-buf' || r.template === 'ima-ngv2'],
    ['name contains "/usr/lib"', (r) => r.name.includes('/usr/lib')],
    ['path matches "\\.so(\\.[0-9]+)?$"', (r) => /\.so(\.[0-9]+)?$/i.test(r.name)],
    ['name ~ LIB', (r) => /lib/i.test(r.name)],
    ['name == constructor', (r) => r.name === 'constructor'],
    ['name in {__proto__ constructor}', (r) => r.name === '__proto__' || r.name === 'constructor'],
    ['constructor', (r) => r.name.toLowerCase().includes('constructor')],
    ['BASH', (r) => r.name.toLowerCase().includes('bash')],
    ['alg == sha512', (r) => r.alg === 'sha512'],
    ['alg == sha256 and template == ima-ngv2', (r) => r.alg === 'sha256' && r.template === 'ima-ngv2'],
    ['alg contains sha', (r) => r.alg.includes('sha')],
    ['tdigest matches "^0"', (r) => r.tdigest.startsWith('0')],
    ['keyid == deadbeef', (r) => r.keyid === 'deadbeef'],
    ['keyid == abc', (r) => r.keyid === '00000abc'],
    ['keyid', (r) => r.keyid !== ''],
    ['not keyid and template contains sig', (r) => r.keyid === '' && r.template.includes('sig')],
    ['keyid contains 5b9c', (r) => r.keyid.includes('5b9c')],
    ['sig == valid', (r) => r.sig === 'valid'],
    ['sig in {invalid unknown-key}', (r) => r.sig === 'invalid' || r.sig === 'unknown-key'],
    ['sig', (r) => r.sig !== 'none' && r.sig !== 'unsigned'],
    ['policy == fail', (r) => r.policy === 'fail'],
    ['policy', (r) => r.policy !== 'none'],
    ['policy != pass and sig == unsigned', (r) => r.policy !== 'pass' && r.sig === 'unsigned'],
    ['boot == 1', (r) => r.boot === 1],
    ['boot > 0 and pcr == 11', (r) => r.boot > 0 && r.pcr === 11],
    ['status == violation', (r) => r.violation],
    ['status == hash-mismatch', (r) => r.mismatch],
    ['status == parse-error', (r) => r.parseError],
    ['status == ok', (r) => !r.violation && !r.mismatch && !r.parseError],
    ['status != ok', (r) => r.violation || r.mismatch || r.parseError],
    ['status in {violation hash-mismatch}', (r) => r.violation || r.mismatch],
    ['status == byte-order', () => false],
    ['size > 120', (r) => r.size > 120],
    ['size <= 100', (r) => r.size <= 100],
    ['kexec', (r) => r.kexec !== 'none'],
    ['kexec == execute', (r) => r.kexec === 'execute'],
    ['kexec == none', (r) => r.kexec === 'none'],
  ];
  it.each(cases)('%s', (text, test) => {
    expect(matching(text)).toEqual(expected(test));
  });

  it('compares whole digests, with or without the algorithm, and hex anywhere with contains', () => {
    const row = rows.find((r) => r.alg === 'sha256' && r.template === 'ima-ng');
    if (row === undefined) throw new Error('no sha256 ima-ng entry');
    expect(matching(`digest == ${row.digest}`)).toEqual(expected((r) => r.digest === row.digest));
    expect(matching(`digest == sha256:${row.digest.toUpperCase()}`)).toEqual(expected((r) => r.digest === row.digest && r.alg === 'sha256'));
    expect(matching(`digest == sha1:${row.digest}`)).toEqual([]);
    expect(matching(`digest == ${row.digest.slice(0, 10)}`)).toEqual([]);
    // Odd nibble offset: hex text, not bytes.
    const piece = row.digest.slice(7, 12);
    expect(matching(`digest contains ${piece}`)).toEqual(expected((r) => r.digest.includes(piece)));
    const t = some(rows.map((r) => r.tdigest));
    expect(matching(`tdigest == ${t}`)).toEqual(expected((r) => r.tdigest === t));
    expect(matching(`tdigest contains ${t.slice(3, 9)}`)).toEqual(expected((r) => r.tdigest.includes(t.slice(3, 9))));
    expect(matching(`digest matches "^${row.digest.slice(0, 3)}"`)).toEqual(expected((r) => r.digest.startsWith(row.digest.slice(0, 3))));
  });

  it('reads absent verdict columns as none: nothing is valid or passing', () => {
    const parsed = parseFilter('sig == valid or policy == pass or sig or policy');
    if (!parsed.ok) throw new Error(parsed.error.message);
    const bare = compileFilter(parsed.node, log, { keyIds: columns.keyIds });
    expect(rows.filter((r) => bare(r.index))).toEqual([]);
    const none = parseFilter('sig == none and policy == none');
    if (!none.ok) throw new Error(none.error.message);
    const all = compileFilter(none.node, log, { keyIds: columns.keyIds });
    expect(rows.every((r) => all(r.index))).toBe(true);
  });

  it('filters through filterEntries with the selects, and a syntax error matches nothing', () => {
    const shown = [...filterEntries(log, { ...DEFAULT_QUERY, search: 'template contains sig', pcrs: [10] }, columns)];
    expect(shown).toEqual(expected((r) => r.template.includes('sig') && r.pcr === 10));
    expect([...filterEntries(log, { ...DEFAULT_QUERY, search: 'pcr ==' }, columns)]).toEqual([]);
  });

  it('stops a filter that runs past its time budget', () => {
    const provider = createNobleHashProvider();
    const long = parseImaLog(buildImaLog(numberedFiles(4200), { provider }).binary);
    let clock = 0;
    const slowClock = { ms: 500, now: (): number => (clock += 1000) };
    const query = { ...DEFAULT_QUERY, search: 'name ~ tool' };
    expect(() => filterEntries(long, query, { keyIds: computeKeyIds(long) }, slowClock)).toThrow(FilterTimeout);
    expect(filterEntries(long, query, { keyIds: computeKeyIds(long) }).length).toBe(4200);
    // A bare /search/ is a regular expression too.
    expect(() => filterEntries(long, { ...DEFAULT_QUERY, search: '/tool\\d/' }, { keyIds: computeKeyIds(long) }, slowClock)).toThrow(FilterTimeout);
  });

  it('does not stop a scan without a regular expression, however long it runs (it is linear)', () => {
    const provider = createNobleHashProvider();
    const long = parseImaLog(buildImaLog(numberedFiles(4200), { provider }).binary);
    let clock = 0;
    const slowClock = { ms: 500, now: (): number => (clock += 1000) };
    for (const search of ['tool', 'name contains tool', 'not name contains nothing && pcr == 10']) {
      expect(filterEntries(long, { ...DEFAULT_QUERY, search }, { keyIds: computeKeyIds(long) }, slowClock).length, search).toBe(4200);
    }
  });
});
