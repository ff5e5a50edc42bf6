/**
 * `imascope compare` as a person reads it: the verdict (what changed, the biggest groups)
 * first, then the kernels and boots of each side, the first divergence, the groups with a few
 * paths each, and what could not be compared. Plain text, pastes into tickets.
 */
import { hasDifferences, type CompareDocument } from '../core/compare/compare-json';
import type { CompareGroup, ComparedPath, SideFacts } from '../core/compare/compare-logs';
import { plural } from '../core/util/count-text';
import { FINDING_HELP } from '../core/analysis/finding-help';
import { findingLine } from './format-human';
import { terminalLines } from './say';

/** Groups shown in full detail, and paths shown per group. */
const GROUPS_SHOWN = 12;
const PATHS_SHOWN = 5;

export function formatCompare(doc: CompareDocument): string {
  const lines: string[] = [...failedCheckLines(doc), verdict(doc)];
  const isPolicy = doc.reference.kind === 'policy';
  if (doc.gone > 0) {
    lines.push(
      isPolicy
        ? '(Only changed and new paths fail this policy; gone paths are accepted by it but were not measured in the failing list.)'
        : '(Only changed and new paths fail a policy made from the reference; gone paths were not measured in the failing boot.)',
    );
  }
  lines.push('');
  lines.push(`Reference: ${doc.reference.name} — ${sideLine(doc.reference)}`);
  lines.push(`Failing:   ${doc.failing.name} — ${sideLine(doc.failing)}`);
  lines.push(...(isPolicy ? policySideLines(doc) : [kernelLine(doc), bootLine(doc)]));
  lines.push(...perBootLines('Reference', doc.reference), ...perBootLines('Failing', doc.failing));
  if (doc.divergence !== undefined) {
    const d = doc.divergence;
    const show = (e: { path: string; digest: string } | undefined): string => (e === undefined ? '(list ends)' : `${e.path} ${e.digest}`);
    lines.push(`First divergence at entry ${d.index}: reference ${show(d.reference)}; failing ${show(d.failing)}`);
  } else if (!isPolicy) {
    lines.push('The lists measure the same entries in the same order.');
  }
  for (const c of doc.failing.checks ?? []) {
    const what = c.source === 'pcr' ? `${c.bank ?? ''} PCR ${c.pcr ?? ''}` : 'quote';
    const upTo = c.coversDivergence === undefined ? '' : c.coversDivergence ? ' (covers the entries up to the divergence)' : ' (does not reach the divergence)';
    lines.push(`Failing ${what}: ${c.status}${c.matchedEntries !== undefined ? ` after ${c.matchedEntries} entries` : ''}${upTo}`);
  }
  if (doc.groups.length > 0) {
    lines.push('', 'Changes by group:');
    for (const g of doc.groups.slice(0, GROUPS_SHOWN)) {
      lines.push(`  ${groupLine(g)}`);
      for (const p of g.paths.slice(0, PATHS_SHOWN)) lines.push(`      ${p.class.padEnd(7)} ${p.path}${digestChange(p)}`);
      if (g.paths.length > PATHS_SHOWN) lines.push(`      … ${g.paths.length - PATHS_SHOWN} more (--json lists every path)`);
    }
    if (doc.groups.length > GROUPS_SHOWN) lines.push(`  … ${doc.groups.length - GROUPS_SHOWN} more groups (--json lists them)`);
  }
  if (doc.notes.length > 0) {
    lines.push('', 'Not compared:');
    for (const n of doc.notes) lines.push(`  ${n}`);
  }
  for (const [label, side] of [['Reference', doc.reference], ['Failing', doc.failing]] as const) {
    if (side.findings === undefined || side.findings.length === 0) continue;
    lines.push('', `${label} findings (${side.name}):`);
    for (const f of side.findings) lines.push(`  ${findingLine(f)}`);
  }
  return terminalLines(lines);
}

/**
 * Before the comparison's verdict, the worst failed check of each side (a tampered list, a PCR
 * value or quote the failing list does not reproduce, a signature that does not verify): what
 * changed means little while one stands, and the exit status is 1 (2: an input unread) for it.
 */
function failedCheckLines(doc: CompareDocument): string[] {
  const lines: string[] = [];
  for (const [label, side] of [['reference', doc.reference], ['failing', doc.failing]] as const) {
    const errors = (side.findings ?? []).filter((f) => f.severity === 'error');
    if (errors.length === 0) continue;
    const worst = errors[0];
    const more = errors.length > 1 ? ` (and ${plural(errors.length - 1, 'more failed check')}: see the findings)` : '';
    lines.push(`FAIL — the ${label} list ${side.name}: ${FINDING_HELP[worst.code].title}: ${worst.message}${more}`);
  }
  return lines;
}

function verdict(doc: CompareDocument): string {
  const policy = doc.reference.kind === 'policy';
  if (!hasDifferences(doc, doc.reference.kind)) {
    return policy
      ? `NO CHANGES — all ${doc.same} measured paths have digests the policy accepts${doc.gone > 0 ? ` (${doc.gone} of its paths ${doc.gone === 1 ? 'was' : 'were'} not measured)` : ''}`
      : `NO CHANGES — all ${doc.same} paths measured with the same digests`;
  }
  const total = doc.changed + doc.new + (policy ? 0 : doc.gone);
  const counts =
    `${doc.changed} changed, ${doc.new} new, ${doc.gone} gone, ${doc.same} same${doc.incomparable > 0 ? `, ${doc.incomparable} not comparable` : ''}` +
    (doc.excluded > 0 ? ` (${doc.excluded} entries excluded by the policy)` : '');
  if (total === 0) return `CANNOT TELL — ${counts}`;
  const biggest = doc.groups.slice(0, 3).map(groupLine).join('; ');
  return `CHANGED — ${counts} (paths). Biggest: ${biggest}`;
}

