import type { Report } from './report';

/** The verdict: the worst severity among the findings (analyze sorts them worst first). */
export function verdictOf(report: Report): 'error' | 'warning' | 'info' | 'ok' {
  return report.findings[0]?.severity ?? 'ok';
}
