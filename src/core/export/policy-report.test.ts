/**
 * The policy result beyond the JSON report: the HTML report's runtime-policy and signature
 * sections (escaped, Keylime's events named) and the permalink, which carries `policy` and
 * `signatures` whole, or, over its budget, cut failure lists whose counts stay.
 */
import { describe, expect, it } from 'vitest';
import { analyzeRaw } from '../analysis/analyze';
import { createNobleHashProvider } from '../hash/hash-provider';
import type { Report } from '../report/report';
import { decodePermalink, encodePermalink } from '../share/permalink';
import { readSharedData } from '../testing/shared-data';
import { escapeHtml, exportHtmlReport } from './html-report';

const vector = (sub: string, name: string) => ({ name, bytes: readSharedData('policy', 'keylime', sub, name) });

async function judged(): Promise<Report> {
  const raw = [vector('logs', 'combined.ascii'), vector('policies', 'policy-empty.json'), vector('keys', 'rsa2048pub.pem')];
  return (await analyzeRaw(raw, {}, createNobleHashProvider())).report;
}

describe('the policy result in the HTML report and the permalink', () => {
  it('the HTML report has the policy and signature sections, with Keylime events and escaped text', async () => {
    const report = await judged();
    expect(report.policy?.failed).toBe(4);
    const hostile = '<script>alert(1)</script>';
    const policy = report.policy;
    if (policy === undefined) throw new Error('no policy result');
    const html = exportHtmlReport({ ...report, policy: { ...policy, failures: [{ ...policy.failures[0], message: hostile }, ...policy.failures.slice(1)] } });
    const at = ['<h2>IMA log</h2>', '<h2>Runtime policy</h2>', '<h2>IMA signatures</h2>', '<h2>Inputs</h2>'].map((s) => html.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).toContain('<span class="error">fails</span>');
    expect(html).toContain(`${policy.passed} passed, ${policy.excluded} excluded, 4 failed`);
    expect(html).toContain('<code>ima.validation.ima-ng.not_in_allowlist</code>');
    expect(html).toContain(escapeHtml('File not found in allowlist: /usr/bin/zmore'));
    expect(html).toContain(escapeHtml(hostile));
    expect(html).not.toContain(hostile);
    expect(html).toContain('<code class="hex">f3452d23</code>');
  });

  it('the permalink carries policy and signatures unchanged', async () => {
    const report = await judged();
    const link = await encodePermalink({ v: 1, report });
    const decoded = await decodePermalink(link.fragment);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.payload.report.policy).toStrictEqual(JSON.parse(JSON.stringify(report.policy)));
    expect(decoded.payload.report.signatures).toStrictEqual(JSON.parse(JSON.stringify(report.signatures)));
  });

  it('over budget, the link cuts the failure lists but keeps the counts', async () => {
    const report = await judged();
    const policy = report.policy;
    if (policy === undefined) throw new Error('no policy result');
    const failures = Array.from({ length: 3000 }, (_, i) => ({ ...policy.failures[0], index: i, message: `File not found in allowlist: /opt/${i.toString(36)}/${(i * 7919).toString(16)}` }));
    const big: Report = { ...report, policy: { ...policy, failed: failures.length, failures } };
    const link = await encodePermalink({ v: 1, report: big }, { maxLength: 8000 });
    expect(link.dropped).toContain('policy and signature failure lists past their first 20 entries (their counts stay)');
    const decoded = await decodePermalink(link.fragment);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.payload.report.policy?.failures).toHaveLength(20);
    expect(decoded.payload.report.policy?.failed).toBe(3000);
    expect(decoded.payload.report.policy?.keylimePass).toBe(false);
  });
});
