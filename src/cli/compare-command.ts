/**
 * `imascope compare [--json] REFERENCE FAILING [FILE...]`: what changed in FAILING since the
 * known-good REFERENCE list (CONTRACT §5.2). FILEs after the two lists (PCR values, a quote,
 * its signature and key) belong to the failing side: its replay is checked as by `analyze`,
 * and the result says whether it matches up to the first divergence.
 *
 * Exit status: 0 nothing changed; 1 something changed or could not be compared; 2 usage error,
 * or an input that cannot be read or is not what its place asks (named on stderr); 3 internal
 * error.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { imaListOptions, recogniseInput } from '../core/inputs/registry';
import type { RawInput } from '../core/analysis/analysis-types';
import { compareDocument, failingChecks, hasDifferences, type FailingCheck } from '../core/compare/compare-json';
import { compareLogs } from '../core/compare/compare-logs';
import { createHashProvider } from '../core/hash/hash-provider';
import { parseImaLog } from '../core/ima/parse-ima-log';
import type { ImaLog } from '../core/model/ima-log';
import type { Report } from '../core/report/report';
import { formatCompare } from './format-compare';
import { withNodeBulkHashing } from './node-bulk-hashing';
import { analyzeInParallel, DigestPool } from './parallel-digests';

export const COMPARE_USAGE = `usage: imascope compare [--json] REFERENCE FAILING [FILE...]

Aligns two IMA measurement lists by path and says what changed in FAILING since the
known-good REFERENCE (an earlier boot, or a healthy machine of the same image): paths with a
new digest, new paths, paths gone, grouped by package-like prefix and directory, with each
side's kernel version and boot_aggregate and the first entry where the lists part.
FILEs after the two lists (PCR values, a TPM quote, signature, AK) belong to the failing side.

  --json   print one JSON document (schema imascope.compare/1)

Exit status: 0 no changes, 1 changes (or paths that cannot be compared), 2 usage or input
error, 3 internal error.`;

class InputError extends Error {}

export async function runCompare(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${COMPARE_USAGE}\n`);
    return 0;
  }
  let json = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    else if (arg.startsWith('-') && arg !== '-') return usage(`unknown option '${arg}'`);
    else files.push(arg);
  }
  if (files.length < 2) return usage('compare needs a REFERENCE and a FAILING list');
  const [referencePath, failingPath, ...extraPaths] = files;
  try {
    const reference = readList(referencePath, 'reference');
    const failingRaw = readRaw(failingPath);
    const extras = extraPaths.map(readRaw);
    let failing: ImaLog;
    let report: Report | undefined;
    if (extras.length === 0) failing = listOf(failingRaw, 'failing');
    else {
      // The failing list goes through the ordinary analysis with its PCRs / quote.
      assertList(failingRaw, 'failing');
      const raw = [failingRaw, ...extras];
      const provider = withNodeBulkHashing(await createHashProvider());
      const analysis = await analyzeInParallel(raw, {}, provider, DigestPool.forInputs(raw));
      if (analysis.log === undefined) throw new InputError(`${failingPath}: not read as an IMA measurement list`);
      failing = analysis.log;
      report = analysis.report;
    }
    const result = compareLogs(reference, failing);
    let checks: FailingCheck[] | undefined;
    if (report !== undefined) checks = failingChecks(report, failing.entries.length, result.divergence);
    const doc = compareDocument(result, { reference: basename(referencePath), failing: basename(failingPath) }, checks);
    process.stdout.write(json ? `${JSON.stringify(doc, null, 2)}\n` : formatCompare(doc));
    return hasDifferences(result.counts) ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`imascope: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`imascope: internal error comparing ${referencePath} with ${failingPath}: ${(e as Error).stack ?? String(e)}\n`);
    return 3;
  }
}

function usage(message: string): number {
  process.stderr.write(`imascope: ${message}\n${COMPARE_USAGE}\n`);
  return 2;
}

function readRaw(path: string): RawInput {
  let bytes: Uint8Array;
  try {
    const buffer = readFileSync(path);
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const recognised = recogniseInput(bytes, true);
  if (recognised === undefined) throw new InputError(`${path}: not recognised (${bytes.length} bytes)`);
  return { name: path, bytes, kind: recognised.module.kind, recognised };
}

function readList(path: string, role: 'reference' | 'failing'): ImaLog {
  return listOf(readRaw(path), role);
}

function assertList(raw: RawInput, role: 'reference' | 'failing'): void {
  if (raw.kind !== 'ima-binary' && raw.kind !== 'ima-ascii') {
    throw new InputError(`${raw.name}: the ${role} must be an IMA measurement list, not ${raw.kind ?? 'unknown'}`);
  }
}

/** The list in `raw`, or an InputError naming the file and its role. */
function listOf(raw: RawInput, role: 'reference' | 'failing'): ImaLog {
  assertList(raw, role);
  const log = parseImaLog(raw.bytes, imaListOptions(raw.recognised) ?? { format: raw.kind === 'ima-ascii' ? 'ascii' : 'binary' });
  if (log.entries.length === 0) {
    throw new InputError(`${raw.name}: the ${role} list has no readable entry${log.errors.length > 0 ? ` (${log.errors[0].message})` : ''}`);
  }
  return log;
}
