import { describe, expect, it } from 'vitest';
import { fingerprintsMatch } from '../../core/share/fingerprints';
import type { Report, ReportInput } from '../../core/report/report';
import { describeFingerprints, describeView, describeViewLink } from './describe-share';
import { decodeViewState } from '../../core/share/view-state';

const LOG: ReportInput = { name: 'binary_runtime_measurements', kind: 'ima-binary', size: 4096, sha256: 'a'.repeat(64) };
const PCRS: ReportInput = { name: 'pcrs.txt', kind: 'pcr-values', size: 90, sha256: 'b'.repeat(64) };
const report = (inputs: ReportInput[]): Report => ({ schema: 'imascope.report/1', inputs, findings: [] });

describe('describeFingerprints', () => {
  it('says every input matches', () => {
    const s = describeFingerprints(fingerprintsMatch(report([LOG, PCRS]), [PCRS, LOG]));
    expect(s.allMatch).toBe(true);
    expect(s.headline).toBe('All inputs match the permalink (2 files, SHA-256 equal)');
    expect(s.details).toEqual([]);
  });

  it('names the file that differs, the one missing and the one not in the link', () => {
    const changed = { ...LOG, sha256: 'c'.repeat(64), size: 5000 };
    const extra: ReportInput = { name: 'quote.bin', kind: 'tpm-quote', size: 10, sha256: 'd'.repeat(64) };
    const s = describeFingerprints(fingerprintsMatch(report([LOG, PCRS]), [changed, extra]));
    expect(s.allMatch).toBe(false);
    expect(s.headline).toBe('2 inputs of the permalink do not match');
    expect(s.details).toEqual([
      'binary_runtime_measurements (IMA list (binary)) differs: SHA-256 aaaaaaaaaaaa… in the link, cccccccccccc… in binary_runtime_measurements, 4.10 KB then 5.00 KB',
      'pcrs.txt (PCR values) is missing: drop it too',
      'quote.bin (TPM quote) was not in the link',
    ]);
  });
});

describe('describeView', () => {
  it('lists the selection, filters, sort and timeline window', () => {
    expect(
      describeView({
        selectedEntry: 1234,
        filter: { search: '/usr', templates: [0], pcrs: [10], statuses: ['mismatch'], sort: { column: 'name', descending: true } },
        timeline: { start: 10, end: 20.5 },
      }),
    ).toEqual(['entry #1234 selected', 'search “/usr”', 'PCR 10', 'status mismatch', '1 template', 'sorted by Name, descending', 'timeline entries #10–#21']);
    expect(describeView(undefined)).toEqual([]);
  });

  it('names the sort by the column’s label, not its internal key', () => {
    const sortedBy = (column: 'fileDigest' | 'status' | 'index') => describeView({ filter: { search: '', templates: [], pcrs: [], statuses: [], sort: { column, descending: true } } });
    expect(sortedBy('fileDigest')).toEqual(['sorted by File digest, descending']);
    expect(sortedBy('status')).toEqual(['sorted by Template digest, descending']);
    expect(sortedBy('index')).toEqual(['sorted by entry number, descending']);
  });
});

describe('describeViewLink', () => {
  it('says what a view link shows, in the table’s 0-based entry numbers', () => {
    const view = decodeViewState('#entry=1234&filter=pcr+%3D%3D+10&sort=-name&pcr=10,11&status=violation&range=100-200&zoom=12-36&tab=firmware&log=0123456789abcdef');
    expect(describeViewLink(view)).toEqual([
      'entry #1234 selected',
      'filter “pcr == 10”',
      'PCR 10, 11',
      'status violation',
      'sorted by Name, descending',
      'entries #100–#199',
      'timeline entries #12–#36',
      'the firmware log',
    ]);
  });

  it('says nothing of a view that only names its list', () => {
    expect(describeViewLink(decodeViewState('#log=0123456789abcdef'))).toEqual([]);
  });
});
