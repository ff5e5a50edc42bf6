import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { analyzeRaw } from '../analysis/analyze';
import type { Report } from '../report/report';
import { readSharedData } from '../testing/shared-data';
import { escapeHtml, exportHtmlReport } from './html-report';

let provider: HashProvider;
let report: Report;
beforeAll(async () => {
  provider = await createWasmHashProvider();
  const swtpm = (name: string) => ({ name, bytes: readSharedData('swtpm', name) });
  report = (
    await analyzeRaw(
      ['binary_runtime_measurements', 'evmctl_pcrs_sha256_tampered.txt', 'binary_bios_measurements', 'q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pem'].map(swtpm),
      { banks: ['sha256'] },
      provider,
    )
  ).report;
});

const ATTACK_NAME = '<img src=x onerror=alert(1)>';
const ATTACK_MESSAGE = '</style><script>alert(2)</script><a href="javascript:alert(3)">x</a>';

function hostileReport(): Report {
  return {
    ...report,
    inputs: report.inputs.map((i, k) => (k === 0 ? { ...i, name: ATTACK_NAME } : i)),
    findings: [{ code: 'template-hash-mismatch', severity: 'error', message: `${ATTACK_NAME} ${ATTACK_MESSAGE}`, entries: [1] }, ...report.findings],
    log: report.log === undefined ? undefined : { ...report.log, templates: { [ATTACK_MESSAGE]: 1 } },
  };
}

/** Python's html.parser as an independent tokenizer: every start tag with its attribute names. */
function pythonTags(html: string): { tag: string; attrs: string[] }[] {
  const script = [
    'import json, sys',
    'from html.parser import HTMLParser',
    'tags = []',
    'class P(HTMLParser):',
    '    def handle_starttag(self, tag, attrs): tags.append({"tag": tag, "attrs": [a for a, _ in attrs]})',
    'P().feed(sys.stdin.read())',
    'print(json.dumps(tags))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script], { input: html, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { tag: string; attrs: string[] }[];
}

describe('exportHtmlReport', () => {
  it('escapes every string from the report: no element or attribute comes from the data', () => {
    const html = exportHtmlReport(hostileReport(), { permalink: 'javascript:alert(4)' });
    const tags = pythonTags(html);
    const allowed = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'section', 'strong', 'p', 'ol', 'li', 'span', 'code', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'br', 'footer']);
    expect(tags.filter((t) => !allowed.has(t.tag))).toEqual([]);
    expect(tags.flatMap((t) => t.attrs).filter((a) => !['lang', 'charset', 'http-equiv', 'content', 'name', 'class'].includes(a))).toEqual([]);
    expect(tags.filter((t) => t.tag === 'style')).toHaveLength(1);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(escapeHtml(ATTACK_NAME));
    expect(html).toContain('&lt;/style&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    // A permalink that is not http(s) is shown as text, never linked.
    expect(html).toContain('javascript:alert(4)</code>');
  });

  it('shows escape sequences and bidi overrides from the inputs as marks, as the app does', () => {
    const name = '/tmp/\u001b[31mred/evil\u202egnp.exe';
    const html = exportHtmlReport({ ...report, inputs: report.inputs.map((i, k) => (k === 0 ? { ...i, name } : i)) });
    expect(html).toContain('/tmp/⟨U+001B⟩[31mred/evil⟨U+202E⟩gnp.exe');
    expect(html.includes('\u001b') || html.includes('\u202e')).toBe(false);
  });

  it('has a strict CSP and no external reference', () => {
    const html = exportHtmlReport(report);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`);
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('reads verdict first, then findings, PCR checks, quote, firmware, log, inputs with fingerprints', () => {
    const html = exportHtmlReport(report, { generatedAt: '2026-01-02 03:04 UTC', permalink: 'https://example.test/#r=1.abc' });
    const order = ['class="verdict error"', '<h2>Findings</h2>', '<h2>PCR checks</h2>', '<h2>Quote</h2>', '<h2>Firmware event log</h2>', '<h2>IMA log</h2>', '<h2>Inputs</h2>'];
    const at = order.map((s) => html.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).toContain('<strong>FAIL</strong>');
    expect(html).toContain('pcr-mismatch');
    for (const input of report.inputs) expect(html).toContain(input.sha256);
    expect(html).toContain('<a href="https://example.test/#r=1.abc" rel="noreferrer noopener">');
    expect(html).toContain('Generated 2026-01-02 03:04 UTC.');
  });

  it('never shows a bare "valid" signature when the key is not an attestation key', () => {
    const reason = 'its objectAttributes 0x00040072 (fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|sign) lack restricted';
    const quotes = (report.quotes ?? []).map((q) => ({ ...q, akNotAttestationKey: reason }));
    expect(quotes[0]?.signature).toBe('valid');
    expect(exportHtmlReport({ ...report, quotes })).toContain(`valid, but the key is not an attestation key: ${escapeHtml(reason)}`);
  });

  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  it.runIf(existsSync(chromium))('opens offline in Chromium with the hostile strings as plain text', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'imascope-html-')), 'report.html');
    writeFileSync(file, exportHtmlReport(hostileReport()));
    const run = spawnSync(
      chromium,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--dump-dom', `file://${file}`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const dom = run.stdout;
    expect(dom).toContain('FAIL');
    expect(dom).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(dom).not.toMatch(/<img|<script|<a /i);
  });
});
