import { useState } from 'react';
import { HASH_ALGORITHMS } from '../../core/hash/hash-algorithm';
import { exportHtmlReport } from '../../core/export/html-report';
import { exportJsonReport } from '../../core/export/json-report';
import { evmctlGaps, evmctlPcrValues, exportEvmctlPcrs, exportPcrreadYaml } from '../../core/export/pcr-files';
import { isIdentityQuery } from '../../core/query/filter-entries';
import type { Report } from '../../core/report/report';
import { selectAnalysis, selectComparedWith } from '../../store/selectors';
import { useInspector, useInspectorStoreApi } from '../../store/use-inspector';
import { formatCount } from '../shared/format';
import { formatPcrSet } from '../../core/util/pcr-set';
import { downloadFile } from './download';
import { exportFileNames } from './export-file-names';
import { DEFAULT_SHARE_OPTIONS, makePermalink } from './make-permalink';
import { useWorkerCall } from '../shared/worker-call';
import { usePopover } from './use-popover';
import { PolicyPatchReview } from './PolicyPatchReview';
import type { PolicyExport } from '../../worker/protocol';
import './share.css';

interface ExportItem {
  readonly id: string;
  readonly label: string;
  readonly detail: string;
  readonly bank?: string;
  run(): Promise<string>;
}

/**
 * The top bar's Export menu: every file the diagnosis can be re-checked with, made in this
 * tab and saved through a blob: URL. Files that need the log (CSV, ASCII list) are offered
 * only when one is open; on a read-only permalink view the rest come from the link's report.
 */
