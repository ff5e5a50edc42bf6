/**
 * The report as one self-contained HTML file: it opens offline from a ticket attachment or
 * a mail, with no script at all and no request to anywhere. The only active content is an
 * inline stylesheet, and the Content-Security-Policy meta (`default-src 'none'; style-src
 * 'unsafe-inline'`) makes the browser refuse anything else even if a string slipped through.
 *
 * Every string from the report (file names, entry names inside messages, template names…)
 * comes from untrusted inputs and is HTML-escaped, in text and in attributes alike. The page
 * reads top-down as a support engineer wants it: verdict, findings, PCR checks, quote,
 * firmware, log facts, inputs with their SHA-256 fingerprints.
 */
import { moreProblemsText, VERDICT_STATUS, verdictOf } from '../analysis/verdict';
import { FINDING_HELP } from '../analysis/finding-help';
import type { Report } from '../report/report';
import { signatureCounts } from '../policy/policy-dry-run';
import { visibleText } from '../util/visible-text';

export interface HtmlReportOptions {
  /** Shown in the title and heading; default "imascope report". */
  readonly title?: string;
  /** When the report was made, as the caller wants it shown (the core has no clock). */
  readonly generatedAt?: string;
  /** A permalink to the same report; linked only when it is an http(s) URL. */
  readonly permalink?: string;
}

/** Entries listed per finding; the rest are counted. */
const ENTRIES_SHOWN = 50;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { color-scheme: light dark; --fg: #1d1f23; --bg: #fff; --muted: #5b6170; --line: #d8dbe2;
  --error: #b3261e; --warning: #8a5a00; --info: #245fa8; --ok: #1e7a3c; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8ec; --bg: #16181c; --muted: #a0a6b4;
  --line: #343842; --error: #ff8a80; --warning: #f2c14e; --info: #8ab4f8; --ok: #7ddc98; } }
body { font: 14px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; } h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
code, .hex { font-family: ui-monospace, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
.verdict { border: 2px solid currentColor; border-radius: 6px; padding: .75rem 1rem; }
.verdict strong { font-size: 1.2rem; display: block; }
.error { color: var(--error); } .warning { color: var(--warning); } .info { color: var(--info); }
.ok { color: var(--ok); }
.verdict p, .finding p { color: var(--fg); margin: .25rem 0 0; }
ol.findings { list-style: none; padding: 0; }
.finding { border-left: 4px solid currentColor; padding: .25rem .75rem; margin: .5rem 0; }
.badge { font-weight: 600; text-transform: uppercase; font-size: 12px; margin-right: .5rem; }
.help, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top;
  border-bottom: 1px solid var(--line); padding: .3rem .5rem; }
th { font-weight: 600; }
footer { margin-top: 2rem; color: var(--muted); font-size: 12px; }
`;

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Text for the page: controls and bidi overrides from the inputs shown as marks, as the app shows them (visible-text.ts), then escaped. */
const esc = (value: string | number | boolean): string => escapeHtml(visibleText(String(value)));

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  // Cells arrive already escaped (some hold markup such as <code>).
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const hex = (value: string | undefined): string => (value === undefined ? '' : `<code class="hex">${esc(value)}</code>`);

function verdictSection(report: Report): string {
  const verdict = verdictOf(report);
  const detail = verdict.detail === undefined ? '' : `: ${esc(verdict.detail)}`;
  const more = moreProblemsText(verdict);
  return (
    `<section class="verdict ${verdict.tone}"><strong>${esc(VERDICT_STATUS[verdict.tone])}</strong>` +
    `<p>${esc(verdict.headline)}${detail}</p>${more === undefined ? '' : `<p class="muted">${esc(more)}</p>`}</section>`
  );
}

function entriesText(entries: readonly number[] | undefined): string {
  if (entries === undefined || entries.length === 0) return '';
  const shown = entries.slice(0, ENTRIES_SHOWN).map((i) => `#${i}`).join(', ');
  const more = entries.length > ENTRIES_SHOWN ? ` and ${entries.length - ENTRIES_SHOWN} more` : '';
  return `<p class="muted">Entries: ${esc(shown + more)}</p>`;
}

function findingsSection(report: Report): string {
  if (report.findings.length === 0) return '<h2>Findings</h2><p class="muted">None.</p>';
  const items = report.findings.map((f) => {
    const help = FINDING_HELP[f.code];
    return (
      `<li class="finding ${f.severity}"><span class="badge">${esc(f.severity)}</span>` +
      `<code>${esc(f.code)}</code> ${esc(help.title)}<p>${esc(f.message)}</p>` +
      `${entriesText(f.entries)}<p class="help">${esc(help.help)}</p></li>`
    );
  });
  return `<h2>Findings</h2><ol class="findings">\n${items.join('\n')}\n</ol>`;
}

