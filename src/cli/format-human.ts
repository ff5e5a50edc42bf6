/**
 * The CLI's human summary: the verdict first, then the findings (worst first), then one line
 * per PCR check and the quote. Plain text, no colour codes, so it pastes into tickets.
 */
import type { Report } from '../core/report/report';
import { FINDING_HELP } from '../core/analysis/finding-help';

const MARK = { error: 'FAIL', warning: 'WARN', info: 'info' } as const;

export function formatHumanReport(report: Report): string {
  const lines: string[] = [];
  const errors = report.findings.filter((f) => f.severity === 'error');
  const warnings = report.findings.filter((f) => f.severity === 'warning');
  if (errors.length > 0) {
    lines.push(`VERDICT: FAIL — ${FINDING_HELP[errors[0].code].title}: ${errors[0].message}`);
  } else if (warnings.length > 0) {
    lines.push(`VERDICT: PASS with warnings — ${warnings[0].message}`);
  } else {
    lines.push('VERDICT: PASS — every supplied check agrees');
  }
  lines.push('');
  const log = report.log;
  if (log !== undefined) {
    const templates = Object.entries(log.templates)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    lines.push(
      `Log: ${log.entries} entries (${templates}), ${log.byteOrder}-endian, ${log.boots.length} boot(s), ${log.violations.length} violation(s), template hashes: ${log.templateHash.checked} checked, ${log.templateHash.mismatches.length} mismatched`,
    );
  }
  for (const input of report.inputs) lines.push(`Input: ${input.name} (${input.kind}, ${input.size} bytes)`);
  lines.push('');
  if (report.findings.length > 0) {
    lines.push('Findings:');
    for (const f of report.findings) {
      const entries = f.entries !== undefined && f.entries.length > 0 ? ` [entries ${f.entries.slice(0, 8).join(', ')}${f.entries.length > 8 ? ', …' : ''}]` : '';
      lines.push(`  ${MARK[f.severity]} ${f.code}: ${f.message}${entries}`);
    }
    lines.push('');
  }
  if (report.pcrChecks !== undefined) {
    lines.push('PCR checks:');
    for (const c of report.pcrChecks) {
      const at = c.matchedEntries === undefined ? '' : ` after ${c.matchedEntries} entries`;
      lines.push(`  ${c.bank} PCR ${c.pcr}: ${c.status}${at}`);
      lines.push(`    expected ${c.expected}`);
      lines.push(`    replayed ${c.replayed}`);
    }
    lines.push('');
  }
  const q = report.quote;
  if (q !== undefined) {
    lines.push(
      `Quote: signature ${q.signature}, digest ${q.digestMatches === undefined ? 'not checked' : q.digestMatches ? 'matches' : 'differs'}${q.nonceMatches === undefined ? '' : `, nonce ${q.nonceMatches ? 'matches' : 'differs'}`}, resetCount ${q.clock.resetCount}, restartCount ${q.clock.restartCount}`,
    );
    lines.push(`  pcrDigest ${q.pcrDigest}`);
    if (q.computedDigest !== undefined) lines.push(`  computed  ${q.computedDigest}`);
    lines.push('');
  }
  if (report.replay !== undefined && report.pcrChecks === undefined) {
    lines.push('Replayed PCRs (no values supplied to compare):');
    for (const [bank, pcrs] of Object.entries(report.replay)) {
      for (const [pcr, hex] of Object.entries(pcrs ?? {})) lines.push(`  ${bank} PCR ${pcr}: ${hex}`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
