import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import type { ImaLog } from '../model/ima-log';
import { buildImaLog } from '../testing/build-ima-log';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { fromHex } from '../util/bytes';
import { csvField, exportCsv } from './entry-csv';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

/** Python's csv module as an independent RFC 4180 reader: CSV text → rows of cells. */
function pythonCsv(text: string): string[][] {
  const script = 'import csv,io,json,sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))';
  const run = spawnSync('python3', ['-c', script], { input: text, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[][];
}

function verified(bytes: Uint8Array): ImaLog {
  const log = parseImaLog(bytes);
  verifyTemplateHashes(log, provider);
  return log;
}

const HEADER = ['#', 'PCR', 'template', 'template digest', 'status', 'file digest algorithm', 'file digest', 'name', 'key id'];

describe('exportCsv', () => {
  it('embrave-2023-06-26: every row agrees with the kernel-written ASCII line of the entry', () => {
    const log = verified(readSharedData('realdata', 'embrave-2023-06-26', 'binary_runtime_measurements'));
    const csv = exportCsv(log, undefined);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = pythonCsv(csv);
    expect(rows[0]).toEqual(HEADER);
    const lines = readSharedText('realdata', 'embrave-2023-06-26', 'ascii_runtime_measurements').trimEnd().split('\n');
    expect(rows.length - 1).toBe(lines.length);
    lines.forEach((line, i) => {
      const [pcr, digest, template, fileDigest, name] = line.trim().split(/\s+/);
      const sep = fileDigest.lastIndexOf(':');
      // PROVENANCE.md: all 922 template hashes recompute.
      expect(rows[i + 1]).toEqual([String(i), pcr, template, digest, 'verified', fileDigest.slice(0, sep), fileDigest.slice(sep + 1), name, '']);
    });
  });

  it('writes the given rows in the given order (the filtered, sorted table)', () => {
    const log = verified(readSharedData('swtpm', 'binary_runtime_measurements'));
    const rows = pythonCsv(exportCsv(log, Int32Array.from([4, 0, 99])));
    expect(rows.map((r) => r[0])).toEqual(['#', '4', '0']);
    // swtpm/README.md: entry 4 is the measurement violation.
    expect(rows[1][4]).toBe('violation');
    expect(rows[2][7]).toBe('boot_aggregate');
  });

  it('reads the signing key id of ima-sig entries (keylime SIGNATURES: keys f3452d23, 531f4025)', () => {
    const log = verified(readSharedData('realdata', 'keylime-tests', 'test_ima_verification-SIGNATURES.ascii'));
    const rows = pythonCsv(exportCsv(log, [0, 1]));
    expect(rows.slice(1).map((r) => [r[7], r[8]])).toEqual([
      ['/usr/bin/dd', 'f3452d23'],
      ['/usr/bin/zmore', '531f4025'],
    ]);
  });

  it('quotes per RFC 4180 and defuses formula cells in entry names', () => {
    const names = ['=HYPERLINK("http://x","y")', '+1+1', '-2', '@SUM(A1)', 'a,b"c', 'line\nbreak', '\tTab', '/usr/bin/ok'];
    const built = buildImaLog(
      names.map((path) => ({ path, sig: path === '/usr/bin/ok' ? fromHex('030204a1b2c3d4000100')! : undefined, template: 'ima-sig' })),
      { provider },
    );
    const csv = exportCsv(verified(built.binary), undefined);
    const rows = pythonCsv(csv);
    expect(rows.slice(1).map((r) => r[7])).toEqual([
      `'=HYPERLINK("http://x","y")`,
      `'+1+1`,
      `'-2`,
      `'@SUM(A1)`,
      'a,b"c',
      'line\nbreak',
      `'\tTab`,
      '/usr/bin/ok',
    ]);
    expect(rows[8][8]).toBe('a1b2c3d4');
    // No line of the file starts a cell with a formula character.
    expect(csv).not.toMatch(/(^|,)[=+\-@]/m);
  });

  it('csvField: quotes only when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('x\r\ny')).toBe('"x\r\ny"');
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
    expect(csvField('')).toBe('');
  });
});
