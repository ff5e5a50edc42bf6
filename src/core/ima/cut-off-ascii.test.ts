// An ASCII list cut off inside its last line (the kernel ends every line with a newline) is a
// truncation at that line's offset, never a template-hash mismatch; a list that only lost its
// final newline is whole.
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { analyzeRaw } from '../analysis/analyze';
import { buildImaLog } from '../testing/build-ima-log';
import { encodeText } from '../util/bytes';
import { parseImaLog } from './parse-ima-log';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

describe('a cut-off ASCII list', () => {
  for (const bank of ['sha1', 'sha256'] as const) {
    for (const template of ['ima-ng', 'ima-sig', 'ima'] as const) {
      it(`${bank} ${template}: cut at every byte of the last line, a truncation error at its offset`, () => {
        const built = buildImaLog(
          [{ path: '/a', template }, { path: '/b', template }, { path: '/usr/bin/last', template, sig: template === 'ima-sig' ? Uint8Array.of(3, 2, 4, 1) : undefined }],
          { provider, listBank: bank },
        );
        const text = built.ascii;
        const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
        for (let cut = lastStart + 1; cut < text.length - 1; cut++) {
          const log = parseImaLog(encodeText(text.slice(0, cut)));
          expect(log.entries.length, `cut at ${cut}`).toBe(2);
          expect(log.errors.length, `cut at ${cut}`).toBe(1);
          expect(log.errors[0].offset).toBe(lastStart);
          expect(log.errors[0].message).toMatch(/cut off/);
        }
        // Only the final newline lost: the line is whole.
        const whole = parseImaLog(encodeText(text.slice(0, -1)));
        expect(whole.entries.length).toBe(3);
        expect(whole.errors).toEqual([]);
      });
    }
  }

  it('a big-endian kernel\'s list that lost its final newline stays whole (found by the fuzz suite)', () => {
    const built = buildImaLog([{ path: '/a' }, { template: 'd-ng|n-ng|iuid|imode', path: '/b' }], { provider, byteOrder: 'big' });
    const log = parseImaLog(encodeText(built.ascii.slice(0, -1)));
    expect(log.entries.length).toBe(2);
    expect(log.errors).toEqual([]);
  });

  it('a last line of an unknown template with fields stays without its newline (found by the fuzz suite)', () => {
    const built = buildImaLog([{ path: '/a' }, { template: 'd-ng|n-ng|valueOf', path: '/b' }], { provider });
    const log = parseImaLog(encodeText(built.ascii.slice(0, -1)));
    expect(log.entries.length).toBe(2);
    expect(log.errors).toEqual([]);
  });

  it('the report has a parse-error, no template-hash-mismatch', async () => {
    const built = buildImaLog([{ path: '/a' }, { path: '/usr/bin/last' }], { provider, listBank: 'sha256' });
    const text = built.ascii;
    const cut = text.indexOf('sha256:', text.indexOf('\n')) + 20;
    const report = (await analyzeRaw([{ name: 'list', bytes: encodeText(text.slice(0, cut)) }], {}, provider)).report;
    const codes = report.findings.map((f) => f.code);
    expect(codes).toContain('parse-error');
    expect(codes).not.toContain('template-hash-mismatch');
    expect(report.log?.entries).toBe(1);
    expect(report.log?.errors).toEqual([{ offset: text.indexOf('\n') + 1, message: expect.stringMatching(/^line 2 \(bytes? [\d–]+\)[ :a-z]* cut off/) }]);
  });
});
