import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { analyzeRaw } from '../analysis/analyze';
import type { RawInput } from '../analysis/analysis-types';
import type { ImaLog } from '../model/ima-log';
import type { Report } from '../report/report';
import { DEFAULT_QUERY } from '../query/filter-entries';
import { buildImaLog, bootAggregateEntry, formatEvmctlPcrFile } from '../testing/build-ima-log';
import { hypotheticalPlatformPcrs, kexecSoftReboot } from '../testing/ima-scenarios';
import { readSharedData } from '../testing/shared-data';
import { encodeText, fromBase64, toBase64 } from '../util/bytes';
import {
  decodePermalink,
  encodePermalink,
  PERMALINK_MAX_FRAGMENT_LENGTH,
  PERMALINK_MAX_LENGTH,
  type PermalinkPayload,
} from './permalink';
import { collectFindingEntries } from './permalink-entries';
import { SHRINK_STEPS } from './shrink-payload';

let provider: HashProvider;
const reports: Record<string, Report> = {};
let kexecLog: { report: Report; log: ImaLog; bytes: Uint8Array };

const swtpm = (name: string): RawInput => ({ name, bytes: readSharedData('swtpm', name) });
const realdata = (...path: string[]): RawInput => ({ name: path[path.length - 1], bytes: readSharedData('realdata', ...path) });

beforeAll(async () => {
  provider = await createWasmHashProvider();
  const run = async (inputs: RawInput[]): Promise<Report> => (await analyzeRaw(inputs, {}, provider)).report;
  reports['swtpm, everything'] = await run(
    ['binary_runtime_measurements', 'pcrread_all.yaml', 'binary_bios_measurements', 'q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pem'].map(swtpm),
  );
  // restricted cleared in ak_rsa.pub's objectAttributes (offset 6): quotes[0].akNotAttestationKey
  const unrestricted = readSharedData('swtpm', 'ak_rsa.pub').slice();
  unrestricted.set([0x00, 0x04, 0x00, 0x72], 6);
  reports['swtpm, key not an AK'] = await run([
    ...['binary_runtime_measurements', 'q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig'].map(swtpm),
    { name: 'ak.pub', bytes: unrestricted },
  ]);
  reports['swtpm, tampered PCR'] = await run([swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256_tampered.txt')]);
  reports['TDX event log'] = await run([realdata('go-eventlog', 'cos-113-intel-tdx.bin')]);
  reports['ima-verify, firmware log'] = await run([
    realdata('ima-verify', '2025-03-01', 'binary_runtime_measurements_sha256'),
    realdata('ima-verify', '2025-03-01', 'pcrs'),
    realdata('ima-verify', '2025-03-01', 'binary_bios_measurements'),
  ]);
  const sha256 = provider.get('sha256');
  if (sha256 === undefined) throw new Error('no sha256');
  const boot = () => bootAggregateEntry(sha256, hypotheticalPlatformPcrs(sha256));
  const files = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ path: `${prefix}${i}` }));
  const built = buildImaLog(
    kexecSoftReboot({ firstBoot: [boot(), ...files(5, '/usr/bin/a')], afterLoad: files(3, '/usr/sbin/x'), secondBoot: [boot(), ...files(4, '/opt/y')] }, { lose: true }),
    { provider },
  );
  const pcrs = (bank: 'sha1' | 'sha256'): RawInput => ({ name: `pcrs-${bank}.txt`, bytes: encodeText(formatEvmctlPcrFile(built.pcrs.get(bank) ?? new Map())) });
  const analysis = await analyzeRaw([{ name: 'kexec.bin', bytes: built.binary }, pcrs('sha1'), pcrs('sha256')], {}, provider);
  if (analysis.log === undefined) throw new Error('no log');
  kexecLog = { report: analysis.report, log: analysis.log, bytes: built.binary };
  reports['kexec window lost'] = analysis.report;
});

/** A fragment made by an independent compressor (zlib), as a forger would. */
function forge(content: unknown): string {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return `#r=1.${deflateRawSync(Buffer.from(text, 'utf8')).toString('base64url')}`;
}

