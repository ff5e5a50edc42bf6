/**
 * The CLI's human summary: the verdict first, then the findings (worst first), then one line
 * per PCR check and the quote. Plain text, no colour codes, so it pastes into tickets.
 */
import type { Finding, QuoteSources, Report, ReportQuote } from '../core/report/report';
import { firstDifference } from '../core/util/digest-diff';
import { firmwarePcrsText, moreProblemsText, verdictLine, verdictOf } from '../core/analysis/verdict';
import { formatPcrSet } from '../core/util/pcr-set';
import { formatCount, plural } from '../core/util/count-text';
import { signatureCounts } from '../core/policy/policy-dry-run';
import { terminalLines } from './say';

const MARK = { error: 'FAIL', warning: 'WARN', info: 'info' } as const;

export function formatHumanReport(report: Report): string {
  const lines: string[] = [];
  const verdict = verdictOf(report);
  lines.push(`VERDICT: ${verdictLine(verdict)}`);
  const more = moreProblemsText(verdict);
  if (more !== undefined) lines.push(`  ${more}`);
  lines.push('');
  const log = report.log;
  if (log !== undefined) {
    const templates = Object.entries(log.templates)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    // Byte order is a property of the binary format: an ASCII list has none.
    const binary = report.inputs.some((i) => i.kind === 'ima-binary');
    lines.push(
      `Log: ${plural(log.entries, 'entry', 'entries')} (${templates}), ${binary ? `${log.byteOrder}-endian` : 'ASCII'}, ${plural(log.boots.length, 'boot')}, ${plural(log.violations.length, 'violation')}, template hashes: ${formatCount(log.templateHash.checked)} checked, ${formatCount(log.templateHash.mismatches.length)} mismatched`,
    );
  }
  lines.push(...firmwareLines(report), ...policyLines(report));
  for (const input of report.inputs) {
    const placed = input.selectionFrom === undefined ? '' : `, PCRs placed by the selection of ${input.selectionFrom.join(' and ')}`;
    lines.push(`Input: ${input.name} (${input.kind}, ${input.size} bytes${placed})`);
  }
  lines.push('');
  if (report.findings.length > 0) {
    lines.push('Findings:');
    for (const f of report.findings) lines.push(`  ${findingLine(f)}`);
    lines.push('');
  }
  if (report.pcrChecks !== undefined) {
    lines.push('PCR checks:');
    for (const c of report.pcrChecks) {
      const at = c.matchedEntries === undefined ? '' : ` after ${c.matchedEntries} entries`;
      const source = c.fromQuote === undefined ? '' : ` (the value quote ${c.fromQuote} attests)`;
      lines.push(`  ${c.bank} PCR ${c.pcr}: ${c.status}${at}${source}`);
      lines.push(`    expected ${c.expected}`);
      if (c.status === 'prefix') {
        // The expected value is the prefix's; the whole log's value is another hash, not a near miss.
        lines.push(`    whole log ${c.replayed} (entries after the first ${c.matchedEntries ?? '?'} change it)`);
      } else {
        lines.push(`    replayed ${c.replayed}`);
        lines.push(...differenceLine(c.expected, c.replayed));
      }
    }
    lines.push('');
  }
  // Every quote on its own (one per bank, as GCE sends); older reports carry only `quote`.
  const quotes = report.quotes ?? (report.quote !== undefined ? [report.quote] : []);
  for (const q of quotes) lines.push(...quoteLines(q, report.log?.entries, quotes.length > 1), '');
  if (report.replay !== undefined && report.pcrChecks === undefined) {
    // Values given but refused (unreadable, or a PCR given two values) were not compared either.
    const refused = report.findings.some((f) => f.code === 'input-unreadable');
    lines.push(`Replayed PCRs (${refused ? 'no supplied value compared' : 'no values supplied to compare'}):`);
    for (const [bank, pcrs] of Object.entries(report.replay)) {
      for (const [pcr, hex] of Object.entries(pcrs ?? {})) lines.push(`  ${bank} PCR ${pcr}: ${hex}`);
    }
    lines.push('');
  }
  return terminalLines(lines);
}