export function ExportMenu() {
  const analysis = useInspector((s) => (s.load.kind === 'ready' ? selectAnalysis(s) : undefined));
  const report = analysis?.report;
  const log = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary.log : undefined));
  const filtered = useInspector((s) => !isIdentityQuery(s.query));
  const comparedWith = useInspector(selectComparedWith);
  const linkReport = useInspector((s) => (s.permalink.kind === 'open' && s.load.kind === 'idle' ? s.permalink.payload.report : undefined));
  const store = useInspectorStoreApi();
  const call = useWorkerCall();
  const popover = usePopover();
  const [status, setStatus] = useState<{ readonly text: string; readonly error: boolean } | undefined>();
  const [patch, setPatch] = useState<PolicyExport | undefined>();

  const shown: Report | undefined = report ?? linkReport;
  if (shown === undefined) return null;
  const names = exportFileNames(log?.name ?? shown.inputs.find((i) => i.kind === 'ima-binary' || i.kind === 'ima-ascii')?.name);
  const fromLink = report === undefined;

  const items: ExportItem[] = [
    {
      id: 'export-html',
      label: 'HTML report',
      detail: 'one self-contained page; opens offline, no script',
      run: async () => {
        const permalink = fromLink ? window.location.href : (await makePermalink(shown, undefined, DEFAULT_SHARE_OPTIONS, call)).url;
        downloadFile(exportHtmlReport(shown, { generatedAt: new Date().toISOString(), permalink }), names.html, 'text/html');
        return `Saved ${names.html}`;
      },
    },
    {
      id: 'export-menu-json',
      label: 'JSON report',
      detail: fromLink ? 'the report the link carries' : 'the same document as imascope analyze --json',
      run: () => {
        downloadFile(exportJsonReport(shown), names.json, 'application/json');
        return Promise.resolve(`Saved ${names.json}`);
      },
    },
  ];
  if (log !== undefined) {
    items.push({
      id: 'export-csv',
      label: 'CSV of the entry table',
      detail: filtered ? 'the rows the table shows, as filtered and sorted' : `all ${formatCount(log.entryCount)} entries`,
      run: async () => {
        const file = await call('exportCsv', { query: store.getState().query });
        downloadFile(file.bytes, names.csv, 'text/csv');
        return `Saved ${formatCount(file.rows)} rows to ${names.csv}`;
      },
    });
    items.push({
      id: 'export-policy',
      label: 'Runtime policy from this log',
      detail: 'Keylime runtime policy v1 accepting every digest measured here, as imascope policy create writes it',
      run: async () => {
        const made = await call('exportPolicy', { kind: 'from-log' });
        downloadFile(made.bytes, names.policy, 'application/json');
        return `Saved ${formatCount(made.addedCount)} digests to ${names.policy}`;
      },
    });
    const judged = shown.policy;
    if (judged !== undefined && judged.failed > 0) {
      items.push({
        id: 'export-policy-patch',
        label: 'Add the failing entries to the policy…',
        detail: `review the digests ${judged.inputs[0] ?? 'the policy'} would have to accept, then download the updated policy`,
        run: async () => {
          setPatch(await call('exportPolicy', { kind: 'add-failing' }));
          return 'Review the update below before downloading it.';
        },
      });
    }
    if (log.format === 'binary') {
      items.push({
        id: 'export-ascii',
        label: 'ASCII measurement list',
        detail: 'as the kernel prints ascii_runtime_measurements',
        run: async () => {
          const file = await call('exportAsciiList', {});
          // Not text/plain: browsers would add .txt to the kernel's own file name.
          downloadFile(file.bytes, names.ascii, 'application/octet-stream');
          return `Saved ${formatCount(file.rows)} entries to ${names.ascii}`;
        },
      });
    }
  }
  if (log !== undefined && comparedWith !== undefined) {
    items.push({
      id: 'export-compare',
      label: 'Comparison (JSON)',
      detail: `the comparison with ${comparedWith}, as imascope compare --json writes it`,
      run: async () => {
        const file = await call('exportCompare', {});
        downloadFile(file.text, names.compare, 'application/json');
        return `Saved ${names.compare}`;
      },
    });
  }
  for (const bank of HASH_ALGORITHMS) {
    const { values, sources } = evmctlPcrValues(shown, bank, analysis?.suppliedPcrs);
    if (shown.replay?.[bank] === undefined || Object.keys(values).length === 0) continue;
    const name = names.evmctl(bank);
    const gaps = evmctlGaps(values);
    const from = [
      sources.log !== undefined ? `PCR ${formatPcrSet(sources.log)} replayed from the log` : undefined,
      sources.supplied !== undefined ? `${formatPcrSet(sources.supplied)} as supplied` : undefined,
      sources.firmware !== undefined ? `${formatPcrSet(sources.firmware)} from the firmware log's replay` : undefined,
    ].filter((part) => part !== undefined).join('; ');
    items.push({
      id: 'export-evmctl',
      bank,
      label: `evmctl PCR file, ${bank}`,
      detail:
        gaps.length === 0
          ? `${from}, for evmctl ima_measurement --pcrs ${bank},${name}`
          : `${from}; PCRs ${formatPcrSet(gaps)} are unknown and not written, so evmctl, which reads from PCR-00 on, needs them added (give the firmware log or PCR values)`,
      run: () => {
        downloadFile(exportEvmctlPcrs(values), name, 'text/plain');
        return Promise.resolve(`Saved ${name}`);
      },
    });
  }
  const firmware = shown.firmware;
  if (firmware !== undefined && Object.keys(firmware.replay).length > 0) {
    items.push({
      id: 'export-pcrread-yaml',
      label: 'Firmware replay as tpm2_pcrread YAML',
      detail: `PCRs replayed from the firmware event log (${Object.keys(firmware.replay).join(', ')})`,
      run: () => {
        downloadFile(exportPcrreadYaml(firmware.replay), names.pcrread, 'application/yaml');
        return Promise.resolve(`Saved ${names.pcrread}`);
      },
    });
  }

  async function run(item: ExportItem): Promise<void> {
    setStatus({ text: `Making ${item.label}…`, error: false });
    try {
      setStatus({ text: await item.run(), error: false });
    } catch (e) {
      setStatus({ text: `Could not export: ${e instanceof Error ? e.message : String(e)}`, error: true });
    }
  }

  return (
    <div className="topbar-menu">
      <button
        ref={popover.buttonRef}
        type="button"
        className="button"
        data-testid="export-menu"
        aria-expanded={popover.open}
        aria-haspopup="menu"
        title="Download the diagnosis in the formats other tools read"
        onClick={() => {
          setStatus(undefined);
          setPatch(undefined);
          popover.setOpen(!popover.open);
        }}
      >
        Export ▾
      </button>
      {popover.open ? (
        <div ref={popover.panelRef} className="topbar-menu__panel export-menu" role="menu" aria-label="Export">
          {patch !== undefined ? (
            <PolicyPatchReview
              patch={patch}
              policyName={shown.policy?.inputs[0] ?? 'the policy'}
              fileName={names.patchedPolicy}
              onDownload={() => {
                downloadFile(patch.bytes, names.patchedPolicy, 'application/json');
                setStatus({ text: `Saved ${names.patchedPolicy} with ${formatCount(patch.addedCount)} added digests`, error: false });
              }}
              onBack={() => {
                setPatch(undefined);
                setStatus(undefined);
              }}
            />
          ) : null}
          {patch === undefined && items.map((item) => (
            <button
              key={`${item.id}-${item.bank ?? ''}`}
              type="button"
              role="menuitem"
              className="export-menu__item"
              data-testid={item.id}
              data-bank={item.bank}
              onClick={() => void run(item)}
            >
              <span className="export-menu__label">{item.label}</span>
              <span className="export-menu__detail">{item.detail}</span>
            </button>
          ))}
          {fromLink ? <p className="export-menu__note">The CSV and ASCII list need the log: drop the original files.</p> : null}
          {status !== undefined ? (
            <p className={`export-menu__status${status.error ? ' export-menu__status--error' : ''}`} role="status" data-testid="export-status">
              {status.text}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
