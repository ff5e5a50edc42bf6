/**
 * `compareWith`: reads a known-good reference, an IMA list (core compareLogs) or a Keylime
 * runtime policy whose digests are the known-good set (core comparePolicy), and compares the
 * open log with it. A binary reference list is read back from its file (where there is
 * FileReaderSync), keeping only its columns and a compact copy of its names and file digests
 * (ParseStart.reference): the open log's bytes and the reference's are not both held. The
 * comparison stays on the open state until the next open of another log; getRows then adds
 * each row's class.
 * `acceptChanges`: "accept these changes", the Keylime v1 policy accepting the chosen groups
 * (core acceptChanges), once the open log's template digests are verified.
 */
import { acceptChanges, entryNumbers } from '../../core/compare/accept-changes';
import { SNIFF_HEAD_BYTES } from '../../core/inputs/input-kind-module';
import { imaListOptions, recogniseInput } from '../../core/inputs/registry';
import { compareDocument, failingChecks, type CompareDocument } from '../../core/compare/compare-json';
import { listFindings } from '../../core/analysis/list-findings';
import { parseImaLog, type ImaParseOptions } from '../../core/ima/parse-ima-log';
import { compareLogs, type LogComparison } from '../../core/compare/compare-logs';
import { comparePolicy } from '../../core/compare/compare-policy';
import { parseRuntimePolicy, PolicyInputError, type LoadedPolicy, type RuntimePolicy } from '../../core/policy/runtime-policy';
import { describeUnrecognized } from '../describe-input';
import type { InputFile, PolicyUpdate, RequestId } from '../protocol';
import { readBlobHead } from '../read-blob-chunks';
import { SessionError, type Handlers, type Session } from '../session';
import { verify } from './analyze';
import { cacheKeyOf, isLogKind, parseLog } from './open';
import { policyTimestamp } from '../../core/policy/create-policy';

/** The reference policy of a comparison made against one (the base of its policy update). */
const basePolicies = new WeakMap<LogComparison, RuntimePolicy>();
/**
 * Each comparison's reference, for its export: its name and, for a list, its file and how it
 * was read. The list's own findings (none for a policy, as in the CLI) need its entries, which
 * are not kept after the comparison: the export reads the file again, so that a comparison
 * does not wait for findings only an export asks for.
 */
const references = new WeakMap<LogComparison, { readonly name: string; readonly list?: { readonly file: Blob; readonly options: ImaParseOptions } }>();

async function compareWith(session: Session, file: Blob, name: string, id: RequestId, signal: AbortSignal): Promise<CompareDocument> {
  const state = session.state;
  const opened = session.requireLog();
  const head = await readBlobHead(file, SNIFF_HEAD_BYTES);
  const recognised = recogniseInput(head, head.length === file.size);
  const kind = recognised?.module.kind;
  const options = imaListOptions(recognised);
  let result: LogComparison;
  if (kind === 'runtime-policy') {
    const base = readReferencePolicy(new Uint8Array(await file.arrayBuffer()), name);
    result = comparePolicy(base, opened.log);
    basePolicies.set(result, base.policy);
    references.set(result, { name });
  } else if (isLogKind(kind) && options !== undefined) {
    const input: InputFile = { id: `reference:${name}`, name, file };
    const reference = await parseLog(session, input, kind, options, cacheKeyOf(input, kind), id, signal, { reference: true });
    if (reference.log.entries.length === 0) {
      throw new SessionError('unrecognizedFormat', `${name} has no readable entry: ${reference.log.errors[0]?.message ?? 'empty'}`);
    }
    result = compareLogs(reference.log, opened.log, reference.namesAndDigests !== undefined ? { reference: reference.namesAndDigests } : {});
    references.set(result, { name, list: { file, options } });
  } else {
    const looks = kind ?? describeUnrecognized(head);
    throw new SessionError('unrecognizedFormat', `${name} cannot be the reference: it is neither an IMA measurement list nor a runtime policy (it looks like ${looks}).`);
  }
  if (session.state === state) state.comparison = result;
  return compareDocument(result, { reference: name, failing: opened.overview.name });
}

/** A reference policy, or the reason it cannot be one (naming the file and the JSON place). */
function readReferencePolicy(bytes: Uint8Array, name: string): LoadedPolicy {
  try {
    return parseRuntimePolicy(bytes);
  } catch (e) {
    if (e instanceof PolicyInputError) throw new SessionError('unrecognizedFormat', `${name} cannot be read as a runtime policy: ${e.place}: ${e.message}`);
    throw e;
  }
}

async function acceptChosen(session: Session, keys: readonly string[], id: RequestId): Promise<PolicyUpdate> {
  const opened = session.requireLog();
  const comparison = session.state.comparison;
  if (comparison === undefined) throw new SessionError('noLog', 'Nothing has been compared yet');
  const wanted = new Set(keys);
  const groups = comparison.groups.filter((g) => wanted.has(g.key));
  const verification = verify(session, opened, await session.hashProvider());
  verification.progressTo ??= id;
  await verification.result;
  const base = basePolicies.get(comparison);
  const update = acceptChanges(groups, opened.log, comparison.entryClass.failing, await session.hashProvider(), {
    ...(base !== undefined ? { base } : {}),
    timestamp: policyTimestamp(new Date().toISOString()),
  });
  if (!update.ok) {
    const why = 'refused' in update ? update.refused : `entries ${entryNumbers(update.unverified)} of the accepted paths do not match their template digest`;
    throw new SessionError('unrecognizedFormat', `No policy written: ${why}.`);
  }
  return { text: `${JSON.stringify(update.policy, null, 1)}\n`, accepted: update.accepted, skipped: update.skipped, merged: base !== undefined };
}

/**
 * The comparison as the CLI's `compare --json` writes it (compare-command.ts): the failing
 * list's findings are its analysis's when the case has other inputs (then with its checks),
 * else the list's own, as for a FAILING given alone.
 */
async function exportComparison(session: Session): Promise<{ text: string }> {
  const opened = session.requireLog();
  const comparison = session.state.comparison;
  const reference = comparison === undefined ? undefined : references.get(comparison);
  if (comparison === undefined || reference === undefined) throw new SessionError('noLog', 'Nothing has been compared yet');
  const report = session.state.analysis?.report;
  const name = opened.overview.name;
  const withOthers = report !== undefined && report.inputs.length > 1;
  const findings = withOthers ? report.findings : listFindings(opened.log, name, await session.hashProvider());
  const checks = withOthers ? failingChecks(report, opened.log.entries.length, comparison.divergence) : undefined;
  const list = reference.list;
  const referenceFindings = list === undefined ? [] : listFindings(parseImaLog(new Uint8Array(await list.file.arrayBuffer()), list.options), reference.name, await session.hashProvider());
  const doc = compareDocument(comparison, { reference: reference.name, failing: name }, { reference: referenceFindings, failing: findings }, checks);
  return { text: `${JSON.stringify(doc, null, 2)}\n` };
}

export const compareHandlers: Handlers<'compareWith' | 'acceptChanges' | 'exportCompare'> = {
  compareWith: (session, { file, name }, { id, signal }) => session.first(() => compareWith(session, file, name, id, signal)),
  acceptChanges: (session, { groups }, { id }) => acceptChosen(session, groups, id),
  exportCompare: (session) => exportComparison(session),
};
