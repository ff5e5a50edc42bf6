/**
 * `imascope compare [--json] [--write-policy FILE [--accept GROUP]...] REFERENCE FAILING [FILE...]`:
 * what changed in FAILING since the known-good REFERENCE (CONTRACT §5.2): a measurement list,
 * or a Keylime runtime policy (v1, DSSE-signed, legacy JSON or flat allowlist; its accepted
 * digests are the known-good set). FILEs after the two (PCR values, a quote, its signature
 * and key, a firmware log, a runtime policy…; no third list) belong to the failing side: it is
 * analysed with them as by `analyze`, and the result says whether its replay matches up to the
 * first divergence. Each list's own checks (template hashes, framing) are made either way.
 * `--write-policy` writes a Keylime v1 policy accepting the changes of the named groups (all,
 * without --accept).
 *
 * Exit status (compareExitStatus): 0 nothing changed and every check agrees; 1 something
 * changed or could not be compared (paths a policy lists but the failing list did not measure
 * are not changes), or a check of either side failed; 2 usage error, or an input that cannot
 * be read or is not what its place asks (named on stderr); 3 internal error.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RawInput } from '../core/analysis/analysis-types';
import { COMPARE_SCHEMA, compareDocument, compareExitStatus, failingChecks, type CompareErrorDocument, type FailingCheck } from '../core/compare/compare-json';
import { listFindings } from '../core/analysis/list-findings';
import { acceptChanges, entryNumbers } from '../core/compare/accept-changes';
import { compareWithReference, scanReference, type CompareGroup } from '../core/compare/compare-logs';
import { comparePolicy } from '../core/compare/compare-policy';
import { parseRuntimePolicy, PolicyInputError, type LoadedPolicy } from '../core/policy/runtime-policy';
import { createHashProvider, type HashProvider } from '../core/hash/hash-provider';
import type { ImaLog } from '../core/model/ima-log';
import type { Finding, Report } from '../core/report/report';
import { formatCompare } from './format-compare';
import { parseListInThread, type CheckedList } from './list-thread';
import { withNodeBulkHashing } from './node-bulk-hashing';
import { analyzeInParallel, DigestPool } from './parallel-digests';
import { InputError, isList, parseList, readRaw } from './read-list';
import { outputRefusal } from './output-guard';
import { say } from './say';
import { policyTimestamp } from '../core/policy/create-policy';

export const COMPARE_USAGE = `usage: imascope compare [--json] [--write-policy FILE [--accept GROUP]...] REFERENCE FAILING [FILE...]

Aligns two IMA measurement lists by path and says what changed in FAILING since the
known-good REFERENCE (an earlier boot, or a healthy machine of the same image): paths with a
new digest, new paths, paths gone, grouped by package-like prefix and directory, with each
side's kernel version and boot_aggregate and the first entry where the lists part.
REFERENCE may also be a Keylime runtime policy or allowlist: its digests are the known-good set.
FILEs after the two (PCR values, a TPM quote, signature, AK, a runtime policy…; not another
list) belong to the failing side and are checked as 'imascope analyze' checks them; each
list's template hashes are checked too.

  --json               print one JSON document (schema imascope.compare/1)
  --write-policy FILE  write a Keylime runtime policy (v1) accepting the changed and new paths:
                       the reference policy plus them, or (reference list) them alone;
                       never over an input or an existing file of measurement data (exit 2)
  --accept GROUP       only the changes of this group (a group key as printed; repeatable)

Exit status: 0 no changes and every check agrees, 1 changes (or paths that cannot be
compared) or a failed check of either side, 2 usage or input error, 3 internal error.`;

export async function runCompare(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${COMPARE_USAGE}\n`);
    return 0;
  }
  // A usage error found before the options are all read is reported as JSON when `--json`
  // is anywhere; after them, only when it was read as the option (not as a value).
  let read: boolean | undefined;
  const usage = (message: string): number => stopped(read ?? argv.includes('--json'), 'usage-error', message, 2, COMPARE_USAGE);
  let sawJson = false;
  let writePolicy: string | undefined;
  const accept: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') sawJson = true;
    else if (arg === '--write-policy' || arg === '--accept') {
      const value = argv[++i];
      if (value === undefined) return usage(`${arg} needs a value`);
      if (arg === '--accept') accept.push(value);
      else writePolicy = value;
    } else if (arg === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    else if (arg.startsWith('-') && arg !== '-') return usage(`unknown option '${arg}'`);
    else files.push(arg);
  }
  const json = (read = sawJson);
  if (files.length < 2) return usage('compare needs a REFERENCE and a FAILING list');
  if (accept.length > 0 && writePolicy === undefined) return usage('--accept chooses the groups --write-policy writes');
  const [referencePath, failingPath, ...extraPaths] = files;
  const refusal = writePolicy === undefined ? undefined : outputRefusal('--write-policy', writePolicy, files);
  if (refusal !== undefined) return stopped(json, 'usage-error', refusal, 2);
  try {
    // A large failing list (without PCRs or a quote to analyse) is read and checked in a thread
    // while this one reads the reference, interns its names and checks it; the reference's
    // errors still come first. (Settled at once: a rejection must not wait for a handler while
    // the reference is read.)
    const inThread = extraPaths.length === 0 ? parseListInThread(failingPath) : undefined;
    const threadSide = inThread === undefined ? undefined : settled(inThread);
    const provider = withNodeBulkHashing(await createHashProvider());
    const reference = readReference(referencePath);
    const prepared = reference.kind === 'list' ? { kind: 'list' as const, scanned: scanReference(reference.log) } : reference;
    // Each list's own checks, as analyze makes them (a policy that cannot be read stopped above).
    const referenceFindings = reference.kind === 'list' ? listFindings(reference.log, basename(referencePath), provider) : [];
    const { log: failing, findings: failingFindings, report } = await readFailing(failingPath, extraPaths, provider, threadSide);
    const result = prepared.kind === 'policy' ? comparePolicy(prepared.loaded, failing) : compareWithReference(prepared.scanned, failing);
    const findings = { reference: referenceFindings, failing: failingFindings };
    // A list whose PCRs, quote or own hashes do not vouch for it is no source of known-good
    // digests: its failed checks (the policy's own failures aside: those are what the update
    // accepts) stop the policy from being written.
    const vouchedAgainst = failingFindings.filter((f) => f.severity === 'error' && !f.code.startsWith('policy-'));
    if (writePolicy !== undefined && vouchedAgainst.length > 0) {
      say(`no policy written: the failing list's own checks failed (${vouchedAgainst.map((f) => f.code).join(', ')}): accepting its digests would accept what they found`);
    } else if (writePolicy !== undefined) {
      const base = reference.kind === 'policy' ? reference.loaded.policy : undefined;
      writePolicyUpdate(writePolicy, chosenGroups(result.groups, accept), failing, result.entryClass.failing, base, failingPath, provider);
    }
    let checks: FailingCheck[] | undefined;
    if (report !== undefined) checks = failingChecks(report, failing.entries.length, result.divergence);
    const doc = compareDocument(result, { reference: basename(referencePath), failing: basename(failingPath) }, findings, checks);
    process.stdout.write(json ? `${JSON.stringify(doc, null, 2)}\n` : formatCompare(doc));
    return compareExitStatus(doc);
  } catch (e) {
    if (e instanceof ExtraListError) return stopped(json, 'usage-error', e.message, 2);
    if (e instanceof InputError) return stopped(json, 'input-unreadable', e.message, 2);
    return stopped(json, 'internal-error', `internal error comparing ${referencePath} with ${failingPath}: ${e instanceof Error ? e.message : String(e)}`, 3, e instanceof Error ? e.stack : undefined);
  }
}

/**
 * A run that compared nothing: the reason on stderr and, with --json, as the one document on
 * stdout. `after`: our own text for stderr below it (the usage), written as it is.
 */
