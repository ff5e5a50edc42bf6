import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRaw } from '../core/analysis/analyze';
import type { AnalyzeOptions, RawInput } from '../core/analysis/analysis-types';
import { exportJsonReport, writeJsonReport } from '../core/export/json-report';
import { createHashProvider } from '../core/hash/hash-provider';
import type { HashAlgorithm } from '../core/hash/hash-algorithm';
import { imaListOptions, recogniseInput } from '../core/inputs/registry';
import { buildImaLog, formatEvmctlPcrFile, type BuildEntry } from '../core/testing/build-ima-log';
import { kexecSoftReboot, numberedFiles, perBankPair, platformBootEntry } from '../core/testing/ima-scenarios';
import { hasSharedData, readSharedData, SHARED_DATA_DIR } from '../core/testing/shared-data';
import { xorshift32 } from '../core/testing/xorshift';
import { mutate, truncate } from '../core/fuzz/mutate';
import { fromHex, toHex } from '../core/util/bytes';
import { parseImaLog } from '../core/ima/parse-ima-log';
import { readKeylimeCases } from '../core/testing/keylime-vectors';
import { makeSigningKey, signImaDigest } from '../core/testing/ima-signing';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Report } from '../core/report/report';
import { withNodeBulkHashing } from './node-bulk-hashing';
import { analyzeStreaming } from './stream-list';
import { loadInputs } from '../core/analysis/load-inputs';
import { ListStream, POLICY_TO_COME } from '../core/analysis/streamed-log';
import { PolicyDryRunPass } from '../core/policy/policy-dry-run';
import { BankThread } from './bank-thread';

const provider = withNodeBulkHashing(await createHashProvider());
const dir = mkdtempSync(join(tmpdir(), 'imascope-stream-'));
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
/** One bank thread for every list, as the CLI starts one per list: it starts afresh after each. */
const thread = BankThread.start();
afterAll(() => thread?.close());

function rawInput(name: string, bytes: Uint8Array): RawInput {
  const recognised = recogniseInput(bytes, true);
  if (recognised === undefined) throw new Error(`${name}: not recognised`);
  return { name, bytes, kind: recognised.module.kind, recognised };
}

/** evmctl `PCR-NN:` files of `replay`'s values (hex per PCR, per bank). */
function pcrFiles(replay: Partial<Record<HashAlgorithm, Record<string, string>>>, tamper = false): RawInput[] {
  return Object.entries(replay).map(([bank, values]) => {
    const pcrs = new Map<number, Uint8Array>();
    for (const [pcr, hex] of Object.entries(values ?? {})) pcrs.set(Number(pcr), fromHex(hex) ?? new Uint8Array());
    if (tamper) for (const v of pcrs.values()) v[0] ^= 1;
    return rawInput(`pcrs-${bank}.txt`, encode(formatEvmctlPcrFile(pcrs)));
  });
}

