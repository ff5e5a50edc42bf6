/**
 * The findings rules: each a small pure function from what the analysis established to the
 * CONTRACT §3 findings, with the entries involved and a message that says what happened and
 * what to do next. `analyze` runs them all and sorts by severity.
 */
import { describeDifference } from '../util/digest-diff';
import type { Finding, FindingCode, PcrCheck } from '../report/report';
import type { ByteOrder, ImaLog } from '../model/ima-log';
import type { TemplateHashSummary } from '../ima/template-digests';
import { FINDING_HELP } from './finding-help';
import type { LogFacts } from './log-facts';
import type { BootAggregateResult, FirmwareEventRef, UncheckedBootAggregate } from './check-boot-aggregate';
import type { BootAggregateCandidate } from '../eventlog/boot-aggregate';
import type { QuoteCheck } from './check-quote';
import { toHex } from '../util/bytes';
import { formatCount, plural } from '../util/count-text';
import { formatIndexRun, toIndexRuns } from './index-runs';
import { computeSoftReboots, entriesMissingBefore, kexecMarkerNotes } from './soft-reboots';

/** Entry lists in findings are capped: a million-entry list of violations helps nobody. */
export const MAX_FINDING_ENTRIES = 1000;

function finding(code: FindingCode, message: string, entries?: readonly number[]): Finding {
  const f: Finding = { code, severity: FINDING_HELP[code].severity, message };
  if (entries !== undefined) f.entries = entries.slice(0, MAX_FINDING_ENTRIES);
  return f;
}


function listed(entries: readonly number[]): string {
  const shown = entries.slice(0, 5).map((i) => `#${i}`).join(', ');
  return entries.length > 5 ? `${shown} and ${entries.length - 5} more` : shown;
}

/**
 * `log`: the model, or what a streaming pass kept of the list (streamed-log.ts). `inputName`:
 * the list's file, named in parse errors as the firmware log's are.
 */
