/** The CONTRACT §3 report as the one JSON document `imascope analyze --json` prints. */
import type { Report } from '../report/report';

export function exportJsonReport(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