/** The report as JSON would carry it (no undefined members). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

async function decodeOk(fragment: string): Promise<{ payload: PermalinkPayload; notes: string[] }> {
  const d = await decodePermalink(fragment);
  if (!d.ok) throw new Error(`expected a valid link, got: ${d.error}`);
  return d;
}

async function decodeError(fragment: string): Promise<string> {
  const d = await decodePermalink(fragment);
  if (d.ok) throw new Error('expected the link to be refused');
  return d.error;
}

describe('round trip: report → link → report', () => {
  it.each(['swtpm, everything', 'swtpm, key not an AK', 'swtpm, tampered PCR', 'ima-verify, firmware log', 'kexec window lost', 'TDX event log'])(
    '%s: equal, within the default budget, nothing dropped',
    async (name) => {
      const report = reports[name];
      const link = await encodePermalink({ v: 1, report });
      expect(link.fragment.startsWith('#r=1.')).toBe(true);
      expect(link.fragment).toMatch(/^#r=1\.[A-Za-z0-9_-]+$/);
      expect(link.length).toBe(link.fragment.length);
      expect(link.length).toBeLessThanOrEqual(PERMALINK_MAX_LENGTH);
      expect(link.dropped).toEqual([]);
      const { payload, notes } = await decodeOk(link.fragment);
      expect(payload.report).toStrictEqual(plain(report));
      expect(notes).toEqual([]);
    },
  );

  it('keeps why the key a quote verifies with is not an attestation key', () => {
    expect(reports['swtpm, key not an AK'].quotes?.[0].akNotAttestationKey).toMatch(/^its objectAttributes 0x00040072 /);
  });

  it('carries the view, and the entries named in findings only when asked', async () => {
    const { report, log } = kexecLog;
    const entries = collectFindingEntries(log, report);
    const named = new Set(report.findings.flatMap((f) => f.entries ?? []));
    expect(entries.map((e) => e.index)).toEqual([...named].sort((a, b) => a - b));
    const view = { selectedEntry: 6, filter: { ...DEFAULT_QUERY, search: 'usr', pcrs: [10], statuses: ['mismatch' as const] }, timeline: { start: 0, end: 12.5 } };
    const payload: PermalinkPayload = { v: 1, report, view, entries };

    const without = await decodeOk((await encodePermalink(payload)).fragment);
    expect(without.payload.entries).toBeUndefined();
    expect(without.payload.view).toStrictEqual(view);

    const withEntries = await decodeOk((await encodePermalink(payload, { includeEntries: true })).fragment);
    expect(withEntries.payload.entries).toStrictEqual(plain(entries));
    const load = withEntries.payload.entries?.find((e) => e.index === 6);
    expect(load).toMatchObject({ template: 'ima-buf', name: 'kexec_load', pcr: 10 });
  });

  it('does not change the objects it is given', async () => {
    const report = plain(reports['ima-verify, firmware log']);
    const frozen = JSON.stringify(report);
    await encodePermalink({ v: 1, report }, { maxLength: 300, redactPaths: true });
    expect(JSON.stringify(report)).toBe(frozen);
  });

  it('opens from a whole URL and from a link a chat tool broke over lines', async () => {
    const link = await encodePermalink({ v: 1, report: reports['swtpm, tampered PCR'] });
    const url = `https://imascope.example/app/?x=1${link.fragment}`;
    expect((await decodeOk(url)).payload.report).toStrictEqual(plain(reports['swtpm, tampered PCR']));
    const broken = link.fragment.replace(/(.{70})/g, '$1\n');
    expect((await decodeOk(broken)).payload.report).toStrictEqual(plain(reports['swtpm, tampered PCR']));
  });
});

describe('redactPaths', () => {
  it('replaces file names and paths with stable placeholders, in entries and in messages', async () => {
    const { report, log } = kexecLog;
    const pathy: Report = {
      ...report,
      findings: [
        ...report.findings,
        { code: 'template-hash-mismatch', severity: 'error', message: 'Compare /usr/bin/a1 and /usr/bin/a1, then \\EFI\\BOOT\\BOOTX64.EFI. Also kexec.bin.', entries: [2] },
      ],
    };
    const entries = collectFindingEntries(log, pathy);
    const link = await encodePermalink({ v: 1, report: pathy, entries, view: { filter: { ...DEFAULT_QUERY, search: '/usr/sbin' } } }, { includeEntries: true, redactPaths: true });
    expect(link.dropped).toEqual(['the table search text (it named a path)']);
    const { payload } = await decodeOk(link.fragment);
    const text = JSON.stringify(payload);
    for (const secret of ['/usr/bin/a1', '/usr/sbin', 'BOOTX64', 'kexec.bin', 'pcrs-sha1.txt']) expect(text).not.toContain(secret);
    const a1 = payload.entries?.find((e) => e.index === 2)?.name;
    expect(a1).toMatch(/^<path#\d+>$/);
    const message = payload.report.findings.at(-1)?.message;
    expect(message).toBe(`Compare ${a1} and ${a1}, then <path#${Number(/\d+/.exec(a1 ?? '')?.[0]) + 1}>. Also <path#1>.`);
    expect(payload.report.inputs[0].name).toBe('<path#1>');
    // Event names of buffer measurements and boot_aggregate describe no file and stay.
    expect(payload.entries?.find((e) => e.index === 6)?.name).toBe('kexec_load');
    expect(payload.entries?.find((e) => e.index === 0)?.name).toBe('boot_aggregate');
    // Fingerprints and findings still tell the story.
    expect(payload.report.inputs.map((i) => i.sha256)).toEqual(pathy.inputs.map((i) => i.sha256));
    expect(payload.report.findings.map((f) => f.code)).toEqual(pathy.findings.map((f) => f.code));
  });

  it('leaves words that merely contain a short name alone', async () => {
    const report: Report = {
      schema: 'imascope.report/1',
      inputs: [{ name: 'sh', kind: 'ima-binary', size: 1, sha256: '0'.repeat(64) }],
      findings: [{ code: 'pcr-mismatch', severity: 'error', message: 'sha256 PCR 10 of sh: mismatch' }],
    };
    const { payload } = await decodeOk((await encodePermalink({ v: 1, report }, { redactPaths: true })).fragment);
    expect(payload.report.findings[0].message).toBe('sha256 PCR 10 of <path#1>: mismatch');
  });
});

/** Deterministic hex noise that deflate cannot shrink (sha256 chain). */
function noise(seed: string, bytes: number): string {
  let out = '';
  let h = seed;
  while (out.length < bytes * 2) {
    h = createHash('sha256').update(h).digest('hex');
    out += h;
  }
  return out.slice(0, bytes * 2);
}

