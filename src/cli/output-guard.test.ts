import { describe, expect, it } from 'vitest';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { sharedDataPath } from '../core/testing/shared-data';
import { outputRefusal } from './output-guard';

const swtpm = (name: string): string => sharedDataPath('swtpm', name);

describe('outputRefusal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imascope-guard-'));
  const list = join(dir, 'binary_runtime_measurements');
  copyFileSync(swtpm('binary_runtime_measurements'), list);

  it('refuses an output that is one of the inputs, however it is spelled', () => {
    expect(outputRefusal('--html', list, [list])).toMatch(/also an input file; not overwritten/);
    expect(outputRefusal('--html', relative(process.cwd(), list), [list])).toMatch(/also an input file/);
    mkdirSync(join(dir, 'sub'), { recursive: true });
    expect(outputRefusal('--html', join(dir, 'sub', '..', 'binary_runtime_measurements'), [list])).toMatch(/also an input file/);
  });

  it('refuses the same file on disk under another name (hard link, symlink)', () => {
    const hard = join(dir, 'hard-link');
    const soft = join(dir, 'soft-link');
    linkSync(list, hard);
    symlinkSync(list, soft);
    expect(outputRefusal('--write-policy', hard, [list])).toMatch(/same file as the input/);
    expect(outputRefusal('--write-policy', soft, [list])).toMatch(/same file as the input/);
    expect(outputRefusal('--write-policy', list, [soft])).toMatch(/same file as the input/);
  });

  it('refuses an existing file of measurement data that is not among the inputs', () => {
    const pcrs = join(dir, 'pcrs.txt');
    copyFileSync(swtpm('evmctl_pcrs_sha256.txt'), pcrs);
    expect(outputRefusal('--html', list, [pcrs])).toMatch(/reads as ima-binary \(measurement data\); not overwritten/);
    expect(outputRefusal('--html', pcrs, [list])).toMatch(/reads as pcr-values/);
    const quote = join(dir, 'quote.msg');
    copyFileSync(swtpm('q1_rsassa_sha256_10.msg'), quote);
    expect(outputRefusal('--html', quote, [list])).toMatch(/reads as tpm-quote/);
  });

  it('allows a new file, and an existing one that is no input kind (an earlier report)', () => {
    expect(outputRefusal('--html', join(dir, 'report.html'), [list])).toBeUndefined();
    const html = join(dir, 'old.html');
    writeFileSync(html, '<!doctype html><title>old report</title>');
    expect(outputRefusal('--html', html, [list])).toBeUndefined();
  });
});