/** The report as the CLI writes it (writeJsonReport: the policy's failures from their columns). */
function written(report: Report): string {
  const chunks: Uint8Array[] = [];
  writeJsonReport(report, (chunk) => void chunks.push(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

interface Outcome {
  /** Whether the streaming pass gave the report (else the model path did). */
  readonly streamed: boolean;
  readonly json: string;
}

/**
 * The CLI's two paths on one list placed at `position` among `others`: the report of the
 * streaming pass (or of the model when it declines, as the CLI then does) and the model's.
 * The pass runs twice, on this thread alone and with the bank thread extending the SHA-1 and
 * SHA-256 chains, and both must give the same outcome. `policyThread`: the second pass reads
 * the runtime policy on its thread, whatever its size (policy-thread.ts).
 */
async function bothPaths(
  name: string,
  list: Uint8Array,
  others: readonly RawInput[],
  windowBytes: number,
  position = 0,
  options: AnalyzeOptions = {},
  policyThread = false,
): Promise<{ model: string; stream: Outcome }> {
  const listInput = rawInput(name, list);
  const all = [...others];
  all.splice(position, 0, listInput);
  const modelReport = (await analyzeRaw(all, options, provider)).report;
  // Written before anything reads the failures (which makes them objects), then as JSON.stringify does.
  const modelWritten = written(modelReport);
  const model = exportJsonReport(modelReport);
  expect(modelWritten, `${name}: the model's report as the CLI writes it`).toBe(model);
  const path = join(dir, name.replace(/[^\w.-]/g, '_'));
  writeFileSync(path, list);
  const parseOptions = imaListOptions(listInput.recognised) ?? { format: 'binary' };
  const toStream = { path, name, position, parseOptions };
  const streamed = await analyzeStreaming(toStream, others, options, provider, undefined, windowBytes);
  if (streamed !== undefined) expect(written(streamed.report), `${name}: the streamed report as the CLI writes it`).toBe(model);
  const json = streamed === undefined ? model : exportJsonReport(streamed.report);
  const threaded = await withPolicyThread(policyThread, () => analyzeStreaming(toStream, others, options, provider, thread, windowBytes));
  expect(threaded === undefined, `${name}: streamed with the bank thread as without`).toBe(streamed === undefined);
  if (threaded !== undefined) expect(written(threaded.report), `${name}, with the bank thread`).toBe(json);
  return { model, stream: { streamed: streamed !== undefined, json } };
}

/** `run` with every runtime policy read on the policy thread (`on`), or as the CLI decides by size. */
async function withPolicyThread<T>(on: boolean, run: () => Promise<T>): Promise<T> {
  if (!on) return run();
  process.env.IMASCOPE_POLICY_THREAD_MIN_BYTES = '0';
  try {
    return await run();
  } finally {
    delete process.env.IMASCOPE_POLICY_THREAD_MIN_BYTES;
  }
}

/** Every binary IMA list in the shared data. */
function sharedBinaryLists(): Array<{ name: string; bytes: Uint8Array }> {
  const out: Array<{ name: string; bytes: Uint8Array }> = [];
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(SHARED_DATA_DIR, sub))) {
      const rel = sub === '' ? entry : `${sub}/${entry}`;
      if (statSync(join(SHARED_DATA_DIR, rel)).isDirectory()) walk(rel);
      else {
        const bytes = readSharedData(rel);
        if (recogniseInput(bytes, true)?.module.kind === 'ima-binary') out.push({ name: rel, bytes });
      }
    }
  };
  walk('');
  return out;
}

/** Lists built by the test simulator, with the final PCR values it computed. */
function builtLists(): Array<{ name: string; bytes: Uint8Array; pcrs: RawInput[] }> {
  const sig = Uint8Array.of(3, 2, 4, 0xa1, 0xb2, 0xc3, 0xd4, 0, 4, 1, 2, 3, 4);
  const boot = platformBootEntry(provider);
  const cases: Array<[string, BuildEntry[], Parameters<typeof buildImaLog>[1]]> = [
    ['many ima-ng', [boot, ...numberedFiles(300), { path: '/tmp/v', violation: true }, ...numberedFiles(50, '/opt/x')], { provider }],
    [
      'every template, sha256 list',
      [
        boot,
        { template: 'ima-sig', path: '/bin/signed', sig },
        { template: 'ima-buf', path: 'kernel_version', buf: '6.16.0' },
        { template: 'd-ng|n-ng|iuid|igid|imode', path: '/etc/x' },
        { template: 'ima-modsig', path: '/lib/m.ko', sig },
        { path: '/tmp/v', violation: true },
        ...numberedFiles(40),
      ],
      { provider, listBank: 'sha256' },
    ],
    ['big-endian', [boot, ...numberedFiles(60)], { provider, byteOrder: 'big' }],
    ['no boot_aggregate', numberedFiles(80), { provider }],
    ['names with spaces', [boot, ...numberedFiles(30), { path: '/opt/my file', keepSpaces: true }, ...numberedFiles(30, '/b')], { provider }],
    ['padded-sha1 kernel', [boot, ...numberedFiles(40)], { provider, extend: 'padded-sha1' }],
    // A boot_aggregate with no digest field (its report boot has no digest), and a malformed
    // signature (sig_size 256, 4 bytes follow): both paths must say the same of each.
    ['no digest field', [{ template: 'n-ng', path: 'boot_aggregate' }, ...numberedFiles(30).map((e) => ({ ...e, template: 'n-ng' }))], { provider }],
    ['a malformed signature', [boot, { template: 'ima-sig', path: '/bin/bad', sig: Uint8Array.of(3, 2, 4, 0xa1, 0xb2, 0xc3, 0xd4, 1, 0, 1, 2, 3, 4) }, ...numberedFiles(30)], { provider }],
    ['soft reboot', kexecSoftReboot({ firstBoot: [boot, ...numberedFiles(20)], afterLoad: numberedFiles(5, '/l'), secondBoot: [boot, ...numberedFiles(20, '/n')] }), { provider }],
  ];
  const lists = cases.map(([name, entries, options]) => {
    const built = buildImaLog(entries, options);
    const pcrs = [...built.pcrs].map(([bank, values]) => rawInput(`pcrs-${bank}.txt`, encode(formatEvmctlPcrFile(values))));
    return { name, bytes: built.binary, pcrs };
  });
  const pair = perBankPair(provider, [boot, ...numberedFiles(30)], { index: 5, path: '/edited', recomputeDigest: false });
  lists.push({ name: 'per-bank sha256 list, one entry edited', bytes: pair.sha256List, pcrs: [] });
  return lists;
}