function hugeReport(): Report {
  const base = plain(reports['ima-verify, firmware log']);
  const banks = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
  const size = { sha1: 20, sha256: 32, sha384: 48, sha512: 64, sm3: 32 };
  const replay = Object.fromEntries(banks.map((b) => [b, Object.fromEntries(Array.from({ length: 24 }, (_, p) => [String(p), noise(`${b}${p}`, size[b])]))]));
  const log = base.log;
  if (log === undefined) throw new Error('no log');
  return {
    ...base,
    replay,
    log: { ...log, violations: Array.from({ length: 5000 }, (_, i) => i * 3), errors: Array.from({ length: 100 }, (_, i) => ({ offset: i * 1000, message: `bad ${noise(`e${i}`, 20)}` })) },
    findings: [
      ...base.findings,
      ...Array.from({ length: 40 }, (_, i) => ({ code: 'template-hash-mismatch' as const, severity: 'error' as const, message: `mismatch ${noise(`m${i}`, 200)}`, entries: Array.from({ length: 500 }, (_, k) => k * 7 + i) })),
      ...Array.from({ length: 40 }, (_, i) => ({ code: 'firmware-note' as const, severity: 'info' as const, message: `note ${noise(`n${i}`, 100)}` })),
    ],
  };
}

describe('length budget', () => {
  it('drops detail in the fixed order until the link fits, and says what went', async () => {
    const report = hugeReport();
    const { report: k, log } = kexecLog;
    const link = await encodePermalink(
      { v: 1, report, view: { selectedEntry: 3 }, entries: collectFindingEntries(log, k), log: toBase64(kexecLog.bytes) },
      { includeEntries: true, embedLog: true, maxLength: PERMALINK_MAX_LENGTH },
    );
    expect(link.length).toBeLessThanOrEqual(PERMALINK_MAX_LENGTH);
    const order = SHRINK_STEPS.map((s) => s.dropped);
    const positions = link.dropped.map((d) => order.indexOf(d));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(link.dropped.slice(0, 3)).toEqual(order.slice(0, 3));

    const { payload, notes } = await decodeOk(link.fragment);
    expect(notes).toEqual(link.dropped.map((d) => `The link leaves out ${d}.`));
    expect(payload.log).toBeUndefined();
    expect(payload.entries).toBeUndefined();
    // What carries the verdict survives.
    expect(payload.report.inputs).toStrictEqual(report.inputs);
    expect(payload.report.pcrChecks).toStrictEqual(report.pcrChecks);
    expect(payload.report.findings.filter((f) => f.severity === 'error').length).toBeGreaterThan(0);
    expect(payload.report.findings.every((f) => (f.entries?.length ?? 0) <= 20)).toBe(true);
  });

  it('never fails: an impossible budget still gives a link that opens', async () => {
    const link = await encodePermalink({ v: 1, report: hugeReport() }, { maxLength: 10 });
    expect(link.dropped).toEqual(expect.arrayContaining(['the info findings', 'the warning findings']));
    const { payload } = await decodeOk(link.fragment);
    expect(payload.report.findings.length).toBeLessThanOrEqual(10);
  });

  it('fits what analyze gives for a list past the schema limits (cut, noted)', async () => {
    const report = plain(reports['swtpm, tampered PCR']);
    report.findings[0].message = 'x'.repeat(20_000);
    const link = await encodePermalink({ v: 1, report }, { maxLength: 1_000_000 });
    expect(link.dropped).toEqual(['report.findings[0].message cut to 10000 characters']);
    expect((await decodeOk(link.fragment)).payload.report.findings[0].message).toHaveLength(10_000);
  });
});

