/**
 * The findings rules: each a small pure function from what the analysis established to the
 * CONTRACT §3 findings, with the entries involved and a message that says what happened and
 * what to do next. `analyze` runs them all and sorts by severity.
 */
import type { Finding, FindingCode, PcrCheck } from '../report/report';
import type { ImaLog } from '../model/ima-log';
import type { TemplateHashSummary } from '../ima/template-digests';
import { FINDING_HELP } from './finding-help';
import type { LogFacts } from './log-facts';
import type { BootAggregateResult } from './check-boot-aggregate';
import type { QuoteCheck } from './check-quote';
import { toHex } from '../util/bytes';

/** Entry lists in findings are capped: a million-entry list of violations helps nobody. */
export const MAX_FINDING_ENTRIES = 1000;

function finding(code: FindingCode, message: string, entries?: readonly number[]): Finding {
  const f: Finding = { code, severity: FINDING_HELP[code].severity, message };
  if (entries !== undefined) f.entries = entries.slice(0, MAX_FINDING_ENTRIES);
  return f;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listed(entries: readonly number[]): string {
  const shown = entries.slice(0, 5).map((i) => `#${i}`).join(', ');
  return entries.length > 5 ? `${shown} and ${entries.length - 5} more` : shown;
}

export function logFindings(log: ImaLog, facts: LogFacts, hashes: TemplateHashSummary): Finding[] {
  const out: Finding[] = [];
  for (const err of log.errors) {
    out.push(finding('parse-error', `At byte offset ${err.offset}: ${err.message}`, []));
  }
  if (facts.unknownTemplate.length > 0) {
    const names = [...new Set(facts.unknownTemplate.slice(0, 100).map((i) => log.templates[log.entries.template[i]].name))];
    out.push(
      finding(
        'unknown-template',
        `${plural(facts.unknownTemplate.length, 'entry')} use a template or field not decoded (${names.join(', ')}); they are shown raw and still replayed.`,
        facts.unknownTemplate,
      ),
    );
  }
  if (log.format === 'binary' && log.byteOrder === 'big') {
    out.push(
      finding(
        'byte-order-big',
        'The list is big-endian: written by a big-endian kernel without ima_canonical_fmt. evmctl and most verifiers read only little-endian lists.',
      ),
    );
  }
  if (facts.oppositeByteOrder.length > 0) {
    out.push(
      finding(
        'byte-order-mixed',
        `${plural(facts.oppositeByteOrder.length, 'entry')} (${listed(facts.oppositeByteOrder)}) verify only with their length fields in ${log.byteOrder === 'little' ? 'big' : 'little'}-endian order: part of this list was written on another architecture. Those entries are hashed in that order for the other banks.`,
        facts.oppositeByteOrder,
      ),
    );
  }
  if (hashes.mismatches.length > 0) {
    out.push(
      finding(
        'template-hash-mismatch',
        `${plural(hashes.mismatches.length, 'entry')} (${listed(hashes.mismatches)}) have a template digest that is not the hash of their template data: altered or corrupted after measurement. Compare the file named with a known-good copy.`,
        hashes.mismatches,
      ),
    );
  }
  if (hashes.violations.length > 0) {
    out.push(
      finding(
        'violation',
        `${plural(hashes.violations.length, 'measurement violation')} (${listed(hashes.violations)}): all-zero template digests, extended as 0xFF. The verifier must allow violations (evmctl --ignore-violations); find the process that opened the file for write while it was measured.`,
        hashes.violations,
      ),
    );
  }
  return out;
}

export function pcrFindings(checks: readonly PcrCheck[], entryCount: number, evidence: readonly string[]): Finding[] {
  const out: Finding[] = [];
  for (const c of checks) {
    const where = `${c.bank} PCR ${c.pcr}`;
    const how =
      c.hypothesis === undefined
        ? ''
        : [
            c.hypothesis.extend === 'padded-sha1' ? 'zero-padded SHA-1 template digests' : '',
            c.hypothesis.violations === 'zero' ? 'violations extended as zeros instead of 0xFF' : '',
            c.hypothesis.byteOrder !== undefined && c.hypothesis.byteOrder !== checks[0]?.hypothesis?.byteOrder
              ? `${c.hypothesis.byteOrder}-endian template hashes`
              : '',
          ]
            .filter((s) => s !== '')
            .join(', ');
    const via = how === '' ? '' : ` (only with ${how})`;
    if (c.status === 'match') {
      out.push(finding('pcr-match', `${where}: replaying all ${entryCount} entries gives the supplied value${via}.`, []));
    } else if (c.status === 'prefix') {
      const m = c.matchedEntries ?? 0;
      out.push(
        finding(
          'log-ahead-of-pcrs',
          `${where} equals the replay after ${m} of ${entryCount} entries${via}: the log was read after the PCRs; the last ${entryCount - m} entries are not covered by them. Read the log and the quote together, or let the verifier stop at entry ${m}.`,
          m > 0 ? [m - 1] : [],
        ),
      );
    } else {
      const why = evidence.length > 0 ? ` Evidence: ${evidence.join(' ')}` : '';
      out.push(
        finding(
          'pcr-mismatch',
          `${where}: no prefix of the log reproduces ${c.expected.slice(0, 16)}… under any interpretation tried (per-bank or padded SHA-1 digests, violations as 0xFF or zero, either byte order). The full replay gives ${c.replayed.slice(0, 16)}….${why}`,
        ),
      );
    }
    if (c.hypothesis?.extend === 'padded-sha1') {
      out.push(
        finding(
          'padded-sha1-extend',
          `${where} matches only when extended with zero-padded SHA-1 template digests: the kernel is 5.1–5.7 (or an older TPM 2.0 driver). Per-bank verifiers will reject it; verify the sha1 bank or upgrade the kernel to ≥ 5.8.`,
        ),
      );
    }
  }
  return out;
}

export function kexecFindings(facts: LogFacts): Finding[] {
  const out: Finding[] = [];
  const { boots, kexec } = facts;
  for (let k = 1; k < boots.length; k++) {
    const from = boots[k - 1].index;
    const to = boots[k].index;
    out.push(
      finding(
        'kexec-soft-reboot',
        `boot_aggregate #${k + 1} at entry ${to}: the list was carried across a kexec soft reboot (boot ${k} spans entries ${from}–${to - 1}). PCR 10 was not reset; the whole list is replayed.`,
        [to],
      ),
    );
    const markers = kexec.filter((m) => m.index > from && m.index < to);
    const lastLoad = [...markers].reverse().find((m) => m.event === 'kexec_load');
    if (markers.length === 0) {
      out.push(
        finding(
          'kexec-window-lost',
          `The soft reboot before entry ${to} has no kexec_load/kexec_execute records: the old kernel predates 6.16 and copied the list at kexec load, so anything measured between load and execute is extended in the TPM but missing here. If the PCR replay fails, this is the likely cause; a cold boot restores attestation.`,
          [to],
        ),
      );
    } else if (lastLoad !== undefined && !markers.some((m) => m.event === 'kexec_execute' && m.index > lastLoad.index)) {
      out.push(
        finding(
          'kexec-window-lost',
          `kexec_load at entry ${lastLoad.index} is not followed by kexec_execute before the next boot_aggregate (entry ${to}): the list was copied at load time and measurements made after it are missing. A cold boot restores attestation.`,
          [lastLoad.index, to],
        ),
      );
    }
  }
  return out;
}

/** Sentences on counters: the record's count and size against the entries actually before it. */
export function kexecCounterNotes(facts: LogFacts): string[] {
  const notes: string[] = [];
  for (const m of facts.kexec) {
    if (m.count !== undefined && m.count !== m.entriesBefore) {
      notes.push(`${m.event} at entry ${m.index} counts ${m.count} entries but ${m.entriesBefore} precede it.`);
    }
  }
  return notes;
}

export function bootAggregateFindings(results: readonly BootAggregateResult[], source: string): Finding[] {
  const out: Finding[] = [];
  for (const r of results) {
    if (r.matched !== undefined) {
      out.push(
        finding(
          'boot-aggregate-match',
          `boot_aggregate at entry ${r.boot.index} equals ${r.matched.bank} over PCRs ${r.matched.pcrs} of ${source}.`,
          [r.boot.index],
        ),
      );
      continue;
    }
    if (r.noTpm) continue;
    const expected = r.candidates.map((c) => `${c.bank} over PCRs ${c.pcrs} = ${toHex(c.digest)}`).join('; ');
    out.push(
      finding(
        'boot-aggregate-mismatch',
        `boot_aggregate at entry ${r.boot.index} is ${r.boot.digest}, but ${source} give ${expected}. The log is from another boot, or the PCRs 0–9 are from another time or machine.`,
        [r.boot.index],
      ),
    );
  }
  return out;
}

export function quoteFindings(q: QuoteCheck, entryCount: number | undefined): Finding[] {
  const out: Finding[] = [];
  const r = q.report;
  if (r.signature === 'invalid') {
    out.push(finding('quote-signature-invalid', `The quote signature does not verify with the supplied attestation key: ${q.signatureDetail ?? ''}`.trim()));
  }
  if (r.nonceMatches === false) {
    out.push(finding('quote-nonce-mismatch', `The quote's nonce (extraData) is ${r.nonce === '' ? 'empty' : r.nonce}, not the nonce given: a stale or replayed quote.`));
  }
  if (r.digestMatches === false) {
    out.push(
      finding(
        'quote-digest-mismatch',
        `The quote's pcrDigest ${r.pcrDigest.slice(0, 16)}… equals the digest of the replayed and supplied PCRs after no entry of the log (whole log: ${r.computedDigest?.slice(0, 16) ?? '?'}…). ${q.evidence.join(' ')} See the PCR checks for which PCR disagrees.`,
      ),
    );
  } else if (r.digestMatches === true) {
    const m = r.matchedEntries;
    const covered =
      m === undefined || entryCount === undefined
        ? 'It equals the digest of the supplied PCRs.'
        : m === entryCount
          ? `It covers all ${entryCount} entries of the log.`
          : `The quote covers entries 1–${m} of ${entryCount}; ${entryCount - m} were measured after it.`;
    out.push(finding('quote-match', `The quote's pcrDigest is reproduced. ${covered}`, m !== undefined && m > 0 ? [m - 1] : undefined));
  }
  if (q.missing.length > 0) {
    out.push(
      finding(
        'input-unused',
        `The quote selects PCRs with no known value (${q.missing.map((m) => `${m.bank}:${m.pcr}`).join(', ')}): supply PCR values or the firmware event log to check its digest.`,
      ),
    );
  }
  return out;
}
