/**
 * Path redaction for permalinks that leave the support team: file names and measured paths
 * become stable placeholders `<path#1>`, `<path#2>` … (the same text always gets the same
 * number within one link, so "entry #12 is <path#3>" still lines up with the message that
 * names <path#3>).
 *
 * What counts as a path:
 * - input file names (`report.inputs[].name`) and every entry name except event names of
 *   buffer measurements (`ima-buf`: kexec-cmdline, dm_table_load, .ima …) and
 *   boot_aggregate, which describe no file;
 * - those same texts wherever they appear in finding messages and parse errors, as whole
 *   words (a short name such as `sh` must not eat the "sh" of "sha256");
 * - any other absolute Unix path (`/usr/bin/kmod`) or backslash path (`\EFI\BOOT\…`) in
 *   that free text.
 * Hashes, template names, counts and codes stay: they are what the link is for.
 */
import type { PermalinkPayload } from './permalink-schema';

const NOT_PATHS = new Set(['boot_aggregate']);

/** Characters that may stand right before / after a whole-word path in prose. */
const BEFORE = `(?<=^|[\\s(\\['"\`=,])`;
const AFTER = `(?=$|[\\s)\\]'"\`,;:]|\\.(?:\\s|$))`;
/** An absolute Unix or backslash path; a trailing full stop belongs to the sentence. */
const PATH_IN_PROSE = new RegExp(`${BEFORE}(?:/|\\\\)[^\\s'"\`,;()\\[\\]]*[^\\s'"\`,;()\\[\\].]`, 'g');

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

class Placeholders {
  private readonly byText = new Map<string, string>();

  of(text: string): string {
    let p = this.byText.get(text);
    if (p === undefined) {
      p = `<path#${this.byText.size + 1}>`;
      this.byText.set(text, p);
    }
    return p;
  }

  /** Known names as whole words, longest first, then any remaining path-looking text. */
  inProse(text: string, known: readonly string[]): string {
    let out = text;
    for (const name of known) {
      if (out.includes(name)) out = out.replace(new RegExp(`${BEFORE}${escapeRegExp(name)}${AFTER}`, 'g'), () => this.of(name));
    }
    return out.replace(PATH_IN_PROSE, (path) => this.of(path));
  }
}

export interface Redaction {
  readonly payload: PermalinkPayload;
  /** The search text named a path and was cleared. */
  readonly searchCleared: boolean;
}

/** A copy of `payload` with paths replaced by placeholders; the input is not changed. */
export function redactPaths(payload: PermalinkPayload): Redaction {
  const p = JSON.parse(JSON.stringify(payload)) as PermalinkPayload;
  const names = new Placeholders();
  const known = new Set<string>();
  for (const input of p.report.inputs) {
    known.add(input.name);
    input.name = names.of(input.name);
  }
  if (p.entries !== undefined) {
    p.entries = p.entries.map((entry) => {
      if (entry.template === 'ima-buf' || NOT_PATHS.has(entry.name) || entry.name === '') return entry;
      known.add(entry.name);
      return { ...entry, name: names.of(entry.name) };
    });
  }
  const longestFirst = [...known].filter((k) => k !== '').sort((a, b) => b.length - a.length);
  for (const f of p.report.findings) f.message = names.inProse(f.message, longestFirst);
  for (const e of p.report.log?.errors ?? []) e.message = names.inProse(e.message, longestFirst);
  let searchCleared = false;
  const filter = p.view?.filter;
  if (p.view !== undefined && filter !== undefined && names.inProse(filter.search, longestFirst) !== filter.search) {
    p.view.filter = { ...filter, search: '' };
    searchCleared = true;
  }
  return { payload: p, searchCleared };
}
