/**
 * Names for exported files, from the log's own name. That name comes from the user's file
 * or from a permalink (anyone's text), so it is reduced to a safe file-name alphabet; the
 * kernel's `binary_runtime_measurements[_bank]` becomes its ASCII sibling's name.
 */
import type { HashAlgorithm } from '../../core/hash/hash-algorithm';

export interface ExportFileNames {
  readonly html: string;
  readonly json: string;
  readonly csv: string;
  readonly ascii: string;
  readonly pcrread: string;
  /** "Accept these changes" of the compare view: a Keylime runtime policy. */
  readonly policyUpdate: string;
  /** The comparison, as `imascope compare --json` writes it. */
  readonly compare: string;
  /** A runtime policy made from the log, and the judged policy with the failing entries added. */
  readonly policy: string;
  readonly patchedPolicy: string;
  evmctl(bank: HashAlgorithm): string;
}

const MAX_BASE_LENGTH = 100;

function safeBase(name: string | undefined): string {
  const base = (name ?? '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, MAX_BASE_LENGTH);
  return base === '' ? 'imascope' : base;
}

export function exportFileNames(logName: string | undefined): ExportFileNames {
  const base = safeBase(logName);
  const kernelName = /^binary_runtime_measurements(_[a-z0-9]+)?$/.exec(base);
  return {
    html: `${base}.report.html`,
    json: `${base}.report.json`,
    csv: `${base}.entries.csv`,
    ascii: kernelName !== null ? `ascii_runtime_measurements${kernelName[1] ?? ''}` : `${base}.ascii`,
    pcrread: 'firmware-pcrs.yaml',
    policyUpdate: `${base}.policy-update.json`,
    compare: `${base}.compare.json`,
    policy: `${base}.runtime-policy.json`,
    patchedPolicy: `${base}.runtime-policy.updated.json`,
    evmctl: (bank) => `pcrs-replayed-${bank}.txt`,
  };
}
