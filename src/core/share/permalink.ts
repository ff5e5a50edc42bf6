/**
 * Permalinks: the diagnosis in a URL fragment, so it can be handed on without a server and
 * without uploading the log. The fragment never reaches a web server (browsers do not send
 * it), and the page decodes it locally.
 *
 *   #r=1.<base64url( deflate-raw( UTF-8( JSON(PermalinkPayload) ) ) )>
 *
 * `r=1` names this encoding; the JSON's `v` the payload schema (permalink-schema.ts).
 *
 * Length. Chromium accepts URLs up to 2 MiB (url::kMaxURLChars) and Firefox up to 1 MiB
 * (network.standard-url.max-length), but what the link passes through is shorter-lived:
 * chat tools, ticket fields and mail clients truncate or wrap long lines at a few thousand
 * characters, and some IDEs and terminals stop linkifying sooner. The default budget is
 * therefore PERMALINK_MAX_LENGTH = 8,000 characters of fragment (the base URL comes on top):
 * an swtpm diagnosis with a firmware log, quote and four banks of replay (a 13 KB report)
 * fits with nothing dropped. A link with an embedded log is a file-sized artefact meant for
 * copy and paste, not for chat: its budget is PERMALINK_MAX_LENGTH_WITH_LOG = 400,000
 * (a log compressing to 256 KiB, base64-encoded, plus the report), within both browsers'
 * limits. Over budget, detail is dropped in the fixed order of shrink-payload.ts and the
 * result says what went; encoding never fails for length.
 *
 * Decoding treats the fragment as hostile: length-capped before anything else, strict
 * base64url, inflation stopped past PERMALINK_MAX_PAYLOAD_BYTES (a 2 MB deflate bomb would
 * otherwise expand to 2 GB), JSON.parse (no eval, nothing rendered here), then the schema
 * check. Every failure is a sentence for the user, never an exception.
 */
import { decodeText, encodeText, fromBase64, toBase64 } from '../util/bytes';
import { deflateRaw, inflateRawBounded } from './deflate';
import { checkPayload, type PermalinkPayload } from './permalink-schema';
import { redactPaths } from './redact-paths';
import { SHRINK_STEPS } from './shrink-payload';

export type { PermalinkEntry, PermalinkPayload, PermalinkView } from './permalink-schema';

/** Default fragment budget, in characters; see the file comment. */
export const PERMALINK_MAX_LENGTH = 8000;
/** Fragment budget when the log is embedded. */
export const PERMALINK_MAX_LENGTH_WITH_LOG = 400_000;
/** A log is embedded only when it deflates to at most this many bytes. */
export const EMBED_LOG_MAX_COMPRESSED = 256 * 1024;
/** Longest fragment decoding will look at: Chromium's whole-URL limit. */
export const PERMALINK_MAX_FRAGMENT_LENGTH = 2 * 1024 * 1024;
/** Inflated JSON past this size is refused (a link imascope made is far smaller). */
export const PERMALINK_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

const PREFIX = '#r=1.';

export interface PermalinkOptions {
  /** Carry `payload.entries` (the entries findings name). Default false. */
  readonly includeEntries?: boolean;
  /** Replace file names and paths by `<path#N>` placeholders. Default false. */
  readonly redactPaths?: boolean;
  /** Carry `payload.log` when it deflates to ≤ EMBED_LOG_MAX_COMPRESSED. Default false. */
  readonly embedLog?: boolean;
  /** Fragment budget in characters; default PERMALINK_MAX_LENGTH (…_WITH_LOG when embedding). */
  readonly maxLength?: number;
}

export interface EncodedPermalink {
  /** `#r=1.…`: append to the app's URL. */
  readonly fragment: string;
  /** Characters in `fragment`. */
  readonly length: number;
  /** What was left out (also carried in the link, so its opener is told). */
  readonly dropped: string[];
}

export type DecodedPermalink =
  | { readonly ok: true; readonly payload: PermalinkPayload; readonly notes: string[] }
  | { readonly ok: false; readonly error: string };

async function fragmentOf(payload: PermalinkPayload, dropped: readonly string[]): Promise<string> {
  const withNotes: PermalinkPayload = dropped.length > 0 ? { ...payload, dropped: [...dropped] } : payload;
  const deflated = await deflateRaw(encodeText(JSON.stringify(withNotes)));
  return PREFIX + toBase64(deflated, true);
}