function stopped(json: boolean, code: CompareErrorDocument['error']['code'], message: string, status: number, after?: string): number {
  say(message);
  if (after !== undefined) process.stderr.write(`${after}\n`);
  if (json) {
    const doc: CompareErrorDocument = { schema: COMPARE_SCHEMA, error: { code, message } };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  }
  return status;
}

/**
 * The failing list with its findings: its analysis (PCRs, quote…) when other files are given
 * for it, else its own checks (listFindings). `inThread`: the list as a thread parsed and
 * checked it (undefined there: read it here).
 */
async function readFailing(
  path: string,
  extraPaths: readonly string[],
  provider: HashProvider,
  inThread?: Promise<Settled<CheckedList | undefined>>,
): Promise<{ readonly log: ImaLog; readonly findings: readonly Finding[]; readonly report?: Report }> {
  const parsed = inThread === undefined ? undefined : await inThread;
  if (parsed !== undefined && !parsed.ok) throw parsed.error;
  if (parsed?.value !== undefined) return { log: checkedList(parsed.value.log, path, 'failing'), findings: parsed.value.findings };
  const raw = readRaw(path);
  const extras = extraPaths.map(readRaw);
  // analyze would choose among several lists (the longest, or the one its checks reproduce):
  // the list compared would then not be FAILING, so another list is refused, never set aside.
  const list = extras.find(isList);
  if (list !== undefined) {
    throw new ExtraListError(`${list.name}: another IMA measurement list; compare takes one REFERENCE and one FAILING list (the files after them are PCR values, a quote, its signature and AK, a policy… for the failing list)`);
  }
  if (extras.length === 0) {
    const log = listOf(raw, 'failing');
    return { log, findings: listFindings(log, basename(path), provider) };
  }
  // The failing list goes through the ordinary analysis with its PCRs / quote.
  assertList(raw, 'failing');
  const inputs = [raw, ...extras];
  const analysis = await analyzeInParallel(inputs, {}, provider, DigestPool.forInputs(inputs));
  if (analysis.log === undefined) throw new InputError(`${path}: not read as an IMA measurement list`);
  return { log: analysis.log, findings: analysis.report.findings, report: analysis.report };
}

