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
import type { ShareSource } from './share-source';

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

/** The view part of a link: only what differs from a fresh table. */
export function permalinkView(selected: IndexIntoEntryTable | undefined, query: RowQuery): PermalinkView | undefined {
  const { range, ...filter } = query;
  const view: PermalinkView = {};
  if (selected !== undefined) view.selectedEntry = selected;
  if (!isIdentityQuery(filter)) view.filter = { ...filter };
  if (range !== undefined) view.timeline = { start: range.start, end: range.end };
  return Object.keys(view).length > 0 ? view : undefined;
}

export async function makePermalink(
  report: Report,
  view: PermalinkView | undefined,
  options: ShareOptions,
  source: ShareSource,
  baseUrl: string = appBaseUrl(),
): Promise<MadePermalink> {
  const entries = options.includeEntries ? [...(await source.getFindingEntries(report))] : undefined;
  let log: string | undefined;
  if (options.embedLog) {
    const file = await source.getLogBytes(EMBED_LOG_OFFER_MAX_BYTES);
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