function pcrChecksSection(report: Report): string {
  if (report.pcrChecks === undefined || report.pcrChecks.length === 0) return '';
  const rows = report.pcrChecks.map((c) => [
    esc(c.bank),
    esc(c.pcr),
    `<span class="${c.status === 'mismatch' ? 'error' : 'ok'}">${esc(c.status)}</span>`,
    c.matchedEntries === undefined ? '' : esc(c.matchedEntries),
    c.hypothesis === undefined
      ? ''
      : esc(`${c.hypothesis.extend}, violations ${c.hypothesis.violations}, ${c.hypothesis.byteOrder}-endian`),
    hex(c.expected),
    hex(c.replayed),
  ]);
  return `<h2>PCR checks</h2>${table(['bank', 'PCR', 'status', 'matched entries', 'interpretation', 'expected (supplied, or attested by a quote)', 'replayed'], rows)}`;
}

function quoteSection(report: Report): string {
  const q = report.quote;
  if (q === undefined) return '';
  // `quote` is the first of `quotes`, whose entry says whether its key is an attestation key.
  const notAk = report.quotes?.[0]?.akNotAttestationKey;
  const yesNo = (v: boolean | undefined): string => (v === undefined ? 'not checked' : v ? 'matches' : 'differs');
  const selection = Object.entries(q.selection)
    .map(([bank, pcrs]) => `${bank}: ${(pcrs ?? []).join(', ')}`)
    .join('; ');
  const rows = [
    ['signature', esc(notAk === undefined ? q.signature : `${q.signature}, but the key is not an attestation key: ${notAk}`)],
    ['pcrDigest', `${hex(q.pcrDigest)} (${esc(yesNo(q.digestMatches))})`],
    ['computed digest', hex(q.computedDigest)],
    ['selection', esc(selection)],
    ['nonce', `${hex(q.nonce)} (${esc(yesNo(q.nonceMatches))})`],
    ['clock', esc(`${q.clock.clock} ms, resetCount ${q.clock.resetCount}, restartCount ${q.clock.restartCount}, safe ${q.clock.safe}`)],
    ['firmware version', hex(q.firmwareVersion)],
    ['matched entries', q.matchedEntries === undefined ? '' : esc(q.matchedEntries)],
  ];
  return `<h2>Quote</h2>${table(['field', 'value'], rows.map(([k, v]) => [esc(k), v]))}`;
}

function firmwareSection(report: Report): string {
  const fw = report.firmware;
  if (fw === undefined) return '';
  const aggregates = Object.entries(fw.bootAggregates).map(([bank, d]) => [esc(bank), hex(d)]);
  const checks = (fw.checks ?? []).map((c) => [
    esc(c.bank),
    esc(c.pcr),
    `<span class="${c.status === 'match' ? 'ok' : 'error'}">${esc(c.status)}</span>`,
    c.explainedBy === undefined ? '' : esc(c.explainedBy),
    hex(c.expected),
    hex(c.replayed),
  ]);
  const registers = Object.entries(fw.ccRegisters ?? {}).map(([name, d]) => [esc(name), hex(d)]);
  return (
    `<h2>Firmware event log</h2><p>${esc(fw.events)} events${fw.ccRegisters === undefined ? '' : ', a confidential-computing (TDX) log: its registers are no TPM PCRs'}.</p>` +
    (registers.length > 0 ? table(['TDX register', 'sha384 replay'], registers) : '') +
    (aggregates.length > 0 ? table(['boot_aggregate bank', 'value'], aggregates) : '') +
    (checks.length > 0 ? table(['bank', 'PCR', 'status', 'explained by', 'supplied', 'replayed'], checks) : '')
  );
}

function indexList(indices: readonly number[]): string {
  const shown = indices.slice(0, ENTRIES_SHOWN).map((i) => `#${i}`).join(', ');
  return indices.length > ENTRIES_SHOWN ? `${shown} and ${indices.length - ENTRIES_SHOWN} more` : shown;
}