/** "412 changed under /usr/lib/modules/6.8.0-49" (and new / gone beside it). */
export function groupLine(g: CompareGroup): string {
  const parts = (['changed', 'new', 'gone'] as const).filter((k) => g[k] > 0).map((k) => `${g[k]} ${k}`);
  const where = g.kind === 'records' ? `in ${g.key}` : `under ${g.key}`;
  return `${parts.join(', ')} ${where}${g.kind === 'kernel-modules' ? ' (kernel modules)' : ''}`;
}

function digestChange(p: ComparedPath): string {
  if (p.class !== 'changed') return '';
  const short = (list: ComparedPath['failing']): string => list.map((d) => `${d.algorithm}:${d.hex.slice(0, 12)}…`).join(',');
  return `  ${short(p.reference)} → ${short(p.failing)}`;
}

function sideLine(s: SideFacts): string {
  if (s.policy !== undefined) {
    const excludes = s.policy.excludes > 0 ? `, ${s.policy.excludes} excludes${s.policy.excludesStatus === 'ok' ? '' : ` (${s.policy.excludesStatus}: not applied)`}` : '';
    return `runtime policy (${s.policy.format}), ${plural(s.entries, 'accepted digest')} for ${plural(s.paths, 'path')}, ${s.digestAlgorithms.map((a) => a.algorithm).join(', ') || 'no readable digests'}${excludes}`;
  }
  const templates = s.templates.map((t) => `${t.name} ${t.entries}`).join(', ');
  const algorithms = s.digestAlgorithms.length > 0 ? `file digests ${s.digestAlgorithms.map((a) => a.algorithm).join(', ')}` : 'no file digests';
  return `${plural(s.entries, 'entry', 'entries')} (${templates}), ${plural(s.paths, 'path')}, ${algorithms}, ${plural(s.boots.filter((b) => b.index >= 0).length, 'boot')}`;
}

/** One line per boot of a list carried across kexec (a single boot says nothing new). */
function perBootLines(label: string, s: SideFacts): string[] {
  if (s.boots.length < 2) return [];
  return s.boots.map((b, k) => {
    const c = b.classes;
    const counts = (['changed', 'new', 'gone', 'same', 'incomparable', 'violation'] as const).filter((cls) => c[cls] > 0).map((cls) => `${c[cls]} ${cls}`);
    const where = b.index < 0 ? 'before the first boot_aggregate' : `from entry ${b.index}`;
    return `${label} boot ${k + 1} (${where}, ${b.entries} entries): ${counts.join(', ') || 'nothing aligned'}`;
  });
}

/** A policy has no boots or kernel records: the failing side's, and whether its boot_aggregate is accepted. */
function policySideLines(doc: CompareDocument): string[] {
  const kernels = [...new Set(doc.failing.kernelVersions.map((k) => k.version))].join(' + ') || '(no kernel_version record)';
  const boot = doc.groups.flatMap((g) => g.paths).find((p) => p.path === 'boot_aggregate');
  const aggregates = aggregatesOf(doc.failing);
  const accepted = doc.failing.boots.every((b) => b.digest === undefined) ? '' : boot === undefined ? ' (accepted by the policy)' : ` (${boot.class}: not accepted by the policy)`;
  return [`Kernel (failing): ${kernels}`, `boot_aggregate (failing): ${aggregates}${accepted}`, 'The reference is a policy: it has no order, so there is no first divergence.'];
}

function kernelLine(doc: CompareDocument): string {
  const versions = (s: SideFacts): string => [...new Set(s.kernelVersions.map((k) => k.version))].join(' + ') || '(no kernel_version record)';
  const r = versions(doc.reference);
  const f = versions(doc.failing);
  return r === f ? `Kernel: ${r} on both sides` : `Kernel: ${r} → ${f} (a different kernel explains a whole group of changes)`;
}

function bootLine(doc: CompareDocument): string {
  const r = aggregatesOf(doc.reference);
  const f = aggregatesOf(doc.failing);
  if (r === f) return `boot_aggregate: ${r} on both sides`;
  const algorithms = (s: SideFacts): string => [...new Set(s.boots.flatMap((b) => (b.digest === undefined ? [] : [b.digest.split(':')[0]])))].sort().join('+');
  const why = algorithms(doc.reference) === algorithms(doc.failing) ? 'firmware or boot chain differs' : 'hashed with different algorithms: these cannot be compared';
  return `boot_aggregate: ${r} → ${f} (${why})`;
}

/** Distinct values: a list carried across kexec repeats the same boot_aggregate. */
function aggregatesOf(s: SideFacts): string {
  return [...new Set(s.boots.flatMap((b) => (b.digest === undefined ? [] : [`${b.digest.slice(0, 19)}…`])))].join(' ') || '(none)';
}