/** One finding as the summary lists it: "FAIL code: message [entries …]". */
export function findingLine(f: Finding): string {
  const entries = f.entries !== undefined && f.entries.length > 0 ? ` [entries ${f.entries.slice(0, 8).join(', ')}${f.entries.length > 8 ? ', …' : ''}]` : '';
  return `${MARK[f.severity]} ${f.code}: ${f.message}${entries}`;
}

/** The firmware log's replay in one line, then one verdict line per boot_aggregate entry. */
function firmwareLines(report: Report): string[] {
  const lines: string[] = [];
  const fw = report.firmware;
  if (fw !== undefined) {
    const banks = firmwarePcrsText(fw);
    // The kernel's own reading for each bank (sha1 over PCRs 0–7, others over 0–9); a
    // boot_aggregate of an older kernel (0–7 in every bank) is said by the match finding.
    const aggregates = Object.entries(fw.bootAggregates)
      .map(([bank, hex]) => `${bank} over PCRs ${bank === 'sha1' ? '0–7' : '0–9'} ${hex}`)
      .join(', ');
    const checks = fw.checks ?? [];
    const mismatched = checks.filter((c) => c.status === 'mismatch').map((c) => `${c.bank}:${c.pcr}`);
    const compared =
      checks.length === 0
        ? 'no supplied PCR values it governs to compare'
        : mismatched.length === 0
          ? `${checks.length === 1 ? 'the 1 supplied PCR value it governs matches' : `all ${checks.length} supplied PCR values it governs match`}`
          : `${checks.length - mismatched.length} of ${checks.length} supplied PCR values it governs match (differ: ${mismatched.join(', ')})`;
    const registers = Object.keys(fw.ccRegisters ?? {});
    if (fw.ccRegisters !== undefined) {
      lines.push(`Firmware log: ${fw.events} events, a confidential-computing (TDX) log: replayed ${registers.length === 0 ? 'no register' : registers.join(', ')} (sha384), not TPM PCRs`);
    } else {
      lines.push(`Firmware log: ${fw.events} events, ${banks === '' ? 'no PCR replayed' : `replayed ${banks}`}; ${compared}`);
    }
    if (aggregates !== '') lines.push(`  boot_aggregate from it: ${aggregates}`);
    // The values themselves, as the --json report has them: what a quote or PCR listing of
    // this machine should show, each beside the supplied value when one was compared.
    for (const [bank, pcrs] of Object.entries(fw.replay)) {
      for (const [pcr, hex] of Object.entries(pcrs ?? {})) {
        const check = checks.find((c) => c.bank === bank && c.pcr === Number(pcr));
        const compared = check === undefined ? '' : check.status === 'match' ? ' (the supplied value matches)' : ` (supplied ${check.expected})`;
        lines.push(`  ${bank} PCR ${pcr}: ${hex}${compared}`);
      }
    }
  }
  for (const f of report.findings) {
    if (f.code === 'boot-aggregate-match') lines.push(`boot_aggregate: match — ${f.message}`);
    if (f.code === 'boot-aggregate-mismatch') lines.push(`boot_aggregate: MISMATCH — ${f.message}`);
  }
  return lines;
}

/** Under two values shown in full: where they part (they may differ only in the last digits). */
function differenceLine(a: string, b: string): string[] {
  const at = firstDifference(a, b);
  return at < 0 ? [] : [`    differ   ${' '.repeat(at)}^ from hex digit ${at + 1} (byte ${Math.floor(at / 2) + 1}); the first ${at} digits agree`];
}

/** What the user has yet to give for the quote's signature to be checked. */
function missingForSignature(q: Partial<QuoteSources>): string {
  if (q.signatureUnreadable !== undefined) return `its signature could not be read: ${q.signatureUnreadable}`;
  if (q.signatureInput !== undefined && q.akInput === undefined) return 'no attestation key was given';
  if (q.signatureInput === undefined && q.akInput !== undefined) return 'no signature was given';
  return 'give the signature and the AK';
}