describe('analyze by a streaming pass (stream-list.ts)', () => {
  it('gives the model path report byte for byte on every binary list of the shared data', { timeout: 120_000 }, async () => {
    if (!hasSharedData()) return;
    const lists = sharedBinaryLists();
    expect(lists.length).toBeGreaterThan(5);
    let streamed = 0;
    for (const { name, bytes } of lists) {
      const bare = await bothPaths(name, bytes, [], 512);
      expect(bare.stream.json, name).toBe(bare.model);
      const replay = (JSON.parse(bare.model) as { replay?: Partial<Record<HashAlgorithm, Record<string, string>>> }).replay ?? {};
      for (const [pcrs, position] of [[pcrFiles(replay), 0], [pcrFiles(replay), 2], [pcrFiles(replay, true), 1]] as const) {
        for (const windowBytes of [300, 4096, 1 << 22]) {
          const r = await bothPaths(name, bytes, pcrs, windowBytes, Math.min(position, pcrs.length));
          expect(r.stream.json, `${name} with ${pcrs.length} PCR files, window ${windowBytes}`).toBe(r.model);
          if (r.stream.streamed) streamed++;
        }
      }
    }
    // The pass served the lists that need no model; a test where it always declined would prove nothing.
    expect(streamed).toBeGreaterThan(lists.length);
  });

  it('streams the swtpm list with its PCR values, in windows smaller than one entry up to the whole list', { timeout: 60_000 }, async () => {
    if (!hasSharedData()) return;
    const list = readSharedData('swtpm', 'binary_runtime_measurements');
    const pcrs = [rawInput('evmctl_pcrs_sha256.txt', readSharedData('swtpm', 'evmctl_pcrs_sha256.txt'))];
    for (const windowBytes of [400, 1000, 1 << 16]) {
      const r = await bothPaths('binary_runtime_measurements', list, pcrs, windowBytes, 0, { banks: ['sha256'] });
      expect(r.stream.streamed).toBe(true);
      expect(r.stream.json).toBe(r.model);
    }
    // An entry longer than the window: the pass declines, the model gives the report.
    expect((await bothPaths('binary_runtime_measurements', list, pcrs, 64)).stream.streamed).toBe(false);
  });

  it('gives the model path report on simulated lists: every template, both byte orders, reboots, edits', { timeout: 120_000 }, async () => {
    let streamed = 0;
    for (const { name, bytes, pcrs } of builtLists()) {
      for (const [others, windowBytes] of [[[], 700], [pcrs, 700], [pcrs, 5000], [pcrs, 1 << 22]] as const) {
        const r = await bothPaths(name, bytes, others, windowBytes);
        expect(r.stream.json, `${name}, ${others.length} PCR files, window ${windowBytes}`).toBe(r.model);
        if (r.stream.streamed) streamed++;
      }
    }
    expect(streamed).toBeGreaterThan(10);
  });

  it('with the bank thread, extends chains longer than one batch to the same report, window by window or in one', { timeout: 120_000 }, async () => {
    expect(thread).toBeDefined();
    const built = buildImaLog([platformBootEntry(provider), ...numberedFiles(40_000), { path: '/tmp/v', violation: true }], { provider });
    const pcrs = [...built.pcrs].map(([bank, values]) => rawInput(`pcrs-${bank}.txt`, encode(formatEvmctlPcrFile(values))));
    const before = thread?.batchesSent ?? 0;
    for (const windowBytes of [100_000, 1 << 23]) {
      const r = await bothPaths('long.bin', built.binary, pcrs, windowBytes);
      expect(r.stream.streamed).toBe(true);
      expect(r.stream.json).toBe(r.model);
    }
    // Two banks, 40,002 entries in batches of 32,768: two batches each at least, each time.
    expect((thread?.batchesSent ?? 0) - before).toBeGreaterThanOrEqual(8);
  });

  it('declines (the model path then gives the report) when the bank thread has ended', async () => {
    const ended = BankThread.start();
    expect(ended).toBeDefined();
    await ended?.close();
    const { bytes, pcrs } = builtLists()[0];
    const path = join(dir, 'ended.bin');
    writeFileSync(path, bytes);
    const parseOptions = imaListOptions(rawInput('ended.bin', bytes).recognised) ?? { format: 'binary' };
    expect(await analyzeStreaming({ path, name: 'ended.bin', position: 0, parseOptions }, pcrs, {}, provider, ended, 700)).toBeUndefined();
    expect(await analyzeStreaming({ path, name: 'ended.bin', position: 0, parseOptions }, pcrs, {}, provider, undefined, 700)).toBeDefined();
  });

  it('gives the model path report on damaged lists: truncated, bytes changed, length words broken', { timeout: 120_000 }, async () => {
    const built = builtLists()[0];
    const rng = xorshift32(14);
    const damaged = [
      truncate(built.bytes, built.bytes.length - 7),
      truncate(built.bytes, Math.floor(built.bytes.length / 2)),
      ...Array.from({ length: 40 }, () => mutate(rng, built.bytes)),
    ];
    for (const m of damaged) {
      if (recogniseInput(m.bytes, true)?.module.kind !== 'ima-binary') continue;
      for (const windowBytes of [900, 1 << 22]) {
        const r = await bothPaths('damaged.bin', m.bytes, built.pcrs, windowBytes);
        expect(r.stream.json, `${m.what} at ${m.at}, window ${windowBytes}`).toBe(r.model);
      }
    }
  });

  it('judges a runtime policy, its excludes and keys in the pass: every Keylime vector, both modes, in small windows', { timeout: 300_000 }, async () => {
    if (!hasSharedData()) return;
    const file = (...p: string[]): RawInput => rawInput(p[p.length - 1], readSharedData('policy', 'keylime', ...p));
    const emptyKeyring = rawInput('empty-keyring.json', encode('{"pubkeys": [], "keyids": []}'));
    let streamed = 0;
    let runs = 0;
    for (const c of readKeylimeCases()) {
      const others = [
        ...(c.policy === null ? [] : [file('policies', c.policy)]),
        ...(c.keys ?? []).map((k) => file('keys', k)),
        ...(c.keys?.length === 0 ? [emptyKeyring] : []),
      ];
      if (others.length === 0) continue;
      const list = binaryOf(readSharedData('policy', 'keylime', 'logs', c.log));
      for (const keylimeCompat of [true, false]) {
        for (const windowBytes of [300, 1000, 1 << 22]) {
          // The policy read on its thread once per vector and mode (a thread's boot under tsx costs ~0.5 s).
          const r = await bothPaths(`${c.log}.bin`, list, others, windowBytes, 0, { keylimeCompat }, windowBytes === 1000);
          expect(r.stream.json, `${c.log} + ${c.policy ?? '-'} + ${(c.keys ?? []).join(',')}, compat ${keylimeCompat}, window ${windowBytes}`).toBe(r.model);
          runs++;
          if (r.stream.streamed) streamed++;
        }
      }
    }
    // Only bad-signatures.ascii (malformed signatures) needs the model.
    expect(streamed).toBeGreaterThan(runs / 2);
    // Every log with every policy form (and an exclude list), with and without keys.
    const logs = ['measurements.ascii', 'signatures.ascii', 'keyrings-ima-buf.ascii', 'combined.ascii', 'bad-signatures.ascii'];
    const policies = [
      ...['policy-test.json', 'policy-with-excludes.json', 'policy-wrong-with-excludes.json', 'runtime-policy-test-signed.json', 'policy-with-verification-keys.json', 'policy-empty.json'].map((p) => [file('policies', p)]),
      [file('policies', 'policy-test.json'), file('convert', 'excludelist.txt')],
      [file('convert', 'ima-allowlist-short.txt')],
      [file('convert', 'legacy-allowlist.json')],
    ];
    const keySets = [[], [file('keys', 'tenant-keyring.json')], [file('keys', 'rsa2048pub.pem'), file('keys', 'ima-keyring-cert.der')]];
    for (const log of logs) {
      const list = binaryOf(readSharedData('policy', 'keylime', 'logs', log));
      for (const policy of policies) {
        for (const keys of keySets) {
          for (const keylimeCompat of [true, false]) {
            const r = await bothPaths(`${log}.bin`, list, [...policy, ...keys], 500, 1, { keylimeCompat });
            expect(r.stream.json, `${log} + ${policy.map((p) => p.name).join(',')} + ${keys.map((k) => k.name).join(',')}, compat ${keylimeCompat}`).toBe(r.model);
          }
        }
      }
    }
  });

  it('judges signed lists in the pass: keys given, learned from the .ima keyring entry, a policy that fails most entries', { timeout: 120_000 }, async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'imascope-stream-keys-'));
    const rsa = makeSigningKey(keyDir, 'rsa', 'rsa-signer');
    const measured = makeSigningKey(keyDir, 'ec', 'in-ima-keyring');
    const stranger = makeSigningKey(keyDir, 'rsa', 'not-given');
    const cert = new Uint8Array(readFileSync(measured.certDerPath));
    const digestOf = (s: string) => sha256(encode(s));
    const signed = (n: number, key: typeof rsa, tamper = false): BuildEntry[] =>
      Array.from({ length: n }, (_, k) => ({ template: 'ima-sig', path: `/usr/bin/s${k}`, fileDigest: { content: tamper && k % 3 === 0 ? 'changed' : `s${k}` }, sig: signImaDigest(key, digestOf(`s${k}`)) }));
    const built = buildImaLog(
      [
        platformBootEntry(provider),
        ...signed(12, rsa, true),
        ...numberedFiles(40),
        { template: 'ima-buf', path: '.ima', buf: cert },
        ...signed(6, measured),
        ...signed(4, stranger),
        { template: 'ima-sig', path: '/usr/bin/unsigned', fileDigest: { content: 'u' } },
        { template: 'ima-buf', path: 'kernel_version', buf: '6.16.0' },
        ...numberedFiles(30, '/opt/x'),
      ],
      { provider },
    );
    const policy = (keyrings: boolean) =>
      rawInput(
        'policy.json',
        encode(
          JSON.stringify({
            meta: { version: 1, generator: 0 },
            release: 0,
            digests: { '/usr/bin/unsigned': [toHex(digestOf('u'))], '/opt/x/file-3': ['00'.repeat(32)] },
            excludes: ['/opt/x/file-1'],
            keyrings: keyrings ? { '.ima': [toHex(sha256(cert))] } : {},
            ima: { ignored_keyrings: [], log_hash_alg: 'sha1', dm_policy: null },
            'ima-buf': {},
            'verification-keys': '',
          }),
        ),
      );
    const rsaKey = rawInput('rsa.pem', new Uint8Array(readFileSync(rsa.certPemPath)));
    let streamed = 0;
    for (const others of [[policy(true), rsaKey], [policy(false), rsaKey], [policy(true)], [rsaKey]]) {
      for (const keylimeCompat of [true, false]) {
        for (const windowBytes of [600, 3000, 1 << 22]) {
          const pcrs = [...built.pcrs].map(([bank, values]) => rawInput(`pcrs-${bank}.txt`, encode(formatEvmctlPcrFile(values))));
          const r = await bothPaths('signed.bin', built.binary, pcrs.concat(others), windowBytes, 0, { keylimeCompat }, windowBytes === 600);
          expect(r.stream.json, `${others.map((o) => o.name).join(',')}, compat ${keylimeCompat}, window ${windowBytes}`).toBe(r.model);
          if (r.stream.streamed) streamed++;
        }
      }
    }
    expect(streamed).toBe(24);
  });
});