/** An IMA list among the files after REFERENCE and FAILING: a usage error (exit 2). */
class ExtraListError extends Error {}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

async function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

type Reference = { readonly kind: 'list'; readonly log: ImaLog } | { readonly kind: 'policy'; readonly loaded: LoadedPolicy };

/** A measurement list, or a runtime policy / allowlist whose digests are the known-good set. */
function readReference(path: string): Reference {
  const raw = readRaw(path);
  if (raw.kind !== 'runtime-policy') return { kind: 'list', log: listOf(raw, 'reference') };
  try {
    return { kind: 'policy', loaded: parseRuntimePolicy(raw.bytes) };
  } catch (e) {
    if (e instanceof PolicyInputError) throw new InputError(`${path}: the reference policy cannot be read: ${e.place}: ${e.message}`);
    throw e;
  }
}

/** The groups `--accept` names (every group without it); an unknown key is a usage error. */
function chosenGroups(groups: readonly CompareGroup[], keys: readonly string[]): readonly CompareGroup[] {
  if (keys.length === 0) return groups;
  const byKey = new Map(groups.map((g) => [g.key, g]));
  return keys.map((key) => {
    const group = byKey.get(key);
    if (group === undefined) throw new InputError(`--accept ${key}: no such group (the groups are: ${groups.map((g) => g.key).join(', ') || 'none'})`);
    return group;
  });
}

/**
 * Writes the policy update. A failing list whose template digests do not verify for an
 * accepted path is no source of known-good digests: refused, nothing written. `failing` was
 * verified by its checks (listFindings or analyze), which set the flags acceptChanges reads.
 */
function writePolicyUpdate(
  file: string,
  groups: readonly CompareGroup[],
  failing: ImaLog,
  failingClasses: Uint8Array,
  base: LoadedPolicy['policy'] | undefined,
  failingPath: string,
  provider: HashProvider,
): void {
  const update = acceptChanges(groups, failing, failingClasses, provider, {
    ...(base !== undefined ? { base } : {}),
    timestamp: policyTimestamp(new Date().toISOString()),
  });
  if (!update.ok) {
    const why = 'refused' in update ? update.refused : `entries ${entryNumbers(update.unverified)} of accepted paths have a template digest that is not the hash of their data`;
    throw new InputError(`${failingPath}: ${why}; no policy written`);
  }
  for (const s of update.skipped) say(`left out ${s}`);
  try {
    writeFileSync(file, `${JSON.stringify(update.policy, null, 1)}\n`);
  } catch (err) {
    throw new InputError(`cannot write ${file}: ${(err as Error).message}`);
  }
  say(`wrote ${file}: ${update.accepted} accepted paths${base !== undefined ? ' added to the reference policy' : ''}`);
}

function assertList(raw: RawInput, role: 'reference' | 'failing'): void {
  if (!isList(raw)) throw new InputError(`${raw.name}: the ${role} must be an IMA measurement list, not ${raw.kind ?? 'unknown'}`);
}

/** The list in `raw`, or an InputError naming the file and its role. */
function listOf(raw: RawInput, role: 'reference' | 'failing'): ImaLog {
  assertList(raw, role);
  return checkedList(parseList(raw), raw.name, role);
}

/** `log`, unless it has no entry: then an InputError naming the file and its role. */
function checkedList(log: ImaLog, name: string, role: 'reference' | 'failing'): ImaLog {
  if (log.entries.length === 0) {
    throw new InputError(`${name}: the ${role} list has no readable entry${log.errors.length > 0 ? ` (${log.errors[0].message})` : ''}`);
  }
  return log;
}
