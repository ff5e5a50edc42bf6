import { useRef, useState } from 'react';
import { failingChecks, type CompareDocument } from '../../core/compare/compare-json';
import { selectAnalysis } from '../../store/selectors';
import type { CompareGroup, SideFacts } from '../../core/compare/compare-logs';
import { useInspector } from '../../store/use-inspector';
import { useAppCommands } from '../shared/app-commands';
import { formatCount } from '../shared/format';
import './Compare.css';

/** Paths rendered per expanded group before "show all" (a kernel update lists thousands). */
const PATHS_SHOWN = 200;

/**
 * "What changed since the machine last passed": pick a known-good list of the same machine
 * (or a healthy one of the same image) as the reference; the worker aligns the two by path.
 * Verdict first, then each side's kernel and boot_aggregate, the first divergence, and the
 * changes grouped as a person reads them; each path jumps to its entry in the table.
 */
export function ComparePanel() {
  const hasLog = useInspector((s) => s.load.kind === 'ready' && s.load.summary.log !== undefined);
  const compare = useInspector((s) => s.compare);
  const clearCompare = useInspector((s) => s.clearCompare);
  const commands = useAppCommands();
  const [open, setOpen] = useState(true);
  // Until a reference is picked (CompareButton, in the top bar) the panel takes no room: on a
  // laptop screen every line above the table is a row less.
  if (!hasLog || compare.kind === 'none') return null;
  const document = compare.kind === 'ready' ? compare.document : undefined;
  return (
    <section className={`compare${document && open ? ' compare--open' : ''}`} data-testid="compare-panel" data-state={compare.kind} aria-labelledby="compare-title">
      <header className="compare__head">
        <h2 className="compare__title" id="compare-title">
          Compare
        </h2>
        <p className={`compare__headline compare__headline--${headlineTone(compare.kind, document)}`} data-testid="compare-verdict">
          {compare.kind === 'loading'
              ? `Reading ${compare.name} and comparing…`
              : compare.kind === 'error'
                ? compare.message
                : verdictText(compare.document)}
        </p>
        {document ? <CountChips document={document} /> : null}
        {compare.kind !== 'loading' ? (
          <button type="button" className="button button--quiet" onClick={clearCompare}>
            Clear
          </button>
        ) : null}
        {document ? (
          <button type="button" className="button button--quiet compare__toggle" aria-expanded={open} aria-controls="compare-body" onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Details'}
          </button>
        ) : null}
      </header>
      {document ? (
        <div className="compare__body" id="compare-body" hidden={!open}>
          <SidesTable document={document} />
          {document.divergence ? <Divergence document={document} /> : null}
          {document.notes.length > 0 ? (
            <ul className="compare__notes" data-testid="compare-notes">
              {document.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          <div className="compare__groups" role="list" aria-label="Changes by group">
            {document.groups.map((g) => (
              <GroupItem key={g.key} group={g} onJump={(index) => commands.goToEntry(index)} />
            ))}
          </div>
        </div>
      ) : null}
    </section>
  );
}

function headlineTone(kind: string, document: CompareDocument | undefined): 'pending' | 'ok' | 'warning' | 'error' {
  if (kind === 'error') return 'error';
  if (document === undefined) return 'pending';
  if (document.changed + document.new > 0) return 'error';
  return document.gone + document.incomparable > 0 ? 'warning' : 'ok';
}

function verdictText(d: CompareDocument): string {
  if (d.changed + d.new + d.gone + d.incomparable === 0) return `No changes: all ${formatCount(d.same)} paths measured with the same digests as ${d.reference.name}.`;
  const biggest = d.groups[0];
  return `${formatCount(d.changed)} changed, ${formatCount(d.new)} new, ${formatCount(d.gone)} gone since ${d.reference.name}${biggest ? ` — biggest: ${groupText(biggest)}` : ''}`;
}

/** "412 changed under /usr/lib/modules/6.8.0-49" (new and gone beside it). */
function groupText(g: CompareGroup): string {
  const parts = (['changed', 'new', 'gone'] as const).filter((k) => g[k] > 0).map((k) => `${formatCount(g[k])} ${k}`);
  return `${parts.join(', ')} ${g.kind === 'records' ? 'in' : 'under'} ${g.key}`;
}

function CountChips({ document }: { readonly document: CompareDocument }) {
  const chips = [
    ['changed', document.changed],
    ['new', document.new],
    ['gone', document.gone],
    ['same', document.same],
    ...(document.incomparable > 0 ? [['incomparable', document.incomparable] as const] : []),
  ] as const;
  return (
    <div className="compare__chips">
      {chips.map(([cls, n]) => (
        <span key={cls} className={`compare-chip compare-chip--${cls}`} data-testid="compare-count" data-class={cls} data-count={n}>
          {formatCount(n)} {cls}
        </span>
      ))}
    </div>
  );
}

function kernels(s: SideFacts): string {
  return [...new Set(s.kernelVersions.map((k) => k.version))].join(' + ') || '—';
}

function aggregates(s: SideFacts): string {
  // Distinct values: a list carried across kexec repeats its boot_aggregate.
  const digests = new Set(s.boots.flatMap((b) => (b.digest === undefined ? [] : [b.digest])));
  const boots = s.boots.filter((b) => b.index >= 0).length;
  return `${[...digests].join(' · ') || '—'}${boots > 1 ? ` (${boots} boots)` : ''}`;
}

function SidesTable({ document }: { readonly document: CompareDocument }) {
  const sides = [
    ['Reference', document.reference],
    ['Failing', document.failing],
  ] as const;
  const kernelDiffers = kernels(document.reference) !== kernels(document.failing);
  const bootDiffers = aggregates(document.reference) !== aggregates(document.failing);
  return (
    <table className="compare__sides" data-testid="compare-sides">
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">List</th>
          <th scope="col">Entries</th>
          <th scope="col">Kernel</th>
          <th scope="col">boot_aggregate</th>
        </tr>
      </thead>
      <tbody>
        {sides.map(([label, side]) => (
          <tr key={label} data-side={label.toLowerCase()}>
            <th scope="row">{label}</th>
            <td className="compare__name">{side.name}</td>
            <td>
              {formatCount(side.entries)} · {side.templates.map((t) => t.name).join(', ')} · {side.digestAlgorithms.map((a) => a.algorithm).join(', ') || 'no file digests'}
            </td>
            <td className={kernelDiffers ? 'compare__differs' : undefined} data-testid="compare-kernel">
              {kernels(side)}
            </td>
            <td className={`compare__digest${bootDiffers ? ' compare__differs' : ''}`} data-testid="compare-boot-aggregate">
              {aggregates(side)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Divergence({ document }: { readonly document: CompareDocument }) {
  const commands = useAppCommands();
  const report = useInspector(selectAnalysis)?.report;
  const d = document.divergence;
  if (d === undefined) return null;
  // The supplied PCRs / quote of the open (failing) list, seen from the divergence.
  const checks = report === undefined ? [] : failingChecks(report, document.failing.entries, d);
  const show = (e: { path: string; digest: string } | undefined) => (e === undefined ? '(the list ends)' : `${e.path} ${e.digest}`);
  return (
    <p className="compare__divergence" data-testid="compare-divergence" data-index={d.index}>
      The lists first part at entry{' '}
      {d.failing !== undefined ? (
        <button type="button" className="link-button" onClick={() => commands.goToEntry(d.index)}>
          #{formatCount(d.index)}
        </button>
      ) : (
        `#${formatCount(d.index)}`
      )}
      : reference <span className="compare__mono">{show(d.reference)}</span>; failing <span className="compare__mono">{show(d.failing)}</span>
      {checks.map((c, k) => (
        <span key={k} className={`compare__check${c.coversDivergence === true ? ' compare__check--ok' : ' compare__check--bad'}`} data-testid="compare-check" data-covers={String(c.coversDivergence)}>
          {c.source === 'pcr' ? `${c.bank ?? ''} PCR ${c.pcr ?? ''}` : 'Quote'}: {c.status}
          {c.matchedEntries !== undefined ? ` after ${formatCount(c.matchedEntries)} entries` : ''} —{' '}
          {c.coversDivergence === true ? 'the TPM agrees with this list up to the divergence' : 'the TPM does not reach the divergence'}
        </span>
      ))}
    </p>
  );
}

function GroupItem({ group, onJump }: { readonly group: CompareGroup; readonly onJump: (index: number) => void }) {
  const [all, setAll] = useState(false);
  const paths = all ? group.paths : group.paths.slice(0, PATHS_SHOWN);
  return (
    <details className="compare-group" role="listitem" data-testid="compare-group" data-key={group.key} data-changed={group.changed} data-new={group.new} data-gone={group.gone}>
      <summary>
        <span className="compare-group__text">{groupText(group)}</span>
        {group.kind === 'kernel-modules' ? <span className="compare-group__kind">kernel modules</span> : null}
      </summary>
      <ul className="compare-group__paths">
        {paths.map((p) => {
          const index = p.failingEntry;
          return (
            <li key={p.path} className={`compare-path compare-path--${p.class}`} data-testid="compare-path" data-class={p.class}>
              <span className="compare-path__class">{p.class}</span>
              {index !== undefined ? (
                <button type="button" className="link-button compare-path__name" title={`Go to entry #${index}`} onClick={() => onJump(index)}>
                  {p.path}
                </button>
              ) : (
                <span className="compare-path__name" title={`only in the reference (its entry #${p.referenceEntry ?? '?'})`}>
                  {p.path}
                </span>
              )}
              {p.class === 'changed' ? (
                <span className="compare-path__digests">
                  {p.reference.map((d) => d.hex.slice(0, 12)).join(', ')} → {p.failing.map((d) => d.hex.slice(0, 12)).join(', ')}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      {paths.length < group.paths.length ? (
        <button type="button" className="button button--quiet" onClick={() => setAll(true)}>
          Show all {formatCount(group.paths.length)}
        </button>
      ) : null}
    </details>
  );
}

/**
 * "Compare with…": picks the known-good reference list (read by the worker beside the open
 * log). In the top bar, so the compare panel only takes room once there is something to show.
 */
export function CompareButton() {
  const hasLog = useInspector((s) => s.load.kind === 'ready' && s.load.summary.log !== undefined);
  const commands = useAppCommands();
  const input = useRef<HTMLInputElement>(null);
  if (!hasLog) return null;
  return (
    <>
      <input
        ref={input}
        type="file"
        hidden
        data-testid="compare-input"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file !== undefined) commands.compareWith(file);
        }}
      />
      <button
        type="button"
        className="button button--quiet"
        data-testid="compare-pick"
        title="What changed since the machine last passed? Pick a known-good list of the same machine or image as the reference."
        onClick={() => input.current?.click()}
      >
        Compare with…
      </button>
    </>
  );
}