function logSection(report: Report): string {
  const log = report.log;
  if (log === undefined) return '';
  const templates = Object.entries(log.templates)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  const rows = [
    ['entries', esc(log.entries)],
    ['templates', esc(templates)],
    ['byte order', esc(log.byteOrder)],
    ['violations', esc(`${log.violations.length}${log.violations.length > 0 ? ` (${indexList(log.violations)})` : ''}`)],
    [
      'template hashes',
      esc(`${log.templateHash.checked} checked, ${log.templateHash.mismatches.length} mismatched${log.templateHash.mismatches.length > 0 ? ` (${indexList(log.templateHash.mismatches)})` : ''}`),
    ],
    ['boots', log.boots.map((b) => `${esc(`#${b.index}`)} ${b.digest === undefined ? esc('(no digest field)') : hex(b.digest)}`).join('<br>')],
    [
      'kexec records',
      esc(
        log.kexec
          .map((k) => `#${k.index} ${k.event}${k.segmentSize === undefined ? '' : ` segment ${k.segmentSize}`}${k.binarySize === undefined ? '' : ` binary ${k.binarySize}`}${k.count === undefined ? '' : ` count ${k.count}`}`)
          .join('; '),
      ),
    ],
    ['parse errors', log.errors.map((e) => esc(`at byte ${e.offset}: ${e.message}`)).join('<br>')],
  ];
  return `<h2>IMA log</h2>${table(['fact', 'value'], rows.map(([k, v]) => [esc(k), v]))}`;
}

/** The runtime-policy dry run (CONTRACT §5.3 `policy`): Keylime's verdict, counts, failures. */
function policySection(report: Report): string {
  const p = report.policy;
  if (p === undefined) return '';
  const verdict = p.keylimePass ? '<span class="ok">passes</span>' : '<span class="error">fails</span>';
  const rows = [
    ['policy', esc(p.inputs.join(', '))],
    ['format', esc(`${p.format}${p.envelope === undefined ? '' : `, DSSE signature ${p.envelope}`}`)],
    ["Keylime's verdict", `${verdict} (${esc(p.mode)} mode, template hashes with ${esc(p.logHashAlg)})`],
    ['entries', esc(`${p.passed} passed, ${p.excluded} excluded, ${p.failed} failed`)],
    ['policy size', esc(`${p.digests} paths, ${p.excludes} excludes`)],
  ];
  const failures = p.failures.slice(0, FAILURES_SHOWN).map((f) => [esc(`#${f.index}`), esc(f.reason), `<code>${esc(f.keylimeEvent)}</code>`, esc(f.message)]);
  return (
    `<h2>Runtime policy</h2>${table(['fact', 'value'], rows.map(([k, v]) => [esc(k), v]))}` +
    (failures.length > 0 ? table(['entry', 'reason', 'Keylime event', 'message'], failures) + moreRows(p.failures.length) : '')
  );
}

/** The IMA signature checks (CONTRACT §5.3 `signatures`). */
function signaturesSection(report: Report): string {
  const s = report.signatures;
  if (s === undefined) return '';
  const counts = signatureCounts(s);
  const keys = s.keys.map((k) => [hex(k.keyid), esc(k.algorithm), esc(k.source)]);
  const failures = s.failures.slice(0, FAILURES_SHOWN).map((f) => [esc(`#${f.index}`), esc(f.status), hex(f.keyid), esc(f.reason ?? '')]);
  return (
    `<h2>IMA signatures</h2><p>${esc(counts)}.</p>` +
    (keys.length > 0 ? table(['keyid', 'key', 'from'], keys) : '') +
    (failures.length > 0 ? table(['entry', 'status', 'keyid', 'reason'], failures) + moreRows(s.failures.length) : '')
  );
}

/** How many failure rows the HTML report lists (the JSON report has them all). */
const FAILURES_SHOWN = 200;

function moreRows(total: number): string {
  return total > FAILURES_SHOWN ? `<p class="muted">${esc(`and ${total - FAILURES_SHOWN} more in the JSON report`)}</p>` : '';
}

function replaySection(report: Report): string {
  if (report.replay === undefined) return '';
  const rows: string[][] = [];
  for (const [bank, pcrs] of Object.entries(report.replay)) {
    for (const [pcr, value] of Object.entries(pcrs ?? {})) rows.push([esc(bank), esc(pcr), hex(value)]);
  }
  return rows.length === 0 ? '' : `<h2>Replayed PCRs</h2>${table(['bank', 'PCR', 'value'], rows)}`;
}

function inputsSection(report: Report): string {
  const rows = report.inputs.map((i) => [
    esc(i.name),
    esc(i.kind),
    esc(i.size),
    hex(i.sha256),
    esc([i.byteOrder, i.digestBank].filter((v) => v !== undefined).join(', ')),
  ]);
  return `<h2>Inputs</h2>${table(['name', 'kind', 'bytes', 'SHA-256', 'notes'], rows)}`;
}

function footer(report: Report, options: HtmlReportOptions): string {
  const parts = [`Made by imascope; report schema ${esc(report.schema)}.`];
  if (options.generatedAt !== undefined) parts.push(`Generated ${esc(options.generatedAt)}.`);
  const link = options.permalink;
  if (link !== undefined) {
    parts.push(
      /^https?:\/\//i.test(link)
        ? `<a href="${esc(link)}" rel="noreferrer noopener">Open this report in imascope</a>.`
        : `Permalink: <code>${esc(link)}</code>`,
    );
  }
  return `<footer>${parts.join(' ')}</footer>`;
}

export function exportHtmlReport(report: Report, options: HtmlReportOptions = {}): string {
  const title = options.title ?? 'imascope report';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(title)}</h1>`,
    verdictSection(report),
    findingsSection(report),
    pcrChecksSection(report),
    quoteSection(report),
    firmwareSection(report),
    logSection(report),
    policySection(report),
    signaturesSection(report),
    replaySection(report),
    inputsSection(report),
    footer(report, options),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