export function logFindings(log: Pick<ImaLog, 'errors' | 'format' | 'byteOrder'>, facts: LogFacts, hashes: TemplateHashSummary, inputName: string): Finding[] {
  const out: Finding[] = [];
  for (const err of log.errors) {
    out.push(finding('parse-error', `${inputName}, at byte offset ${err.offset}: ${err.message}`, []));
  }
  if (facts.unknownTemplate.length > 0) {
    const names = facts.unknownTemplateNames;
    out.push(
      finding(
        'unknown-template',
        `${plural(facts.unknownTemplate.length, 'entry uses', 'entries use')} a template or field not decoded (${names.join(', ')}); shown raw and still replayed.`,
        facts.unknownTemplate,
      ),
    );
  }
  if (facts.namesWithSpaces.length > 0) {
    const n = facts.namesWithSpaces;
    out.push(
      finding(
        'name-with-spaces',
        `${n.length === 1 ? '1 entry' : `${n.length} entries`} (${listed(n)}) of templates from kernels since 3.13 ${n.length === 1 ? 'has a space in its name' : 'have a space in their names'}, which those kernels write as "_": the list was written or rewritten by a tool, not read from securityfs as it is.`,
        n,
      ),
    );
  }
  if (facts.digestSizeMismatches.length > 0) {
    const m = facts.digestSizeMismatches;
    out.push(
      finding(
        'digest-size-mismatch',
        `${plural(m.length, 'entry has', 'entries have')} a file digest whose length is not that of the algorithm it names (${listed(m)}), as in "sha256:" with 20 bytes: no kernel writes that, so the list was forged or rewritten by a tool, and a policy or signature check of those files compares the wrong bytes.`,
        m,
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
  } else if (log.format === 'ascii' && facts.hashOrder === 'big') {
    out.push(
      finding(
        'byte-order-big',
        'The template hashes of this ASCII list verify only with big-endian length words: it was read from a big-endian kernel without ima_canonical_fmt, whose binary list is big-endian. evmctl and most verifiers read only little-endian lists.',
      ),
    );
  }
  // An ASCII list all of whose entries verify in the other order is one order (above), not mixed.
  if (facts.report.byteOrder === 'mixed') {
    const runs = toIndexRuns(facts.oppositeByteOrder);
    const where =
      runs.length <= 5
        ? runs.map(formatIndexRun).join(', ')
        : `${runs.slice(0, 5).map(formatIndexRun).join(', ')} and ${runs.length - 5} more runs`;
    out.push(
      finding(
        'byte-order-mixed',
        `${plural(facts.oppositeByteOrder.length, 'entry', 'entries')} (${where}) ${facts.oppositeByteOrder.length === 1 ? 'verifies' : 'verify'} only with their length fields in ${log.byteOrder === 'little' ? 'big' : 'little'}-endian order: part of this list was written on another architecture. Those entries are hashed in that order for the other banks.`,
        facts.oppositeByteOrder,
      ),
    );
  }
  if (hashes.mismatches.length > 0) {
    out.push(
      finding(
        'template-hash-mismatch',
        `${plural(hashes.mismatches.length, 'entry', 'entries')} (${listed(hashes.mismatches)}) ${hashes.mismatches.length === 1 ? 'has' : 'have'} a template digest that is not the hash of the template data: the entry's name, file digest or other fields were changed (or corrupted) after the kernel measured it, so the list was edited or damaged on its way. Read the list again from the machine (/sys/kernel/security/ima) and compare.`,
        hashes.mismatches,
      ),
    );
  }
  return out;
}

/**
 * Measurement violations: the kernel extends 0xFF for them. `zeroMatched`: the supplied values
 * or a quote were reproduced only with them extended as zeros, which the finding then says
 * (the verifier or the machine did not do what the kernel does).
 */
export function violationFindings(violations: readonly number[], zeroMatched: boolean): Finding[] {
  if (violations.length === 0) return [];
  const how = zeroMatched
    ? 'all-zero template digests; the kernel extends them as 0xFF, but the supplied values were reproduced only with them extended as zeros'
    : 'all-zero template digests, extended as 0xFF';
  return [
    finding(
      'violation',
      `${plural(violations.length, 'measurement violation')} (${listed(violations)}): ${how}. The verifier must allow violations (evmctl --ignore-violations); find the process that opened the file for write while it was measured.`,
      violations,
    ),
  ];
}

/**
 * `order`: the list's own byte order (the hypotheses name the other one as flipped: every
 * entry hashed opposite to the order its template hash verified in) and the one its template
 * hashes establish (LogFacts.hashOrder).
 */
export function pcrFindings(
  checks: readonly PcrCheck[],
  entryCount: number,
  evidence: readonly string[],
  order: { readonly list: ByteOrder; readonly hashed: LogFacts['hashOrder'] },
): Finding[] {
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
      out.push(finding('pcr-match', `${where}: replaying all ${formatCount(entryCount)} entries gives the supplied value${via}.`, []));
    } else if (c.status === 'prefix') {
      const m = c.matchedEntries ?? 0;
      out.push(
        finding(
          'log-ahead-of-pcrs',
          `${where} equals the replay of the first ${m} of ${entryCount} entries${via}: entry #${m} extends PCR ${c.pcr} again, so it and the later PCR ${c.pcr} entries were measured after the PCRs were read. Read the log and the quote together, or let the verifier stop before entry #${m}.`,
          m > 0 ? [m - 1] : [],
        ),
      );
    } else if (/^0+$/.test(c.expected)) {
      // The replay starts from the reset value, so only the empty prefix gives it: no entry.
      out.push(
        finding(
          'pcr-mismatch',
          `${where} holds its reset value (all zeros): it was never extended, yet the log has PCR ${c.pcr} entries, so the value attests none of them. The TPM was reset, or the value was read in another boot or on another machine.`,
        ),
      );
    } else {
      const why = evidence.length > 0 ? ` Evidence: ${evidence.join(' ')}` : '';
      out.push(
        finding(
          'pcr-mismatch',
          `${where}: no prefix of the log reproduces the supplied value under any interpretation tried (per-bank or padded SHA-1 digests, violations as 0xFF or zero, either byte order). Supplied vs full replay: ${describeDifference(c.expected, c.replayed)}.${why}`,
        ),
      );
    }
    // The kernel extends what it records: a value reproduced only against the template hashes is no pass.
    if (c.status !== 'mismatch' && c.hypothesis !== undefined && c.hypothesis.byteOrder !== order.list && order.hashed !== undefined) {
      const hashed = order.hashed === 'mixed' ? "each entry's own order (some little-, some big-endian)" : `${order.hashed}-endian length words`;
      const flipped = order.hashed === 'mixed' ? 'each in the other order' : `${order.hashed === 'big' ? 'little' : 'big'}-endian`;
      out.push(
        finding(
          'byte-order-contradicted',
          `${where} is reproduced only with every template hash recomputed ${flipped}, but the list's own template hashes verify with ${hashed}. The kernel extends the PCR with the template digests it records, so this value and this list do not belong together (evmctl rejects the pair): read both from the same machine and boot.`,
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
  const reboots = computeSoftReboots(facts);
  for (const r of reboots) {
    const from = r.previousBoot.index;
    const to = r.boot.index;
    const cmdline = r.cmdline === undefined ? '' : ` The kexec command line (entry ${r.cmdline.index}) was “${r.cmdline.text}”.`;
    const notes = r.notes.length > 0 ? ` ${r.notes.join(' ')}` : '';
    // A lost window repeats the notes in its own finding, where they explain the loss.
    const rebootNotes = r.outcome === 'no-execute' || r.entriesMissing ? '' : notes;
    out.push(
      finding(
        'kexec-soft-reboot',
        `boot_aggregate #${r.ordinal} at entry ${to}: the list was carried across a kexec soft reboot (boot ${r.ordinal - 1} spans entries ${from}–${to - 1}). PCR 10 was not reset; the whole list is replayed.${cmdline}${rebootNotes}`,
        [to],
      ),
    );
    if (r.outcome === 'no-markers') {
      out.push(
        finding(
          'kexec-window-lost',
          `The soft reboot before entry ${to} has no kexec_load/kexec_execute records: the old kernel predates 6.16 and copied the list at kexec load, so anything measured between load and execute is extended in the TPM but missing here. If the PCR replay fails, this is the likely cause; a cold boot restores attestation.`,
          [to],
        ),
      );
    } else if (r.outcome === 'complete' && r.entriesMissing) {
      out.push(
        finding(
          'kexec-window-lost',
          `The kexec records of the soft reboot before entry ${to} show measurements missing from the carried list:${notes} If the PCR replay fails, this is the likely cause; a cold boot restores attestation.`,
          [...(r.execute !== undefined ? [r.execute.index] : []), to],
        ),
      );
    } else if (r.outcome === 'no-execute' && r.load !== undefined) {
      out.push(
        finding(
          'kexec-window-lost',
          `kexec_load at entry ${r.load.index} is not followed by kexec_execute before the next boot_aggregate (entry ${to}): the carried list stops after entry ${to - 1}, and measurements made after it are missing.${notes} A cold boot restores attestation.`,
          [r.load.index, to],
        ),
      );
    }
  }
  // Records of the last boot (a kernel staged for kexec) whose count proves entries missing.
  for (const m of facts.kexec) {
    const missing = entriesMissingBefore(m);
    if (missing === 0 || reboots.some((r) => m.index > r.previousBoot.index && m.index < r.boot.index)) continue;
    out.push(
      finding(
        'kexec-window-lost',
        `${m.event} at entry ${m.index} counts ${m.count} entries but ${m.entriesBefore} precede it: ${missing} measured before it are missing from the list (lost or cut out). If the PCR replay fails, this is the likely cause.`,
        [m.index],
      ),
    );
  }
  return out;
}

/** Sentences on counters: each record's count and sizes against the entries actually before it. */
export function kexecCounterNotes(facts: LogFacts): string[] {
  const reboots = computeSoftReboots(facts);
  const inReboot = (index: number): boolean => reboots.some((r) => index > r.previousBoot.index && index < r.boot.index);
  // Records of the last boot (a kernel staged for kexec) are judged on their own.
  const loose = facts.kexec.filter((m) => !inReboot(m.index)).flatMap(kexecMarkerNotes);
  return [...reboots.flatMap((r) => r.notes), ...loose];
}

export function bootAggregateFindings(results: readonly BootAggregateResult[]): Finding[] {
  const out: Finding[] = [];
  for (const r of results) {
    const kexec = r.first === undefined ? '' : ` ${acrossKexec(r)}`;
    if (r.matched !== undefined) {
      const older = r.matched.pcrs === '0-7' && r.matched.bank !== 'sha1' ? ' (the PCRs 0–7 variant of kernels before 5.8)' : '';
      out.push(
        finding(
          'boot-aggregate-match',
          `boot_aggregate at entry ${r.boot.index} equals ${r.matched.bank} over PCRs ${span(r.matched)} of ${r.source}${older}.${kexec}`,
          [r.boot.index],
        ),
      );
      continue;
    }
    if (r.noTpm) continue;
    const e = r.expected;
    const others = r.candidates
      .filter((c) => c !== e)
      .map((c) => ` (over PCRs ${span(c)}, as kernels before 5.8 compute it: ${toHex(c.digest)})`)
      .join('');
    const sentences = [
      `boot_aggregate at entry ${r.boot.index} is ${r.boot.digest}, but ${e.bank} over PCRs ${span(e)} of ${r.source} is ${toHex(e.digest)}${others}.`,
    ];
    const differ = r.differingPcrs.length === 0 ? '' : `PCR${r.differingPcrs.length === 1 ? '' : 's'} ${r.differingPcrs.join(', ')}`;
    if (r.matchedElsewhere !== undefined) {
      const m = r.matchedElsewhere;
      sentences.push(
        `It equals ${m.candidate.bank} over PCRs ${span(m.candidate)} of ${m.source}${differ === '' ? '' : `, and the supplied values differ from the firmware log in ${differ}`}: the PCR values and the boot_aggregate are from different boots or times.`,
      );
    } else if (differ !== '') {
      sentences.push(`The supplied values differ from the firmware log replay in ${differ}.`);
    }
    if (kexec !== '') sentences.push(kexec.trim());
    if (r.events.length > 0) {
      const focus = r.differingPcrs.length > 0 ? r.events.filter((ev) => r.differingPcrs.includes(ev.pcr)) : r.events;
      const what = r.differingPcrs.length > 0 ? `Firmware events extending ${differ} in ${e.bank}` : `Firmware events behind ${e.bank} PCRs ${span(e)}`;
      sentences.push(`${what}: ${describeEvents(focus)}.`);
    } else {
      sentences.push('Supply the firmware event log (binary_bios_measurements) to see the events behind PCRs 0–9.');
    }
    if (r.matchedElsewhere === undefined && differ === '' && r.first === undefined) {
      sentences.push('The log is from another boot, or the PCRs 0–9 are from another time or machine.');
    }
    out.push(finding('boot-aggregate-mismatch', sentences.join(' '), [r.boot.index]));
  }
  return out;
}

/**
 * A boot_aggregate a supplied firmware log or PCRs 0–7 could not check: a failed check when the
 * user gave them for it (fail closed), else a warning saying what to supply.
 */
export function uncheckedBootAggregateFindings(unchecked: readonly UncheckedBootAggregate[]): Finding[] {
  return unchecked.map((u) =>
    finding(
      u.supplied ? 'check-incomplete' : 'boot-aggregate-unchecked',
      `boot_aggregate at entry ${u.boot.index}${u.boot.digest === undefined ? '' : ` (${u.boot.digest})`} could not be checked: ${u.reason}`,
      [u.boot.index],
    ),
  );
}

function span(c: BootAggregateCandidate): string {
  return c.pcrs === '0-9' ? '0–9' : '0–7';
}

/** What a later boot_aggregate (after kexec) says about PCRs 0–9 compared with the first. */
function acrossKexec(r: BootAggregateResult): string {
  if (r.first === undefined) return '';
  const first = `the first boot_aggregate (entry ${r.first.boot.index})`;
  if (r.first.same) return `It equals ${first}: PCRs 0–9 did not change across the kexec, as expected.`;
  return (
    `It differs from ${first}: PCRs 0–9 normally do not change across kexec (no TPM reset, nothing measures into them), so something extended them after the cold boot, or the list joins boots of two machines.` +
    (r.primary === 'supplied' ? '' : ' The firmware log records the cold boot only: supply the PCR values read now to compare this one with the PCRs of its time.')
  );
}

/**
 * Firmware events grouped per PCR, consecutive events of one type together, with contiguous
 * indices folded: "PCR 5: EV_EFI_VARIABLE_BOOT #17–#29, EV_SEPARATOR #36; PCR 8: EV_IPL ×101:
 * #45, #47, #49, …, #160".
 */
function describeEvents(events: readonly FirmwareEventRef[]): string {
  const MAX_PIECES = 6;
  const byPcr = new Map<number, Array<{ typeName: string; indices: number[] }>>();
  for (const ev of events) {
    const groups = byPcr.get(ev.pcr) ?? [];
    const last = groups[groups.length - 1];
    if (last !== undefined && last.typeName === ev.typeName) last.indices.push(ev.index);
    else groups.push({ typeName: ev.typeName, indices: [ev.index] });
    byPcr.set(ev.pcr, groups);
  }
  if (byPcr.size === 0) return 'none (these PCRs keep their reset values)';
  const describeGroup = ({ typeName, indices }: { typeName: string; indices: number[] }): string => {
    const pieces = foldRuns(indices).map(([a, b]) => (a === b ? `#${a}` : `#${a}–#${b}`));
    if (pieces.length <= MAX_PIECES) return `${typeName} ${pieces.join(', ')}`;
    return `${typeName} ×${indices.length}: ${pieces.slice(0, MAX_PIECES - 1).join(', ')}, …, ${pieces[pieces.length - 1]}`;
  };
  return [...byPcr.entries()]
    .sort(([a], [b]) => a - b)
    .map(([pcr, groups]) => `PCR ${pcr}: ${groups.map(describeGroup).join(', ')}`)
    .join('; ');
}

/** [1,2,3,7] → [[1,3],[7,7]]. */
function foldRuns(sorted: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const n of sorted) {
    const last = runs[runs.length - 1];
    if (last !== undefined && n === last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  return runs;
}

/**
 * `source`: the quote's input, named in every message when several quotes were given.
 * `judgedWith`: the key the signature was checked with when it is no attestation key (it
 * verifies no supplied quote; the report calls it an IMA key), so it is not called one.
 */
export function quoteFindings(q: QuoteCheck, entryCount: number | undefined, source?: string, judgedWith?: string): Finding[] {
  const out = singleQuoteFindings(q, entryCount, judgedWith);
  return source === undefined ? out : out.map((f) => ({ ...f, message: `${source}: ${f.message}` }));
}

function singleQuoteFindings(q: QuoteCheck, entryCount: number | undefined, judgedWith: string | undefined): Finding[] {
  const out: Finding[] = [];
  const r = q.report;
  if (r.signature === 'invalid') {
    const key = judgedWith === undefined ? 'the supplied attestation key' : `${judgedWith}, a key that verifies none of the supplied quotes (no attestation key was given)`;
    out.push(finding('quote-signature-invalid', `The quote signature does not verify with ${key}: ${q.signatureDetail ?? ''}`.trim()));
  }
  if (q.akNotAttestationKey !== undefined) {
    out.push(
      finding(
        'quote-key-not-ak',
        `The quote's signature is valid, but the key it verifies with is not an attestation key: ${q.akNotAttestationKey}. So nothing shows that a TPM made this quote. Give the AK the TPM made for attestation (tpm2_createak; tpm2_readpublic shows its attributes as fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign).`,
      ),
    );
  }
  if (r.nonceMatches === false) {
    out.push(finding('quote-nonce-mismatch', `The quote's nonce (extraData) is ${r.nonce === '' ? 'empty' : r.nonce}, not the nonce given: a stale or replayed quote.`));
  }
  if (r.digestMatches === false) {
    out.push(
      finding(
        'quote-digest-mismatch',
        [
          `No prefix of the log reproduces the quote's pcrDigest from the replayed and supplied PCRs (quote vs whole log: ${r.computedDigest === undefined ? `${r.pcrDigest.slice(0, 16)}… vs ?` : describeDifference(r.pcrDigest, r.computedDigest)}).`,
          ...q.evidence,
          'See the PCR checks for which PCR disagrees.',
        ].join(' '),
      ),
    );
  } else if (r.digestMatches === true) {
    const m = r.matchedEntries;
    const unselected = q.logPcrsUnselected;
    const covered =
      unselected !== undefined
        ? `It equals the digest of the supplied PCRs, but selects none of the PCRs the log extends (${unselected.join(', ')}): it attests none of the log's ${plural(entryCount ?? 0, 'entry', 'entries')}.`
        : m === undefined || entryCount === undefined
          ? 'It equals the digest of the supplied PCRs.'
          : m === entryCount
            ? `It covers all ${entryCount} entries of the log.`
            : `The quote covers entries 1–${m} of ${entryCount}; ${entryCount - m} were measured after it.`;
    out.push(finding('quote-match', `The quote's pcrDigest is reproduced. ${covered}`, m !== undefined && m > 0 ? [m - 1] : undefined));
    // Sound for what it selects, yet it vouches for no entry of the log given with it: said, not a clean pass.
    if (unselected !== undefined) {
      out.push(
        finding(
          'quote-misses-log',
          `The quote selects none of the PCRs the log extends (${unselected.join(', ')}): it attests none of the log's ${plural(entryCount ?? 0, 'entry', 'entries')}. Take the quote made with this log, selecting PCR ${unselected.join(', ')}.`,
        ),
      );
    }
  }
  // Fail closed: a quote whose pcrDigest could not be recomputed is a check not made.
  if (q.missing.length > 0) {
    out.push(
      finding(
        'check-incomplete',
        `The quote selects PCRs with no known value (${q.missing.map((m) => `${m.bank}:${m.pcr}`).join(', ')}), so its pcrDigest cannot be checked: supply PCR values or the firmware event log.`,
      ),
    );
  } else if (r.digestMatches === undefined) {
    out.push(finding('check-incomplete', `The quote's pcrDigest cannot be recomputed: no hash function here for its ${r.pcrDigest.length / 2}-byte digest.`));
  }
  return out;
}