/** The quote's verdict in one line (each check named), then what it was checked against. */
function quoteLines(q: ReportQuote & Partial<QuoteSources & { input: string }>, entries: number | undefined, named: boolean): string[] {
  // A valid signature by a key that is not an attestation key attests nothing (finding quote-key-not-ak).
  const notAk = q.akNotAttestationKey !== undefined;
  const failed = q.signature === 'invalid' || notAk || q.nonceMatches === false || q.digestMatches === false;
  const complete = q.signature === 'valid' && q.nonceMatches === true && q.digestMatches === true;
  const verdict = failed ? 'FAILED' : complete ? 'VERIFIED' : 'PARTLY CHECKED';
  const signature =
    q.signature === 'unchecked'
      ? `signature not checked (${missingForSignature(q)})`
      : q.signature === 'invalid'
        ? 'signature INVALID'
        : notAk
          ? 'signature valid, but the key is NOT AN ATTESTATION KEY'
          : 'signature valid';
  const nonce = q.nonceMatches === undefined ? 'nonce not checked (no --nonce)' : `nonce ${q.nonceMatches ? 'matches' : 'DIFFERS'}`;
  const m = q.matchedEntries;
  const digest =
    q.digestMatches === undefined
      ? 'pcrDigest not checked (a selected PCR has no known value)'
      : !q.digestMatches
        ? 'pcrDigest DIFFERS from every prefix of the log'
        : m === undefined || entries === undefined
          ? `pcrDigest reproduced by the supplied PCR values${entries === undefined ? '' : `, attesting none of the log's ${plural(entries, 'entry', 'entries')} (it selects no PCR the log extends)`}`
          : m === entries
            ? `pcrDigest reproduced by all ${entries} entries`
            : `pcrDigest reproduced after ${m} of ${entries} entries (${entries - m} measured after the quote)`;
  const selection = Object.entries(q.selection)
    .map(([bank, pcrs]) => `${bank}: ${formatPcrSet(pcrs ?? [])}`)
    .join(' + ');
  const label = named && q.input !== undefined ? `Quote ${q.input}` : 'Quote';
  const out = [`${label}: ${verdict} — ${signature}, ${nonce}, ${digest}`, `  selection  ${selection}`, `  pcrDigest  ${q.pcrDigest}`];
  if (q.computedDigest !== undefined && q.computedDigest !== q.pcrDigest) {
    out.push(`  whole log  ${q.computedDigest}`);
    // Reproduced by a prefix, the whole log's digest is another hash: no near miss to point at.
    if (q.digestMatches !== true) out.push(...differenceLine(q.pcrDigest, q.computedDigest).map((l) => l.replace(/^ {4}differ {3}/, '  differ     ')));
  }
  if (q.signatureInput !== undefined || q.akInput !== undefined) {
    out.push(`  signature  ${q.signatureInput ?? '(none)'}, key ${q.akInput ?? '(none)'}`);
  }
  if (q.akNotAttestationKey !== undefined) out.push(`  not an AK  ${q.akNotAttestationKey}`);
  const cert = q.akCertificate;
  if (cert !== undefined) {
    out.push(`  AK certificate: subject ${cert.subject === '' ? '(empty)' : cert.subject}; issuer ${cert.issuer}; valid ${cert.notBefore} to ${cert.notAfter}; ${cert.key}`);
  }
  if (q.nonceMatches === false) out.push(`  extraData  ${q.nonce === '' ? '(empty)' : q.nonce}`);
  out.push(`  clock ${q.clock.clock} ms, resetCount ${q.clock.resetCount}, restartCount ${q.clock.restartCount}, safe ${q.clock.safe ? 'yes' : 'no'}, firmwareVersion 0x${q.firmwareVersion}`);
  return out;
}

function policyLines(report: Report): string[] {
  const lines: string[] = [];
  const p = report.policy;
  if (p !== undefined) {
    const envelope = p.envelope === undefined ? '' : `, DSSE signature ${p.envelope}`;
    lines.push(`Policy: ${p.inputs.join(' + ')} (${p.format}${envelope}), ${p.digests} paths, ${p.excludes} excludes; Keylime's verdict: ${p.keylimePass ? 'PASS' : 'FAIL'} (${p.passed} passed, ${p.excluded} excluded, ${p.failed} failed)`);
  }
  const s = report.signatures;
  if (s !== undefined) {
    lines.push(`Signatures: ${signatureCounts(s)}; keys: ${s.keys.map((k) => `${k.keyid} ${k.algorithm} (${k.source})`).join(', ') || 'none'}`);
  }
  return lines;
}
