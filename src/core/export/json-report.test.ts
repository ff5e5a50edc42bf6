/**
 * The streamed JSON report is byte for byte what JSON.stringify(report, null, 2) writes (the
 * independent truth), for a real policy report and for every kind of value JSON treats
 * specially; and it comes in bounded chunks.
 */
import { describe, expect, it } from 'vitest';
import { analyzeRaw } from '../analysis/analyze';
import { createNobleHashProvider } from '../hash/hash-provider';
import type { Report } from '../report/report';
import { readSharedData } from '../testing/shared-data';
import { buildImaLog } from '../testing/build-ima-log';
import { decodeText, encodeText } from '../util/bytes';
import { exportJsonReport, REPORT_CHUNK_BYTES, writeJsonReport } from './json-report';

/**
 * `value` written out; `reuse`: the writer copies each chunk and hands it back to be filled
 * again (true), or gives one of its own chunks in turn to fill next ('turns', as the CLI's
 * bank thread does).
 */
function streamed(value: unknown, reuse: boolean | 'turns' = false): { text: string; chunks: number[] } {
  const parts: Uint8Array[] = [];
  const own = [new Uint8Array(REPORT_CHUNK_BYTES), new Uint8Array(REPORT_CHUNK_BYTES)];
  let turn = 0;
  const write = (chunk: Uint8Array): boolean | Uint8Array => {
    parts.push(reuse === false ? chunk : chunk.slice());
    if (reuse !== 'turns') return reuse;
    chunk.fill(0xff); // what was handed back must be written again before it is read
    return own[++turn % own.length];
  };
  if (reuse === 'turns') writeJsonReport(value as Report, write, own[0]);
  else writeJsonReport(value as Report, write);
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { text: decodeText(all), chunks: parts.map((p) => p.length) };
}

const expected = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

describe('writeJsonReport', () => {
  it('writes a real policy report (signatures, failures, findings) as JSON.stringify does', async () => {
    const vector = (sub: string, name: string) => ({ name, bytes: readSharedData('policy', 'keylime', sub, name) });
    const raw = [vector('logs', 'combined.ascii'), vector('policies', 'policy-empty.json'), vector('keys', 'rsa2048pub.pem')];
    const { report } = await analyzeRaw(raw, {}, createNobleHashProvider());
    // Streamed first: once read, the failures are written from the rows read, not from the events.
    expect(streamed(report).text).toBe(exportJsonReport(report));
    expect(report.policy?.failures.length).toBeGreaterThan(0);
    expect(report.signatures).toBeDefined();
  });

  it('writes thousands of policy failures of every kind across chunk ends as JSON.stringify does', async () => {
    // Plain names (laid out straight into the chunk), names JSON escapes, names not ASCII or
    // not UTF-8, digests not in the policy (a stored message) and a wrong PCR, in runs and
    // mixed, long enough that failures straddle chunk ends.
    const name = (i: number): Uint8Array => {
      const path = `/usr/lib/${'x'.repeat(i % 200)}/lib-${i}.so`;
      if (i % 97 === 1) return encodeText(`${path}"quoted"`);
      if (i % 89 === 2) return encodeText(`${path}-ü`);
      if (i % 83 === 3) return Uint8Array.from([...encodeText(path), 0xff]);
      return encodeText(path);
    };
    const entries = Array.from({ length: 12_000 }, (_, i) => ({
      template: 'ima-ng',
      path: 'x',
      ...(i % 71 === 5 && { pcr: 11 }),
      extraFields: { 'n-ng': Uint8Array.from([...name(i), 0]) },
    }));
    const provider = createNobleHashProvider();
    const built = buildImaLog(entries, { provider });
    const listed = Object.fromEntries(Array.from({ length: 12_000 }, (_, i) => i).filter((i) => i % 50 === 7).map((i) => [decodeText(name(i)), ['00'.repeat(32)]]));
    const raw = [
      { name: 'list.bin', bytes: built.binary },
      { name: 'policy.json', bytes: encodeText(JSON.stringify({ digests: listed })) },
    ];
    const { report } = await analyzeRaw(raw, {}, provider);
    // Streamed first: once read, the failures are written from the rows read.
    const out = streamed(report, 'turns');
    expect(out.chunks.length).toBeGreaterThan(2);
    expect(out.text).toBe(exportJsonReport(report));
    expect(new Set(report.policy?.failures.map((f) => f.reason))).toEqual(new Set(['not-in-policy', 'digest-not-in-policy', 'wrong-pcr']));
  });

  it('escapes, leaves out and converts values exactly as JSON.stringify', () => {
    const tricky = {
      plain: '/usr/bin/ls',
      quotes: 'a "quoted" \\ back\\slash',
      controls: '\u0000\u0001\b\f\n\r\t\u001f\u007f',
      unicode: 'päth ✓ 𝄞 \ufffd',
      lone: '\ud800 and \udfff',
      numbers: [0, -0, -17, 2 ** 53, -(2 ** 53), 2 ** 60, 1e21, 1.5, -2.25e-7, Number.NaN, Number.POSITIVE_INFINITY],
      flags: [true, false, null],
      skipped: undefined,
      fn: () => 1,
      holes: [undefined, () => 2, Symbol('s'), 3],
      empty: { a: [], o: {}, nested: [[], [{}]] },
      withToJson: { toJSON: (key: string) => ({ key, at: new Date(0) }) },
      inArray: [{ toJSON: (key: string) => `index ${key}` }],
      '"key\n': 1,
      __proto__: { inherited: 'not own, not written' },
    };
    expect(streamed(tricky).text).toBe(expected(tricky));
    expect(streamed([]).text).toBe(expected([]));
    expect(streamed({}).text).toBe(expected({}));
  });

  it('hands out chunks of at most a megabyte, across strings and numbers longer than what is left of one', () => {
    const long = 'x'.repeat(3 << 20);
    const value = {
      entries: Array.from({ length: 300_000 }, (_, i) => i * 7919),
      long,
      wide: `ü${long}`,
      failures: Array.from({ length: 20_000 }, (_, i) => ({ index: i, message: `File not found in allowlist: /usr/lib/a-${i}.so` })),
      // Short strings repeat (the writer keeps them encoded), some escaped, some not ASCII, across chunk ends.
      repeated: Array.from({ length: 120_000 }, (_, i) => ['not-in-policy', 'a "quoted" one', 'ü', '\n', '\ud800', `unique ${i}`][i % 6]),
    };
    const out = streamed(value);
    expect(out.text).toBe(expected(value));
    expect(out.chunks.length).toBeGreaterThan(4);
    // A chunk handed back is filled again: what was written out of it stays as it was.
    expect(streamed(value, true).text).toBe(out.text);
    // …and so is a chunk the writer gives in turn.
    expect(streamed(value, 'turns').text).toBe(out.text);
    // Only a single string longer than a chunk is handed out whole.
    expect(out.chunks.filter((n) => n > 1 << 20).every((n) => n >= long.length)).toBe(true);
  });
});
