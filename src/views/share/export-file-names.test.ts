import { describe, expect, it } from 'vitest';
import { exportFileNames } from './export-file-names';

describe('exportFileNames', () => {
  it('names the ASCII sibling of a kernel list, legacy and per bank', () => {
    expect(exportFileNames('binary_runtime_measurements').ascii).toBe('ascii_runtime_measurements');
    expect(exportFileNames('binary_runtime_measurements_sha256').ascii).toBe('ascii_runtime_measurements_sha256');
    expect(exportFileNames('host7.bin').ascii).toBe('host7.bin.ascii');
  });

  it('reduces names from files or links to a safe alphabet', () => {
    expect(exportFileNames('../../etc/<img src=x>').json).toBe('etc_img_src_x_.report.json');
    expect(exportFileNames('<path#1>').html).toBe('path_1_.report.html');
    expect(exportFileNames(undefined).csv).toBe('imascope.entries.csv');
    expect(exportFileNames('...').csv).toBe('imascope.entries.csv');
    expect(exportFileNames('x'.repeat(500)).csv).toBe(`${'x'.repeat(100)}.entries.csv`);
  });

  it('names one evmctl file per bank', () => {
    expect(exportFileNames('log').evmctl('sha256')).toBe('pcrs-replayed-sha256.txt');
  });
});
