/**
 * Builds the permalink for what the page shows: the report, the view (selected entry, table
 * query, timeline brush) and, on request, the entries the findings name and the whole log.
 * The core encoder fits it into the length budget and says what it left out.
 *
 * The link is the page's own address without query or fragment, plus `#r=1.…`: the fragment
 * never reaches a server, and a `?sample=` would make the opener load that sample instead of
 * reading the link.
 */
import { EMBED_LOG_MAX_COMPRESSED, encodePermalink, type PermalinkView } from '../../core/share/permalink';
import { isIdentityQuery, type RowQuery } from '../../core/query/filter-entries';
import type { IndexIntoEntryTable } from '../../core/model/ima-log';
import type { Report } from '../../core/report/report';
import { toBase64 } from '../../core/util/bytes';
import type { WorkerCall } from '../../worker/protocol';
import type { ViewState } from '../../core/share/view-state';

/**
 * Logs up to this size are offered for embedding. IMA lists deflate to about half (digests
 * do not compress, paths and template names do), so larger ones would rarely fit the
 * encoder's EMBED_LOG_MAX_COMPRESSED; the encoder still checks and says so when one does not.
 */
export const EMBED_LOG_OFFER_MAX_BYTES = 2 * EMBED_LOG_MAX_COMPRESSED;

export interface ShareOptions {
  readonly includeEntries: boolean;
  readonly redactPaths: boolean;
  readonly embedLog: boolean;
}

export const DEFAULT_SHARE_OPTIONS: ShareOptions = { includeEntries: false, redactPaths: false, embedLog: false };

export interface MadePermalink {
  readonly url: string;
  /** Characters of the fragment (the part the budget counts). */
  readonly fragmentLength: number;
  readonly dropped: readonly string[];
  /** The report it was made from, so the panel can tell when the diagnosis changed since. */
  readonly report: Report;
}

/** The page's address without query and fragment (works for http(s) and file: alike). */
function appBaseUrl(): string {
  const url = new URL(window.location.href);
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** The panels' part of the view (as the address carries it too). */
export interface PanelView {
  readonly zoom?: { readonly start: number; readonly end: number } | undefined;
  readonly tab?: 'ima' | 'firmware' | undefined;
  readonly replayOpen?: boolean;
}

/** The view part of a link: only what differs from a fresh page. */
export function permalinkView(selected: IndexIntoEntryTable | undefined, query: RowQuery, panels: PanelView = {}): PermalinkView | undefined {
  const { range, ...filter } = query;
  const view: PermalinkView = {};
  if (selected !== undefined) view.selectedEntry = selected;
  if (!isIdentityQuery(filter)) view.filter = { ...filter };
  if (range !== undefined) view.timeline = { start: range.start, end: range.end };
  if (panels.zoom !== undefined) view.zoom = { start: panels.zoom.start, end: panels.zoom.end };
  if (panels.tab !== undefined) view.tab = panels.tab;
  if (panels.replayOpen === false) view.replayOpen = false;
  return Object.keys(view).length > 0 ? view : undefined;
}

/** A link's view as the address writes views (template indices become the log's names). */
export function viewStateOfPermalink(view: PermalinkView, templateNames: readonly string[]): ViewState {
  const f = view.filter;
  const range = view.timeline && { start: Math.floor(view.timeline.start), end: Math.ceil(view.timeline.end) };
  return {
    ...(view.selectedEntry !== undefined && { entry: view.selectedEntry }),
    ...(f !== undefined && {
      filter: f.search,
      sort: f.sort,
      pcrs: f.pcrs,
      statuses: f.statuses,
      templates: f.templates.flatMap((k) => (templateNames[k] !== undefined ? [templateNames[k]] : [])),
    }),
    ...(range !== undefined && range.start < range.end && { range }),
    ...(view.zoom !== undefined && view.zoom.start < view.zoom.end && { zoom: view.zoom }),
    ...(view.tab !== undefined && { tab: view.tab }),
    ...(view.replayOpen !== undefined && { replayOpen: view.replayOpen }),
  };
}

export async function makePermalink(
  report: Report,
  view: PermalinkView | undefined,
  options: ShareOptions,
  call: WorkerCall,
  baseUrl: string = appBaseUrl(),
): Promise<MadePermalink> {
  const entries = options.includeEntries ? [...(await call('getFindingEntries', { report }))] : undefined;
  let log: string | undefined;
  if (options.embedLog) {
    const file = await call('getLogBytes', { maxBytes: EMBED_LOG_OFFER_MAX_BYTES });
    if (file.bytes !== undefined) log = toBase64(file.bytes);
  }
  const encoded = await encodePermalink(
    {
      v: 1,
      report,
      ...(view !== undefined ? { view } : {}),
      ...(entries !== undefined ? { entries } : {}),
      ...(log !== undefined ? { log } : {}),
    },
    options,
  );
  return { url: baseUrl + encoded.fragment, fragmentLength: encoded.length, dropped: encoded.dropped, report };
}
