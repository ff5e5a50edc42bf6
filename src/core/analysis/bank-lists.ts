/**
 * Per-bank lists of one log: a 5.8+ kernel writes the same entries once per TPM bank
 * (`binary_runtime_measurements_sha1`, `…_sha256`), each with that bank's template digests.
 * Given together, each list is checked on its own (its digests against its template data),
 * each bank replays from its own list's recorded digests (what the kernel extended into that
 * bank), and the lists are compared entry by entry: an entry edited in one list only shows
 * there, so dropping either list would hide it.
 *
 * The table shows one list (the primary: the longest, or the list of its bank the analysis
 * chose); a companion of another bank joins the replay through an extend-value column aligned
 * with the primary's entries: the companion's recorded digests where it has the entry, the
 * primary's template data hashed in that bank where the companion stops (a list read a moment
 * earlier).
 */
import { digestSize, type HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import type { ImaLog } from '../model/ima-log';
import type { Finding, Hypothesis } from '../report/report';
import { BLOCK_ENTRIES, computeExtendValues, extendValuesKey, runningValuesKey } from '../replay/extend-values';
import { verifyTemplateHashes, type TemplateHashSummary } from '../ima/template-digests';
import type { LoadedLog } from './analysis-types';
import { FINDING_HELP } from './finding-help';
import { formatIndexRun, toIndexRuns } from './index-runs';
import { MAX_FINDING_ENTRIES } from './findings';
import { plural } from '../util/count-text';
import { hypothesesFor } from './check-pcrs';

/** Bytes of entry i after its template digest: name length, name, template data (valid until the log's next read). */
function afterDigest(log: ImaLog, i: number): Uint8Array {
  const start = log.entries.entryOffset[i] + 4 + log.digestSize;
  const length = log.entries.entryOffset[i] + log.entries.entrySize[i] - start;
  const at = log.bytes.at(start, length);
  return log.bytes.bytes.subarray(at, at + length);
}

function sameEntry(a: ImaLog, b: ImaLog, i: number): boolean {
  if (a.entries.pcr[i] !== b.entries.pcr[i]) return false;
  const x = afterDigest(a, i);
  const y = afterDigest(b, i);
  if (x.length !== y.length) return false;
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  return true;
}

/** Whether `other` is a list of another bank: another digest size, or a told-apart bank. */
export function isOtherBank(log: ImaLog, other: ImaLog): boolean {
  return other.digestSize !== log.digestSize || (other.digestBank !== undefined && other.digestBank !== log.digestBank);
}

/**
 * Whether `other` is a per-bank list of the same boot as `log`: another bank, and the same
 * first entry (the boot_aggregate, whose data differs from boot to boot).
 */
export function isBankListOf(log: ImaLog, other: ImaLog): boolean {
  return isOtherBank(log, other) && log.entries.length > 0 && other.entries.length > 0 && sameEntry(log, other, 0);
}

export interface BankListComparison {
  readonly primaryEntries: number;
  readonly companionEntries: number;
  /** Entries (both lists have them) whose PCR, template name or template data differ. */
  readonly differing: readonly number[];
}

export function compareBankLists(primary: ImaLog, companion: ImaLog): BankListComparison {
  const common = Math.min(primary.entries.length, companion.entries.length);
  const differing: number[] = [];
  for (let i = 0; i < common; i++) if (!sameEntry(primary, companion, i)) differing.push(i);
  return { primaryEntries: primary.entries.length, companionEntries: companion.entries.length, differing };
}

/**
 * The extend values of the companion's bank under `hypothesis` (a per-bank reading in the
 * primary's byte order), aligned with the primary's entries: the companion's recorded digests
 * (a violation as the hypothesis extends it) for the entries it has, the primary's template
 * data hashed in that bank after them. Undefined when the bank cannot be extended here.
 */
export function companionExtendColumn(
  primary: ImaLog,
  companion: ImaLog,
  provider: HashProvider,
  hypothesis: Hypothesis,
): { bank: HashAlgorithm; column: Uint8Array } | undefined {
  const bank = companion.digestBank;
  if (bank === undefined || provider.get(bank) === undefined || digestSize(bank) !== companion.digestSize) return undefined;
  const size = companion.digestSize;
  const n = primary.entries.length;
  const own = Math.min(n, companion.entries.length);
  const column = new Uint8Array(n * size);
  const { entryOffset } = companion.entries;
  const violation = hypothesis.violations === 'ff' ? 0xff : 0;
  const source = companion.bytes;
  for (let i = 0; i < own; i++) {
    const at = source.at(entryOffset[i] + 4, size);
    const data = source.bytes;
    let zero = true;
    for (let k = 0; k < size; k++) if (data[at + k] !== 0) zero = false;
    if (zero) column.fill(violation, i * size, (i + 1) * size);
    else column.set(data.subarray(at, at + size), i * size);
  }
  if (own < n) {
    const tail = computeExtendValues(primary, provider, bank, hypothesis);
    if (tail === undefined) return undefined;
    for (let start = own; start < n; start += BLOCK_ENTRIES) {
      const end = Math.min(n, start + BLOCK_ENTRIES);
      column.set(tail.read(start, end), start * size);
    }
  }
  return { bank, column };
}

/** A checked companion list: its own verification and how it compares with the primary. */
export interface CheckedBankList {
  readonly companion: LoadedLog;
  readonly hashes: TemplateHashSummary;
  readonly comparison: BankListComparison;
}

/** Verifies each companion, compares it with the primary and says what it found. */
export function checkBankLists(
  primary: LoadedLog,
  companions: readonly LoadedLog[],
  provider: HashProvider,
): { checked: CheckedBankList[]; findings: Finding[] } {
  const checked: CheckedBankList[] = [];
  const findings: Finding[] = [];
  for (const companion of companions) {
    const hashes = verifyTemplateHashes(companion.log, provider);
    if (hashes.digestBank !== undefined) companion.input.digestBank = hashes.digestBank;
    if (companion.log.format === 'binary') companion.input.byteOrder = companion.log.byteOrder;
    const comparison = compareBankLists(primary.log, companion.log);
    checked.push({ companion, hashes, comparison });
    findings.push(...bankListFindings(primary, companion, hashes, comparison));
  }
  return { checked, findings };
}

function finding(code: Finding['code'], message: string, entries?: readonly number[]): Finding {
  const f: Finding = { code, severity: FINDING_HELP[code].severity, message };
  if (entries !== undefined) f.entries = entries.slice(0, MAX_FINDING_ENTRIES);
  return f;
}

function runs(entries: readonly number[]): string {
  const all = toIndexRuns(entries);
  const shown = all.slice(0, 5).map(formatIndexRun).join(', ');
  return all.length > 5 ? `${shown} and ${all.length - 5} more runs` : shown;
}

function bankName(log: LoadedLog): string {
  return `${log.input.name} (${log.log.digestBank ?? `${log.log.digestSize}-byte`} list)`;
}

export function bankListFindings(
  primary: LoadedLog,
  companion: LoadedLog,
  hashes: TemplateHashSummary,
  comparison: BankListComparison,
): Finding[] {
  const out: Finding[] = [];
  const them = bankName(companion);
  const bank = companion.log.digestBank ?? 'its';
  for (const err of companion.log.errors) out.push(finding('parse-error', `${them}, at byte offset ${err.offset}: ${err.message}`, []));
  if (hashes.mismatches.length > 0) {
    out.push(
      finding(
        'template-hash-mismatch',
        `In ${them}, ${plural(hashes.mismatches.length, 'entry has', 'entries have')} a template digest that is not the hash of the template data (${runs(hashes.mismatches)}): altered or corrupted after measurement. The ${bank} bank is replayed from the digests recorded there, as the kernel extended them.`,
        hashes.mismatches,
      ),
    );
  }
  const { primaryEntries, companionEntries, differing } = comparison;
  const counts =
    primaryEntries === companionEntries
      ? `both have ${plural(primaryEntries, 'entry', 'entries')}`
      : `${primary.input.name} has ${plural(primaryEntries, 'entry', 'entries')}, ${companion.input.name} ${plural(companionEntries, 'entry', 'entries')}`;
  if (differing.length > 0 && differing[0] === 0) {
    out.push(
      finding(
        'bank-lists-differ',
        `${bankName(primary)} and ${them} are not lists of the same boot: their first entries differ (${plural(differing.length, 'entry differs', 'entries differ')}, ${runs(differing)}); ${counts}. The ${bank} bank is replayed from the template data of ${primary.input.name}, not from ${companion.input.name}. Give the lists of one boot, read together.`,
        differing,
      ),
    );
  } else if (differing.length > 0) {
    out.push(
      finding(
        'bank-lists-differ',
        `${bankName(primary)} and ${them} are lists of one log but differ in ${plural(differing.length, 'entry', 'entries')} (${runs(differing)}: PCR, template or template data); ${counts}. One of them was altered, or they are from different boots. Each bank is replayed from its own list.`,
        differing,
      ),
    );
  } else if (primaryEntries !== companionEntries) {
    const common = Math.min(primaryEntries, companionEntries);
    const extra = common < primaryEntries ? `#${common}–${primaryEntries - 1}` : `#${common}–${companionEntries - 1}`;
    const how =
      companionEntries < primaryEntries
        ? `Entries ${extra} of the ${bank} bank are replayed from the template data of ${primary.input.name}.`
        : `Entries ${extra} of ${companion.input.name} are not in the table and not replayed.`;
    out.push(
      finding(
        'bank-lists-read-apart',
        `${bankName(primary)} and ${them} agree in their first ${plural(common, 'entry', 'entries')}, but ${counts}: they were read at different moments. ${how}`,
        [common],
      ),
    );
  }
  return out;
}

/**
 * Extend-value columns of the banks of the companions that are lists of the same boot, merged
 * over `columns`, for every per-bank reading in the primary's byte order (violations as 0xFF
 * or as zeros): under those a bank's values are its own list's recorded digests, so no
 * reading can fall back on the primary's template data where the companion says otherwise.
 * A running-value column of such a bank, made from the primary's data, no longer applies.
 */
export function withCompanionColumns(
  primary: ImaLog,
  companions: readonly LoadedLog[],
  provider: HashProvider,
  columns: ReadonlyMap<string, Uint8Array> = new Map(),
): ReadonlyMap<string, Uint8Array> {
  const joined = companions.filter((c) => isBankListOf(primary, c.log));
  if (joined.length === 0) return columns;
  const merged = new Map(columns);
  const readings = hypothesesFor(primary).filter((h) => h.extend === 'per-bank' && h.byteOrder === primary.byteOrder);
  for (const c of joined) {
    for (const hypothesis of readings) {
      const made = companionExtendColumn(primary, c.log, provider, hypothesis);
      if (made === undefined) continue;
      merged.delete(runningValuesKey(made.bank, hypothesis));
      merged.set(extendValuesKey(made.bank, hypothesis), made.column);
    }
  }
  return merged;
}

/**
 * Sorts the IMA lists given into the one shown (`chosen` when given, else the longest; the
 * first of equals), its companions (one list per other bank) and the rest (lists of a bank
 * already taken).
 */
export function arrangeBankLists<T extends { readonly log: ImaLog }>(
  logs: readonly T[],
  chosen?: T,
): { primary?: T; companions: T[]; extra: T[] } {
  if (logs.length === 0) return { companions: [], extra: [] };
  let primary = chosen ?? logs[0];
  if (chosen === undefined) for (const l of logs) if (l.log.entries.length > primary.log.entries.length) primary = l;
  const companions: T[] = [];
  const others = logs.filter((l) => l !== primary);
  // A list of the shown list's boot (the same first entry) is its companion before a list of
  // another boot of that bank (two boots' per-bank lists given together).
  const sameBootFirst = [...others.filter((l) => isBankListOf(primary.log, l.log)), ...others.filter((l) => !isBankListOf(primary.log, l.log))];
  for (const l of sameBootFirst) {
    const taken = companions.some((c) => !isOtherBank(c.log, l.log));
    if (isOtherBank(primary.log, l.log) && !taken) companions.push(l);
  }
  return { primary, companions, extra: others.filter((l) => !companions.includes(l)) };
}
