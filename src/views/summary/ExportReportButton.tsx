import { exportJsonReport } from '../../core/export/json-report';
import type { Report } from '../../core/report/report';
import { downloadFile } from '../share/download';

/** Downloads the CONTRACT §3 report as JSON (a blob: URL: nothing leaves the tab). */
export function ExportReportButton({ report, fileName }: { readonly report: Report; readonly fileName: string }) {
  return (
    <button
      type="button"
      className="button button--quiet"
      data-testid="export-json"
      title="Download the report as JSON (the same document as imascope analyze --json)"
      onClick={() => downloadFile(exportJsonReport(report), fileName, 'application/json')}
    >
      Export JSON
    </button>
  );
}