/**
 * Encodes what `options` allow of `payload` (report and view always; entries and log on
 * request) into a fragment within the budget. Throws only when `payload` is not a payload
 * (a report of the wrong shape: a programmer error).
 */
export async function encodePermalink(payload: PermalinkPayload, options: PermalinkOptions = {}): Promise<EncodedPermalink> {
  const dropped: string[] = [];
  let p: PermalinkPayload = { v: payload.v, report: payload.report };
  if (payload.view !== undefined) p.view = payload.view;
  if (options.includeEntries === true && payload.entries !== undefined && payload.entries.length > 0) {
    p.entries = payload.entries;
  }
  if (options.embedLog === true && payload.log !== undefined) {
    const size = (await deflateRaw(fromBase64(payload.log) ?? new Uint8Array(0))).length;
    if (size <= EMBED_LOG_MAX_COMPRESSED) p.log = payload.log;
    else dropped.push(`the embedded log (${Math.ceil(size / 1024)} KiB compressed; at most ${EMBED_LOG_MAX_COMPRESSED / 1024} KiB)`);
  }
  if (options.redactPaths === true) {
    const r = redactPaths(p);
    p = r.payload;
    if (r.searchCleared) dropped.push('the table search text (it named a path)');
  }
  // Also deep-copies, so the shrink steps below never touch the caller's objects.
  const fitted = checkPayload(JSON.parse(JSON.stringify(p)), 'encode');
  if (!fitted.ok) throw new Error(`encodePermalink: not a permalink payload: ${fitted.error}`);
  p = fitted.payload;
  dropped.push(...fitted.notes);

  const maxLength = options.maxLength ?? (p.log === undefined ? PERMALINK_MAX_LENGTH : PERMALINK_MAX_LENGTH_WITH_LOG);
  let fragment = await fragmentOf(p, dropped);
  for (const step of SHRINK_STEPS) {
    if (fragment.length <= maxLength) break;
    if (step.apply(p)) {
      dropped.push(step.dropped);
      fragment = await fragmentOf(p, dropped);
    }
  }
  return { fragment, length: fragment.length, dropped };
}

const fail = (error: string): DecodedPermalink => ({ ok: false, error });

/**
 * Decodes a fragment (`#r=1.…`, without the `#`, or a whole URL). Never throws; on failure
 * `error` is a sentence to show as is.
 */
export async function decodePermalink(fragment: string): Promise<DecodedPermalink> {
  if (typeof fragment !== 'string') return fail('This permalink is not text.');
  const hash = fragment.indexOf('#');
  const text = hash >= 0 ? fragment.slice(hash + 1) : fragment;
  if (text.length > PERMALINK_MAX_FRAGMENT_LENGTH) {
    return fail(`This permalink is ${text.length} characters long; imascope links are at most ${PERMALINK_MAX_FRAGMENT_LENGTH}. It was not made by imascope.`);
  }
  const m = /^r=([0-9]{1,6})\.([\s\S]*)$/.exec(text);
  if (m === null) return fail('This is not an imascope permalink: its fragment does not start with "#r=1.".');
  if (m[1] !== '1') {
    return fail(`This permalink uses format ${m[1]}; this imascope reads format 1. Open it with the imascope version that made it.`);
  }
  // Chat tools and mail clients break long links over lines; whitespace is never part of one.
  const body = m[2].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9_-]+$/.test(body)) {
    return fail('This permalink holds characters that are not base64url: it was altered, or a tool it passed through changed it.');
  }
  const bytes = fromBase64(body);
  if (bytes === undefined) return fail('This permalink is not valid base64url: it was probably cut short.');
  const inflated = await inflateRawBounded(bytes, PERMALINK_MAX_PAYLOAD_BYTES);
  if (!inflated.ok) {
    return fail(
      inflated.reason === 'too-large'
        ? `This permalink expands to more than ${PERMALINK_MAX_PAYLOAD_BYTES / 1024 / 1024} MiB; imascope never makes such links, so it was not opened.`
        : 'This permalink is damaged or cut short: its compressed data does not decode. Copy the whole link again.',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(decodeText(inflated.bytes));
  } catch {
    return fail('This permalink does not hold a valid report (its content is not JSON).');
  }
  const checked = checkPayload(json, 'decode');
  if (!checked.ok) return fail(`This permalink does not hold a valid report: ${checked.error}.`);
  const notes = [...(checked.payload.dropped ?? []).map((d) => `The link leaves out ${d}.`), ...checked.notes];
  return { ok: true, payload: checked.payload, notes };
}