describe('a runtime policy read on its thread (policy-thread.ts) while the first windows are held', () => {
  const boot = platformBootEntry(provider);
  const built = buildImaLog([boot, ...numberedFiles(200), { path: '/tmp/v', violation: true }, ...numberedFiles(100, '/opt/x')], { provider });
  const listPcrs = [...built.pcrs].map(([bank, values]) => rawInput(`pcrs-${bank}.txt`, encode(formatEvmctlPcrFile(values))));
  const policyOf = (text: string): RawInput => ({ name: 'policy.json', bytes: encode(text), kind: 'runtime-policy' });
  const digests = Object.fromEntries(Array.from({ length: 150 }, (_, k) => [`/usr/bin/tool${k}`, [k % 7 === 0 ? '00'.repeat(32) : toHex(sha256(encode(`/usr/bin/tool${k}`)))]]));
  const good = policyOf(JSON.stringify({ digests, excludes: ['/opt/x1'], keyrings: {}, ima: { ignored_keyrings: [], log_hash_alg: 'sha1', dm_policy: null } }));

  it('judges the windows held, whichever window the policy comes after, as if it had been there from the first', async () => {
    const loaded = await loadInputs([good], provider);
    const parseOptions = imaListOptions(recogniseInput(built.binary, true)) ?? { format: 'binary' as const };
    /** The dry run of the list pushed in windows of 700 bytes, the policy given before window `at` (or from the start). */
    const judged = async (at: number | 'start'): Promise<unknown> => {
      const pass = new PolicyDryRunPass(loaded.policyInputs, {}, provider, 100);
      const stream = new ListStream(parseOptions, provider, ['sha256'], undefined, at === 'start' ? pass : POLICY_TO_COME);
      let window = 0;
      for (let offset = 0; ; window++) {
        if (window === at) stream.startPolicy(pass);
        expect(stream.holdsWindows).toBe(at !== 'start' && window < at);
        const end = Math.min(built.binary.length, offset + 700);
        // Bytes of its own for each window, as readWindows gives a window held.
        const consumed = stream.push(built.binary.slice(offset, end), end === built.binary.length);
        if (end === built.binary.length) break;
        offset += consumed;
      }
      if (stream.holdsWindows) stream.startPolicy(pass);
      const log = await stream.finish({ name: 'list', size: built.binary.length, sha256: '', kind: 'ima-binary' });
      const run = log?.policy?.finish();
      return { policy: run?.policy, findings: run?.findings, column: run?.policyColumn };
    };
    const fromTheStart = await judged('start');
    expect(fromTheStart).toMatchObject({ policy: { failed: expect.any(Number) as number } });
    for (const at of [0, 1, 5, 20, 1000]) expect(await judged(at), `policy before window ${at}`).toEqual(fromTheStart);
  });

  it('gives the model path report for good policies and for those it cannot read (refused, the file and place named)', { timeout: 60_000 }, async () => {
    const bad = [
      policyOf('{"digests": {"/usr/bin/tool1": '),
      policyOf('{"digests": {"/usr/bin/tool1": "d33d"}, "excludes": []}'),
      policyOf('{"payload": "not base64!"}'),
      policyOf(`${'\ufeff'}{"digests": {}}`),
    ];
    for (const others of [[good], ...bad.map((p) => [p]), [good, policyOf('{"digests": {}}')]]) {
      for (const windowBytes of [500, 1 << 22]) {
        const r = await bothPaths('list.bin', built.binary, [...listPcrs, ...others], windowBytes, 1, {}, true);
        expect(r.stream.json, `${new TextDecoder().decode(others[0].bytes).slice(0, 40)}, window ${windowBytes}`).toBe(r.model);
        expect(r.stream.streamed).toBe(true);
      }
    }
  });
});

/** A list as the binary the kernel would have written: the ASCII parser re-encodes each line so. */
function binaryOf(ascii: Uint8Array): Uint8Array {
  const log = parseImaLog(ascii, { format: 'ascii' });
  expect(log.errors).toEqual([]);
  const n = log.entries.length;
  return log.bytes.bytes.slice(0, log.entries.entryOffset[n - 1] + log.entries.entrySize[n - 1]);
}
