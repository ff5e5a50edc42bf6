import { useMemo, useState, type ReactNode } from 'react';
import type { PermalinkPayload } from '../../core/share/permalink';
import type { Report } from '../../core/report/report';
import { fromBase64 } from '../../core/util/bytes';
import { useInspector } from '../../store/use-inspector';
import { useAppCommands } from '../shared/app-commands';
import { formatBytes } from '../shared/format';
import { OpenFilesButton } from '../shared/OpenFilesButton';
import { verdictOf } from '../../core/analysis/verdict';
import { VerdictMessage } from '../summary/VerdictMessage';
import { CarriedEntries } from './CarriedEntries';
import { describeView } from './describe-share';
import { useClosePermalink } from './permalink-location';
import {
  ReadOnlyFindings,
  ReadOnlyFirmware,
  ReadOnlyInputs,
  ReadOnlyLogFacts,
  ReadOnlyPcrChecks,
  ReadOnlyQuote,
} from './ReportSections';
import './share.css';

const READ_ONLY_BANNER = 'Read-only diagnosis from a permalink; drop the original files to restore the full view';

/**
 * A permalink opened with no files: its report at once, read-only, with the sender's view
 * where it can be shown without the log (the selected entry among the carried ones, the
 * filters in words). `notice` goes above it (a failed load of dropped files).
 */
export function PermalinkView({ notice }: { readonly notice?: ReactNode }) {
  const permalink = useInspector((s) => s.permalink);
  if (permalink.kind !== 'open') return null;
  return <PermalinkReport payload={permalink.payload} notes={permalink.notes} notice={notice} />;
}

function PermalinkReport({
  payload,
  notes,
  notice,
}: {
  readonly payload: PermalinkPayload;
  readonly notes: readonly string[];
  readonly notice: ReactNode;
}) {
  const report = payload.report;
  const entries = useMemo(() => payload.entries ?? [], [payload.entries]);
  const carried = useMemo(() => new Set(entries.map((e) => e.index)), [entries]);
  const [selected, setSelected] = useState<number | undefined>(payload.view?.selectedEntry);
  const view = describeView(payload.view);
  const close = useClosePermalink();
  return (
    <main className="permalink-view" data-testid="permalink-view">
      {notice}
      <section className="permalink-banner" data-testid="permalink-banner" aria-label="About this view">
        <div className="permalink-banner__text">
          <strong className="permalink-banner__title">{READ_ONLY_BANNER}</strong>
          <p>
            The diagnosis travelled in the link itself; nothing was uploaded or fetched. Entries, hex views and the
            timeline need the log. The fingerprints below say which files to drop.
          </p>
          {notes.length > 0 ? (
            <ul className="permalink-banner__notes" data-testid="permalink-notes">
              {notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          {view.length > 0 ? (
            <p className="permalink-banner__view" data-testid="permalink-sender-view">
              The sender was looking at: {view.join('; ')}.
            </p>
          ) : null}
        </div>
        <div className="permalink-banner__actions">
          {payload.log !== undefined ? <OpenEmbeddedLog payload={payload} log={payload.log} /> : null}
          <OpenFilesButton label="Choose the files…" />
          <button type="button" className="button button--quiet" onClick={close}>
            Close
          </button>
        </div>
      </section>
      <ReadOnlyVerdict report={report} />
      <div className="permalink-view__grid">
        <div className="permalink-view__column">
          <ReadOnlyFindings report={report} carried={carried} onEntry={setSelected} />
          <CarriedEntries entries={entries} selected={selected} onSelect={setSelected} />
        </div>
        <div className="permalink-view__column">
          <ReadOnlyPcrChecks report={report} />
          <ReadOnlyQuote quote={report.quote} />
          <ReadOnlyLogFacts log={report.log} />
          <ReadOnlyFirmware firmware={report.firmware} />
          <ReadOnlyInputs report={report} />
        </div>
      </div>
    </main>
  );
}

/** The verdict in the live view's words (the core's verdictOf), from the link's report. */
function ReadOnlyVerdict({ report }: { readonly report: Report }) {
  const verdict = verdictOf(report);
  return (
    <section className={`verdict verdict--${verdict.tone} permalink-view__verdict`} data-testid="verdict" data-tone={verdict.tone}>
      <div className="verdict__main">
        <VerdictMessage verdict={verdict} />
      </div>
    </section>
  );
}

/** Opens the log the link embeds as if it had been dropped (its fingerprint is then checked). */
function OpenEmbeddedLog({ payload, log }: { readonly payload: PermalinkPayload; readonly log: string }) {
  const commands = useAppCommands();
  const bytes = useMemo(() => fromBase64(log), [log]);
  if (bytes === undefined) return null;
  const name = payload.report.inputs.find((i) => i.kind === 'ima-binary' || i.kind === 'ima-ascii')?.name ?? 'embedded log';
  return (
    <button
      type="button"
      className="button button--primary"
      data-testid="open-embedded-log"
      onClick={() => commands.openFiles([new File([bytes as Uint8Array<ArrayBuffer>], name)])}
    >
      Open the embedded log ({formatBytes(bytes.length)})
    </button>
  );
}
