import { useRef, useState } from 'react';
import { failingChecks, hasDifferences, type CompareDocument } from '../../core/compare/compare-json';
import { selectAnalysis } from '../../store/selectors';
import type { CompareGroup, SideFacts } from '../../core/compare/compare-logs';
import { useInspector } from '../../store/use-inspector';
import { downloadFile } from '../share/download';
import { exportFileNames } from '../share/export-file-names';
import { useAppCommands } from '../shared/app-commands';
import { useWorkerCall } from '../shared/worker-call';
import { entryNumber, formatCount, plural } from '../shared/format';
import { SafeText } from '../shared/SafeText';
import '../shared/Panel.css';
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
      <header className="panel__head">
        <h2 className="panel__title" id="compare-title">
          Compare
        </h2>
        <p className={`panel__headline panel__headline--${headlineTone(compare.kind, document)}`} data-testid="compare-verdict">
          {compare.kind === 'loading'
              ? `Reading ${compare.name} and comparing…`
              : compare.kind === 'error'
                ? compare.message
                : <Verdict document={compare.document} />}
        </p>
        {document ? <CountChips document={document} /> : null}
        {compare.kind !== 'loading' ? (
          <button type="button" className="button button--quiet" onClick={clearCompare}>
            Clear
          </button>
        ) : null}
        {document ? (
          <button type="button" className="button button--quiet panel__toggle" aria-expanded={open} aria-controls="compare-body" onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Details'}
          </button>
        ) : null}
      </header>
      {document ? (
        <div className="panel__body compare__body" id="compare-body" hidden={!open}>
          <SidesTable document={document} />
          {document.divergence ? <Divergence document={document} /> : null}
          {document.reference.kind === 'policy' ? (
            <p className="compare__divergence" data-testid="compare-divergence">
              The reference is a runtime policy: it has no order, so there is no first divergence.
            </p>
          ) : null}
          {document.notes.length > 0 ? (
            <ul className="compare__notes" data-testid="compare-notes">
              {document.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          <AcceptedGroups key={`${document.reference.name}\u0000${document.failing.name}`} document={document} onJump={(index) => commands.goToEntry(index)} />
        </div>
      ) : null}
    </section>
  );
}

/**
 * Differences are what to review, not a failed check (the verdict above says what failed): a
 * red headline beside a PASS read as a contradiction. Only a reference that cannot be read is red.
 */
function headlineTone(kind: string, document: CompareDocument | undefined): 'pending' | 'ok' | 'warning' | 'error' {
  if (kind === 'error') return 'error';
  if (document === undefined) return 'pending';
  return hasDifferences(document, document.reference.kind) ? 'warning' : 'ok';
}

/** Names from the lists (the reference's file name, group keys) go through SafeText. */
function Verdict({ document: d }: { readonly document: CompareDocument }) {
  const against = d.reference.kind === 'policy' ? 'accepted by' : 'since';
  if (!hasDifferences(d, d.reference.kind)) {
    return (
      <>
        No changes: all {formatCount(d.same)} paths measured with digests {d.reference.kind === 'policy' ? 'accepted by' : 'the same as'} <SafeText text={d.reference.name} />
        {d.reference.kind === 'policy' && d.gone > 0 ? ` (${formatCount(d.gone)} of its paths ${d.gone === 1 ? 'was' : 'were'} not measured)` : ''}.
      </>
    );
  }
  const biggest = d.groups[0];
  return (
    <>
      {formatCount(d.changed)} changed, {formatCount(d.new)} new, {formatCount(d.gone)} gone {against === 'since' ? 'since' : 'against'} <SafeText text={d.reference.name} />
      {biggest ? (
        <>
          {' '}
          — biggest: <GroupText group={biggest} />
        </>
      ) : null}
    </>
  );
}

/** "412 changed under /usr/lib/modules/6.8.0-49" (new and gone beside it). */
function GroupText({ group: g }: { readonly group: CompareGroup }) {
  const parts = (['changed', 'new', 'gone'] as const).filter((k) => g[k] > 0).map((k) => `${formatCount(g[k])} ${k}`);
  return (
    <>
      {parts.join(', ')} {g.kind === 'records' ? 'in' : 'under'} <SafeText text={g.key} />
    </>
  );
}

const CHIP_TONE = { changed: 'bad', new: 'bad', gone: 'warn', incomparable: 'warn', same: 'ok' } as const;

function CountChips({ document }: { readonly document: CompareDocument }) {
  const chips = [
    ['changed', document.changed],
    ['new', document.new],
    ['gone', document.gone],
    ['same', document.same],
    ...(document.incomparable > 0 ? [['incomparable', document.incomparable] as const] : []),
  ] as const;
  return (
    <div className="panel__chips">
      {chips.map(([cls, n]) => (
        <span key={cls} className={`panel-chip panel-chip--${CHIP_TONE[cls]}`} data-testid="compare-count" data-class={cls} data-count={n}>
          {formatCount(n)} {cls}
        </span>
      ))}
    </div>
  );
}

function kernels(s: SideFacts): string {
  if (s.kind === 'policy') return '(a policy records none)';
  return [...new Set(s.kernelVersions.map((k) => k.version))].join(' + ') || '—';
}

function aggregates(s: SideFacts, groups: readonly CompareGroup[]): string {
  if (s.kind === 'policy') {
    const boot = groups.flatMap((g) => g.paths).find((p) => p.path === 'boot_aggregate');
    return boot === undefined ? "accepts the failing list's" : `does not accept the failing list's (${boot.class})`;
  }
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
  const isPolicy = document.reference.kind === 'policy';
  const kernelDiffers = !isPolicy && kernels(document.reference) !== kernels(document.failing);
  const boot = (side: SideFacts): string => aggregates(side, document.groups);
  const bootDiffers = isPolicy ? document.groups.some((g) => g.paths.some((p) => p.path === 'boot_aggregate')) : boot(document.reference) !== boot(document.failing);
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
            <td className="compare__name">
              <SafeText text={side.name} />
            </td>
            <td>
              {side.policy !== undefined
                ? `runtime policy (${side.policy.format}) · ${plural(side.entries, 'accepted digest')} for ${plural(side.paths, 'path')}`
                : `${formatCount(side.entries)} · ${side.templates.map((t) => t.name).join(', ')}`}{' '}
              · {side.digestAlgorithms.map((a) => a.algorithm).join(', ') || 'no file digests'}
            </td>
            <td className={kernelDiffers ? 'compare__differs' : undefined} data-testid="compare-kernel">
              <SafeText text={kernels(side)} />
            </td>
            <td className={`compare__digest${bootDiffers ? ' compare__differs' : ''}`} data-testid="compare-boot-aggregate">
              {boot(side)}
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
  const show = (e: { path: string; digest: string } | undefined) => (e === undefined ? '(the list ends)' : <SafeText text={`${e.path} ${e.digest}`} />);
  return (
    <p className="compare__divergence" data-testid="compare-divergence" data-index={d.index}>
      The lists first part at entry{' '}
      {d.failing !== undefined ? (
        <button type="button" className="link-button" onClick={() => commands.goToEntry(d.index)}>
          {entryNumber(d.index)}
        </button>
      ) : (
        entryNumber(d.index)
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

/**
 * The groups, each with a box to accept its changes, and "Download policy update": the
 * worker writes a Keylime v1 policy accepting the changed and new paths of the ticked groups
 * (the reference policy plus them, when the reference is one).
 */
function AcceptedGroups({ document, onJump }: { readonly document: CompareDocument; readonly onJump: (index: number) => void }) {
  const call = useWorkerCall();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [status, setStatus] = useState<{ readonly tone: 'ok' | 'error' | 'pending'; readonly text: string } | undefined>(undefined);
  const acceptable = document.groups.filter((g) => g.changed + g.new > 0);
  const toggle = (key: string, on: boolean): void => {
    const next = new Set(selected);
    if (on) next.add(key);
    else next.delete(key);
    setSelected(next);
  };
  const download = async (): Promise<void> => {
    setStatus({ tone: 'pending', text: 'Writing the policy…' });
    try {
      const update = await call('acceptChanges', { groups: [...selected] });
      const fileName = exportFileNames(document.failing.name).policyUpdate;
      downloadFile(update.text, fileName, 'application/json');
      const skipped = update.skipped.length > 0 ? ` (${formatCount(update.skipped.length)} digests left out: ${update.skipped[0]}…)` : '';
      setStatus({ tone: 'ok', text: `${fileName}: ${formatCount(update.accepted)} accepted paths${update.merged ? ' added to the reference policy' : ' (a policy of them alone: merge it into yours)'}${skipped}` });
    } catch (e) {
      setStatus({ tone: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <>
      {acceptable.length > 0 ? (
        <div className="compare__accept">
          <button type="button" className="button button--quiet" onClick={() => setSelected(new Set(acceptable.map((g) => g.key)))}>
            Select all changes
          </button>
          <button type="button" className="button" data-testid="compare-accept-download" disabled={selected.size === 0} onClick={() => void download()}>
            {selected.size === 0 ? 'Tick groups to accept their changes' : `Accept ${formatCount(selected.size)} ${selected.size === 1 ? 'group' : 'groups'}: download policy update`}
          </button>
          {status ? (
            <span className={`compare__accept-status compare__accept-status--${status.tone}`} data-testid="compare-accept-status" data-tone={status.tone} role="status">
              <SafeText text={status.text} />
            </span>
          ) : null}
        </div>
      ) : null}
      <div className="compare__groups" role="list" aria-label="Changes by group">
        {document.groups.map((g) => (
          <GroupItem key={g.key} group={g} fromList={document.reference.kind === 'list'} onJump={onJump} accepted={selected.has(g.key)} onAccept={g.changed + g.new > 0 ? (on) => toggle(g.key, on) : undefined} />
        ))}
      </div>
    </>
  );
}

function GroupItem({
  group,
  fromList,
  onJump,
  accepted,
  onAccept,
}: {
  readonly group: CompareGroup;
  /** The reference is a list (its entry numbers mean something), not a policy. */
  readonly fromList: boolean;
  readonly onJump: (index: number) => void;
  readonly accepted: boolean;
  /** Absent for a group with nothing to accept (only gone paths). */
  readonly onAccept: ((on: boolean) => void) | undefined;
}) {
  const [all, setAll] = useState(false);
  const paths = all ? group.paths : group.paths.slice(0, PATHS_SHOWN);
  return (
    <details className="compare-group" role="listitem" data-testid="compare-group" data-key={group.key} data-changed={group.changed} data-new={group.new} data-gone={group.gone}>
      <summary>
        {onAccept ? (
          <input
            type="checkbox"
            className="compare-group__accept"
            data-testid="compare-accept"
            checked={accepted}
            aria-label={`Accept the changes under ${group.key}`}
            onChange={(e) => onAccept(e.currentTarget.checked)}
          />
        ) : null}
        <span className="compare-group__text">
          <GroupText group={group} />
        </span>
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
                  <SafeText text={p.path} />
                </button>
              ) : (
                <span className="compare-path__name" title={p.referenceEntry !== undefined && fromList ? `only in the reference (its entry #${p.referenceEntry})` : 'only in the reference'}>
                  <SafeText text={p.path} />
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
 * "Compare with…": picks the known-good reference, a list or a policy (read by the worker beside the open
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
        title="What changed since the machine last passed? Pick a known-good list of the same machine or image, or a Keylime runtime policy, as the reference (or drop it on the window's reference target)."
        onClick={() => input.current?.click()}
      >
        Compare with…
      </button>
    </>
  );
}
