import type { Report } from './report';

/** The verdict: the worst severity among the findings (analyze sorts them worst first). */
export function verdictOf(report: Report): 'error' | 'warning' | 'info' | 'ok' {
  return report.findings[0]?.severity ?? 'ok';
}

/**
 * The CLI's exit status for a report (CONTRACT §2, §5.2): 2 when an input could not be read as
 * its kind (fail closed: whatever else agreed, a supplied input went unchecked), 1 when a check
 * failed, 0 when every supplied check agrees.
 */
export function exitStatusOf(report: Report): 0 | 1 | 2 {
  if (report.findings.some((f) => f.code === 'input-unreadable')) return 2;
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
