import type { Report } from '../../core/report/report';

/** Downloads the CONTRACT §3 report as JSON (a blob: URL: nothing leaves the tab). */
export function ExportReportButton({ report, fileName }: { readonly report: Report; readonly fileName: string }) {
  return (
    <button
      type="button"
      className="button button--quiet"
      data-testid="export-json"
      title="Download the report as JSON (the same document as imascope analyze --json)"
      onClick={() => {
        const blob = new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: 'application/json' });
        const url = URL.createObjectURL(blob);
        const link = document.createElement('a');
        link.href = url;
        link.download = fileName;
        link.click();
        window.setTimeout(() => URL.revokeObjectURL(url), 1000);
      }}
    >
      Export JSON
    </button>
  );
}
