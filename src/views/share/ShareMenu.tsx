import { useState } from 'react';
import { PERMALINK_MAX_LENGTH, PERMALINK_MAX_LENGTH_WITH_LOG } from '../../core/share/permalink';
import type { Report } from '../../core/report/report';
import { selectAnalysis, selectComparedWith } from '../../store/selectors';
import { useInspector, useInspectorStoreApi } from '../../store/use-inspector';
import { formatBytes, formatCount } from '../shared/format';
import {
  DEFAULT_SHARE_OPTIONS,
  EMBED_LOG_OFFER_MAX_BYTES,
  makePermalink,
  permalinkView,
  type MadePermalink,
  type ShareOptions,
} from './make-permalink';
import { useWorkerCall } from '../shared/worker-call';
import { SafeText } from '../shared/SafeText';
import { usePopover } from './use-popover';
import './share.css';

type CopyState = 'copying' | 'copied' | 'failed';

type LinkState =
  | { readonly kind: 'none' }
  | { readonly kind: 'making' }
  | { readonly kind: 'made'; readonly link: MadePermalink; readonly copy: CopyState }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * The top bar's Share button: one click makes the permalink, copies it and opens a panel
 * that shows it, its length and what it leaves out, with options to carry more or less.
 * Changing an option makes and copies a new link. On a read-only permalink view it copies
 * the link that was opened.
 */