describe('embedLog', () => {
  it('embeds a small log byte for byte; its SHA-256 is the input fingerprint', async () => {
    const { report, bytes } = kexecLog;
    const link = await encodePermalink({ v: 1, report, log: toBase64(bytes) }, { embedLog: true });
    expect(link.dropped).toEqual([]);
    const { payload } = await decodeOk(link.fragment);
    const log = fromBase64(payload.log ?? '');
    expect(log && Buffer.from(log).equals(Buffer.from(bytes))).toBe(true);
    expect(createHash('sha256').update(log ?? new Uint8Array()).digest('hex')).toBe(report.inputs[0].sha256);
  });

  it('leaves out a log that compresses to more than 256 KiB', async () => {
    const bytes = readSharedData('realdata', 'ima-verify', '2025-03-01', 'binary_runtime_measurements_sha256');
    const link = await encodePermalink({ v: 1, report: reports['ima-verify, firmware log'], log: toBase64(bytes) }, { embedLog: true });
    expect(link.dropped).toHaveLength(1);
    expect(link.dropped[0]).toMatch(/^the embedded log \(\d+ KiB compressed; at most 256 KiB\)$/);
    expect(link.length).toBeLessThanOrEqual(PERMALINK_MAX_LENGTH);
  });

  it('is off by default', async () => {
    const link = await encodePermalink({ v: 1, report: kexecLog.report, log: toBase64(kexecLog.bytes) });
    expect((await decodeOk(link.fragment)).payload.log).toBeUndefined();
  });
});