export function ShareMenu() {
  const report = useInspector((s) => selectAnalysis(s)?.report);
  const ready = useInspector((s) => s.load.kind === 'ready');
  const analysisDone = useInspector((s) => s.load.kind === 'ready' && s.load.analysis.kind === 'done');
  const logSize = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary.log?.sourceSize : undefined));
  const opened = useInspector((s) => (s.permalink.kind === 'open' && s.load.kind === 'idle' ? s.permalink : undefined));
  const comparedWith = useInspector(selectComparedWith);
  const store = useInspectorStoreApi();
  const call = useWorkerCall();
  const popover = usePopover();
  const [options, setOptions] = useState<ShareOptions>(DEFAULT_SHARE_OPTIONS);
  const [state, setState] = useState<LinkState>({ kind: 'none' });

  const live = ready && report !== undefined;
  if (!live && opened === undefined) return null;
  const canEmbed = logSize !== undefined && logSize <= EMBED_LOG_OFFER_MAX_BYTES;

  async function copy(link: MadePermalink): Promise<void> {
    setState({ kind: 'made', link, copy: 'copying' });
    try {
      await navigator.clipboard.writeText(link.url);
      setState({ kind: 'made', link, copy: 'copied' });
    } catch {
      setState({ kind: 'made', link, copy: 'failed' });
    }
  }

  async function share(next: ShareOptions): Promise<void> {
    popover.setOpen(true);
    if (opened !== undefined) {
      const hash = window.location.hash;
      await copy({ url: window.location.href, fragmentLength: hash.length, dropped: opened.payload.dropped ?? [], report: opened.payload.report });
      return;
    }
    if (report === undefined) return;
    setState({ kind: 'making' });
    try {
      const s = store.getState();
      const view = permalinkView(s.selection.entryIndex, s.query, { zoom: s.timelineZoom, tab: s.logTab, replayOpen: s.replayOpen });
      await copy(await makePermalink(report, view, { ...next, embedLog: next.embedLog && canEmbed }, call));
    } catch (e) {
      setState({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }

  function change(patch: Partial<ShareOptions>): void {
    const next = { ...options, ...patch };
    setOptions(next);
    void share(next);
  }

  return (
    <div className="topbar-menu">
      <button
        ref={popover.buttonRef}
        type="button"
        className="button"
        data-testid="copy-permalink"
        aria-expanded={popover.open}
        aria-haspopup="dialog"
        disabled={opened === undefined && !analysisDone}
        title="Copy a link that carries this diagnosis (not the log) to the clipboard"
        onClick={() => void share(options)}
      >
        <LinkIcon /> Share
      </button>
      {popover.open ? (
        <div ref={popover.panelRef} className="topbar-menu__panel share-panel" role="dialog" aria-label="Share this diagnosis" data-testid="share-panel">
          <div className="share-panel__head">
            <h2 className="share-panel__title">Permalink</h2>
            <CopyStatus state={state} />
            <button type="button" className="icon-button" aria-label="Close" onClick={() => popover.setOpen(false)}>
              ×
            </button>
          </div>
          {state.kind === 'made' ? (
            <LinkDetails
              link={state.link}
              current={report ?? opened?.payload.report}
              embedded={opened === undefined && options.embedLog && canEmbed}
              comparedWith={opened === undefined ? comparedWith : undefined}
              onCopy={() => void copy(state.link)}
            />
          ) : state.kind === 'failed' ? (
            <p className="share-panel__error" role="alert">
              Could not make the link: {state.message}
            </p>
          ) : (
            <p className="muted">Making the link…</p>
          )}
          {opened === undefined ? (
            <fieldset className="share-panel__options">
              <legend>The link carries the report and your view; by default no log bytes and no file names beyond those in the findings.</legend>
              <label>
                <input type="checkbox" data-testid="share-include-entries" checked={options.includeEntries} onChange={(e) => change({ includeEntries: e.currentTarget.checked })} />
                Include the entries the findings name (names, digests, status)
              </label>
              <label>
                <input type="checkbox" data-testid="share-redact-paths" checked={options.redactPaths} onChange={(e) => change({ redactPaths: e.currentTarget.checked })} />
                Redact paths and file names (replaced by &lt;path#N&gt;)
              </label>
              <label className={canEmbed ? undefined : 'share-panel__disabled'}>
                <input
                  type="checkbox"
                  data-testid="share-embed-log"
                  disabled={!canEmbed}
                  checked={options.embedLog && canEmbed}
                  onChange={(e) => change({ embedLog: e.currentTarget.checked })}
                />
                {logSize === undefined
                  ? 'Embed the whole log (no IMA log is open)'
                  : canEmbed
                    ? `Embed the whole log (${formatBytes(logSize)}), so the opener can inspect every entry`
                    : `Embed the whole log: only for logs up to ${formatBytes(EMBED_LOG_OFFER_MAX_BYTES)} (this one is ${formatBytes(logSize)})`}
              </label>
            </fieldset>
          ) : (
            <p className="muted share-panel__note">This is the link this page was opened with. Drop the original files to make a new one with other options.</p>
          )}
        </div>
      ) : null}
    </div>
  );
}

function CopyStatus({ state }: { readonly state: LinkState }) {
  if (state.kind !== 'made') return null;
  const text = { copying: 'Copying…', copied: '✓ Copied to the clipboard', failed: 'Not copied: select the link and copy it' }[state.copy];
  return (
    <span className={`share-panel__status share-panel__status--${state.copy}`} data-testid="permalink-status" role="status">
      {text}
    </span>
  );
}

function LinkDetails({
  link,
  current,
  embedded,
  comparedWith,
  onCopy,
}: {
  readonly link: MadePermalink;
  readonly current: Report | undefined;
  readonly embedded: boolean;
  /** The reference of the comparison shown: the link carries one case's diagnosis, not it. */
  readonly comparedWith: string | undefined;
  readonly onCopy: () => void;
}) {
  const budget = embedded ? PERMALINK_MAX_LENGTH_WITH_LOG : PERMALINK_MAX_LENGTH;
  return (
    <>
      <div className="share-panel__link">
        <code data-testid="permalink">{link.url}</code>
      </div>
      <p className="share-panel__length" data-testid="permalink-length">
        {formatCount(link.url.length)} characters ({formatCount(link.fragmentLength)} in the fragment; budget {formatCount(budget)})
        <button type="button" className="button button--quiet share-panel__copy" onClick={onCopy}>
          Copy again
        </button>
      </p>
      {current !== undefined && current !== link.report ? (
        <p className="share-panel__stale">The diagnosis changed since this link was made; press Share again for a new one.</p>
      ) : null}
      {comparedWith !== undefined ? (
        <p className="share-panel__dropped" data-testid="permalink-comparison">
          The comparison with <SafeText text={comparedWith} /> is not in the link: it carries the diagnosis of this case alone. Save the comparison with Export ▸ Comparison (JSON).
        </p>
      ) : null}
      {link.dropped.length > 0 ? (
        <div className="share-panel__dropped" data-testid="permalink-dropped">
          <p>To stay within the budget the link leaves out:</p>
          <ul>
            {link.dropped.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="share-panel__complete" data-testid="permalink-dropped">
          {comparedWith === undefined ? 'Nothing was left out.' : 'Nothing else was left out.'}
        </p>
      )}
    </>
  );
}

function LinkIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d="M6.5 9.5l3-3M7 4.5l1.2-1.2a2.8 2.8 0 0 1 4 4L11 8.5M9 11.5l-1.2 1.2a2.8 2.8 0 0 1-4-4L5 7.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}