describe('hostile fragments', () => {
  let valid: PermalinkPayload;
  beforeAll(async () => {
    const { report, log } = kexecLog;
    const payload: PermalinkPayload = {
      v: 1,
      report: reports['swtpm, everything'],
      view: { selectedEntry: 1, filter: DEFAULT_QUERY, timeline: { start: 0, end: 5 } },
      entries: collectFindingEntries(log, report),
      log: toBase64(new Uint8Array([1, 2, 3])),
      dropped: ['something'],
    };
    valid = plain(payload);
    // The forging baseline opens.
    expect((await decodeOk(forge(valid))).payload).toStrictEqual(valid);
  });

  it.each([
    ['', /not an imascope permalink/],
    ['https://example.test/#foo=bar', /not an imascope permalink/],
    ['#r=1.', /not base64url/],
    ['#r=2.AAAA', /format 2; this imascope reads format 1/],
    ['#r=1.ab+c/d==', /not base64url/],
    ['#r=1.<script>', /not base64url/],
    ['#r=1.A', /not valid base64url/],
    ['#r=1.AAAA', /damaged or cut short/],
  ])('%j is refused with a clear message', async (fragment, message) => {
    expect(await decodeError(fragment)).toMatch(message);
  });

  it('refuses a truncated link', async () => {
    const link = await encodePermalink({ v: 1, report: reports['swtpm, everything'] });
    for (const keep of [0.25, 0.5, 0.9, 0.99]) {
      const cut = link.fragment.slice(0, Math.floor(link.fragment.length * keep));
      expect(await decodeError(cut)).toMatch(/damaged or cut short|not valid base64url/);
    }
  });

  it('refuses bytes altered in the middle without throwing', async () => {
    const link = await encodePermalink({ v: 1, report: reports['swtpm, everything'] });
    for (let k = 10; k < link.fragment.length; k += 97) {
      const c = link.fragment[k] === 'A' ? 'B' : 'A';
      const d = await decodePermalink(link.fragment.slice(0, k) + c + link.fragment.slice(k + 1));
      // A flip may survive in a hex digit; then the content must still pass the schema.
      if (d.ok) expect(d.payload.report.schema).toBe('imascope.report/1');
      else expect(d.error).toMatch(/^This permalink/);
    }
  });

  it('refuses an oversized fragment before decoding it', async () => {
    expect(await decodeError(`#r=1.${'A'.repeat(PERMALINK_MAX_FRAGMENT_LENGTH)}`)).toMatch(/characters long/);
  });

  it('stops a deflate bomb at 4 MiB', async () => {
    const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(await decodeError(`#r=1.${bomb.toString('base64url')}`)).toMatch(/expands to more than 4 MiB/);
  });

  it('refuses content that is not JSON, or JSON that is not a payload', async () => {
    expect(await decodeError(forge('{"v":1,'))).toMatch(/not JSON/);
    expect(await decodeError(forge('\u0000\u0001'))).toMatch(/not JSON/);
    expect(await decodeError(forge([1, 2]))).toMatch(/payload: expected an object/);
    expect(await decodeError(forge(null))).toMatch(/payload: expected an object/);
    expect(await decodeError(forge({ ...valid, v: 2 }))).toMatch(/payload\.v: expected 1 \(this link was made by another imascope version\)/);
    expect(await decodeError(forge({ ...valid, report: { ...valid.report, schema: 'imascope.report/2' } }))).toMatch(/report\.schema/);
  });

  /** Every node of the valid payload, replaced by a value of another type, must be refused. */
  function* mutations(value: unknown, path: (string | number)[] = []): Generator<[(string | number)[], unknown]> {
    if (path.length > 0) {
      const wrong = typeof value === 'string' ? 42 : typeof value === 'number' ? '1' : typeof value === 'boolean' ? 'true' : Array.isArray(value) ? {} : [];
      yield [path, wrong];
    }
    if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) yield* mutations(v, [...path, Array.isArray(value) ? Number(k) : k]);
    }
  }

  function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
    const copy = plain(root) as Record<string | number, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[path[path.length - 1]] = value;
    return copy;
  }

  it('refuses every field of the wrong type, naming the field', async () => {
    let count = 0;
    for (const [path, wrong] of mutations(valid)) {
      const error = await decodeError(forge(setAt(valid, path, wrong)));
      const last = path[path.length - 1];
      expect(error, path.join('.')).toContain(typeof last === 'number' ? `[${last}]` : last);
      count++;
    }
    expect(count).toBeGreaterThan(200);
  });

  it.each<[string, (p: PermalinkPayload) => void, RegExp]>([
    ['unknown finding code', (p) => void (p.report.findings[0].code = 'rm-rf' as 'violation'), /report\.findings\[0\]\.code: expected one of parse-error/],
    ['unknown severity', (p) => void (p.report.findings[0].severity = 'fatal' as 'error'), /severity: expected one of error, warning, info/],
    ['upper-case fingerprint', (p) => void (p.report.inputs[0].sha256 = p.report.inputs[0].sha256.toUpperCase()), /report\.inputs\[0\]\.sha256: expected 64 lowercase hex digits/],
    ['odd-length hex', (p) => void (p.report.pcrChecks![0].expected += 'a'), /pcrChecks\[0\]\.expected: expected lowercase hex digits in pairs/],
    ['PCR 256', (p) => void (p.report.pcrChecks![0].pcr = 256), /pcrChecks\[0\]\.pcr: expected an integer from 0 to 255/],
    ['negative index', (p) => void (p.report.findings[0].entries = [-1]), /entries\[0\]: expected an integer from 0/],
    ['fractional index', (p) => void (p.view!.selectedEntry = 1.5), /selectedEntry: expected an integer/],
    ['unknown bank', (p) => void ((p.report.replay as Record<string, unknown>).md5 = { '10': '00' }), /report\.replay\["md5"\]: expected a bank/],
    ['PCR key not a number', (p) => void ((p.report.replay!.sha1 as Record<string, string>)['1e1'] = '00'), /\["1e1"\]: expected a PCR number/],
    ['timeline backwards', (p) => void (p.view!.timeline = { start: 5, end: 1 }), /timeline\.end: expected a value not below start/],
    ['unknown sort column', (p) => void ((p.view!.filter!.sort as { column: string }).column = 'constructor'), /sort\.column: expected one of index/],
    ['message too long', (p) => void (p.report.findings[0].message = 'x'.repeat(10_001)), /message: expected at most 10000 characters/],
    ['log not base64', (p) => void (p.log = 'AAA-'), /payload\.log: expected standard base64/],
    ['a register no TDX log has', (p) => void (p.report.firmware = { ...p.report.firmware!, ccRegisters: JSON.parse('{"__proto__":"00"}') as Record<string, string> }), /ccRegisters\["__proto__"\]: expected/],
    ['key id not hex', (p) => void (p.entries = [{ ...p.entries![0], keyId: 'xyz' }]), /keyId: expected 8 lowercase hex digits/],
  ])('refuses %s', async (_, mutate, message) => {
    const p = plain(valid);
    mutate(p);
    expect(await decodeError(forge(p))).toMatch(message);
  });

  it('refuses huge arrays', async () => {
    const findings = Array.from({ length: 2001 }, () => valid.report.findings[0]);
    expect(await decodeError(forge({ ...valid, report: { ...valid.report, findings } }))).toMatch(/report\.findings: expected at most 2000 items/);
    const log = { ...valid.report.log, violations: Array.from({ length: 100_001 }, (_, i) => i) };
    expect(await decodeError(forge({ ...valid, report: { ...valid.report, log } }))).toMatch(/report\.log\.violations: expected at most 100000 items/);
  });

  it('refuses deep nesting where the schema has none, and never walks it elsewhere', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const json = JSON.stringify(valid);
    expect(await decodeError(forge(json.replace('"findings":', `"findings":${deep},"x":`)))).toMatch(/report\.findings/);
    const ignored = await decodePermalink(forge(`${json.slice(0, -1)},"extra":${deep.replace(/\[\[/g, '[{"a":[').replace(/\]\]/g, ']}]')}}`));
    // Either JSON.parse refuses such depth or the walk ignores the unknown key; never a hang or crash.
    if (ignored.ok) expect(ignored.notes).toContain('ignored unknown field(s) "extra" in payload');
    else expect(ignored.error).toMatch(/not JSON/);
  });

  it('never lets __proto__ or constructor keys reach a prototype', async () => {
    const json = JSON.stringify(valid);
    const polluted = json.slice(0, -1) + ',"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
    const d = await decodeOk(forge(polluted));
    expect(d.notes).toContain('ignored unknown field(s) "__proto__", "constructor" in payload');
    expect(Object.getPrototypeOf(d.payload)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((d.payload as unknown as Record<string, unknown>).polluted).toBeUndefined();
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      // Template names from a log: a count under such a key is plain data; anything else fails.
      const inMap = json.replace('"templates":{', `"templates":{"${key}":{"polluted":1},`);
      expect(await decodeError(forge(inMap))).toMatch(new RegExp(`templates\\["${key}"\\]: expected`));
      const counted = await decodeOk(forge(json.replace('"templates":{', `"templates":{"${key}":3,`)));
      const templates = counted.payload.report.log?.templates ?? {};
      expect(Object.hasOwn(templates, key)).toBe(true);
      expect(templates[key]).toBe(3);
      expect(Object.getPrototypeOf(templates)).toBe(Object.prototype);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('drops unknown keys with a note', async () => {
    const p = plain(valid) as unknown as Record<string, Record<string, unknown>>;
    p.report.futureField = { a: 1 };
    const d = await decodeOk(forge(p));
    expect(d.notes).toContain('ignored unknown field(s) "futureField" in report');
    expect('futureField' in d.payload.report).toBe(false);
  });
});
