import type { HypothesisOutcome, LikelyCause, ReplayHypotheses } from '../../core/analysis/hypotheses';
import type { ByteOrder } from '../../core/model/ima-log';
import { useAppCommands } from '../shared/app-commands';
import { entryNumber, formatCount } from '../shared/format';
import { hypothesisWords } from './replay-text';

function Cell({ outcome, entryCount }: { readonly outcome: HypothesisOutcome | undefined; readonly entryCount: number }) {
  if (outcome === undefined) return <td className="muted">—</td>;
  if (outcome.matchedEntries !== undefined) {
    return (
      <td className="hypothesis-cell hypothesis-cell--yes" title={outcome.final}>
        ✓ {outcome.matchedEntries === entryCount ? `all ${formatCount(entryCount)}` : `after ${formatCount(outcome.matchedEntries)}`}
      </td>
    );
  }
  return (
    <td className="hypothesis-cell hypothesis-cell--no" title={outcome.final === '' ? 'cannot be computed' : `after the whole log: ${outcome.final}`}>
      ✗ <span className="mono">{outcome.final === '' ? 'n/a' : `${outcome.final.slice(0, 10)}…`}</span>
    </td>
  );
}

const LIKELIHOOD_TEXT = { likely: 'likely', possible: 'possible', unknown: 'cannot tell', 'ruled-out': 'ruled out' } as const;

function Causes({ causes, lastVerified }: { readonly causes: readonly LikelyCause[]; readonly lastVerified: number | undefined }) {
  const commands = useAppCommands();
  return (
    <div className="replay__card replay__card--wide" data-testid="likely-causes">
      <h3 className="replay__card-title">No reading reproduces it: likely causes</h3>
      {lastVerified !== undefined ? (
        <p className="causes__last">
          The log is intact (template hashes verify) up to{' '}
          <button type="button" className="link-button" onClick={() => commands.goToEntry(lastVerified)}>
            entry {entryNumber(lastVerified)}
          </button>
          .
        </p>
      ) : null}
      <ul className="causes">
        {causes.map((c) => (
          <li key={c.kind} className={`cause cause--${c.likelihood}`} data-testid="likely-cause" data-kind={c.kind} data-likelihood={c.likelihood}>
            <span className={`cause__badge cause__badge--${c.likelihood}`}>{LIKELIHOOD_TEXT[c.likelihood]}</span>
            <div className="cause__body">
              <p className="cause__summary">{c.summary}</p>
              <ul className="cause__evidence">
                {c.evidence.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
              {c.entries !== undefined && c.entries.length > 0 ? (
                <p className="cause__entries">
                  {c.entries.slice(0, 6).map((i) => (
                    <button key={i} type="button" className="link-button" onClick={() => commands.goToEntry(i)}>
                      {entryNumber(i)}
                    </button>
                  ))}
                </p>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Every reading of the log at once, boot_aggregate's candidates, and the causes when nothing fits. */
export function HypothesesSection({
  hypotheses,
  listOrder,
  onReplayAll,
}: {
  readonly hypotheses: ReplayHypotheses;
  readonly listOrder: ByteOrder;
  readonly onReplayAll: () => void;
}) {
  const { targets, rows, entryCount, quote } = hypotheses;
  const hasColumns = targets.length > 0 || quote !== undefined;
  const label = (r: (typeof rows)[number]): string => {
    const w = hypothesisWords(r.hypothesis, listOrder);
    return r.isDefault ? 'the kernel default' : [w.extend, w.violations, w.byteOrder].join(', ');
  };
  // Readings that this log cannot tell apart (no violations: 0xFF = zeros; sha1 bank: padded =
  // per-bank) give the same outcome: named once, with how many more agree.
  const reproducedBy = (pick: (r: (typeof rows)[number]) => HypothesisOutcome | undefined): string[] => {
    const groups: Array<{ outcome: HypothesisOutcome; rows: (typeof rows)[number][] }> = [];
    for (const r of rows) {
      const o = pick(r);
      if (o?.matchedEntries === undefined) continue;
      const same = groups.find((g) => g.outcome.matchedEntries === o.matchedEntries && g.outcome.final === o.final);
      if (same !== undefined) same.rows.push(r);
      else groups.push({ outcome: o, rows: [r] });
    }
    return groups.map((g) => {
      const more = g.rows.length - 1;
      const at = g.outcome.matchedEntries === entryCount ? 'the whole log' : `${formatCount(g.outcome.matchedEntries ?? 0)} entries`;
      return `${label(g.rows[0])} (${at})${more > 0 ? `, and ${more} more reading${more === 1 ? '' : 's'} this log cannot tell apart from it` : ''}`;
    });
  };
  const columns = [
    ...targets.map((t, k) => ({ key: `${t.bank}-${t.pcr}`, label: `${t.bank} PCR ${t.pcr}`, pick: (r: (typeof rows)[number]) => r.pcrs[k] })),
    ...(quote !== undefined ? [{ key: 'quote', label: 'quote pcrDigest', pick: (r: (typeof rows)[number]) => r.quote }] : []),
  ];
  return (
    <>
      {hasColumns ? (
        <div className="replay__card replay__card--wide" data-testid="hypotheses">
          <h3 className="replay__card-title">Every reading of the log</h3>
          <table className="replay-table hypotheses-table">
            <thead>
              <tr>
                <th>Extend</th>
                <th>Violations</th>
                <th>Byte order</th>
                {columns.map((c) => (
                  <th key={c.key}>{c.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const w = hypothesisWords(r.hypothesis, listOrder);
                const all = columns.every((c) => c.pick(r)?.matchedEntries !== undefined);
                return (
                  <tr key={r.key} className={all ? 'hypothesis-row--reproduces' : undefined} data-testid="hypothesis-row" data-hypothesis={r.key} data-reproduces={all}>
                    <td>
                      {w.extend}
                      {r.isDefault ? <span className="hypothesis-default">kernel default</span> : null}
                    </td>
                    <td>{w.violations}</td>
                    <td>{w.byteOrder}</td>
                    {columns.map((c) => (
                      <Cell key={c.key} outcome={c.pick(r)} entryCount={entryCount} />
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <ul className="hypotheses-verdicts">
            {columns.map((c) => {
              const by = reproducedBy(c.pick);
              return (
                <li key={c.key} data-testid="hypothesis-verdict" data-target={c.key} data-reproduced={by.length > 0}>
                  <strong>{c.label}</strong>:{' '}
                  {by.length === 0 ? <span className="replay-bad">reproduced by no reading</span> : <>reproduced by {by.join('; ')}</>}
                </li>
              );
            })}
          </ul>
          {hypotheses.othersSkipped === true ? (
            <p className="hypotheses-skipped" data-testid="hypotheses-skipped">
              The kernel's default reading reproduces every value, so the other readings were not replayed.{' '}
              <button type="button" className="link-button" onClick={onReplayAll}>
                Replay every reading
              </button>
            </p>
          ) : null}
          {quote !== undefined && quote.missing.length > 0 ? (
            <p className="replay-bad">
              The quote's digest cannot be replayed: no value for {quote.missing.map((m) => `${m.bank}:${m.pcr}`).join(', ')}.
            </p>
          ) : null}
        </div>
      ) : null}
      {hypotheses.bootAggregates.length > 0 ? (
        <div className="replay__card replay__card--wide" data-testid="boot-aggregates">
          <h3 className="replay__card-title">boot_aggregate</h3>
          <table className="replay-table">
            <thead>
              <tr>
                <th>Entry</th>
                <th>Logged</th>
                <th>Candidates from {hypotheses.bootSource === 'supplied' ? 'the supplied PCRs 0–9' : hypotheses.bootSource === 'firmware' ? 'the firmware log' : 'PCRs 0–9'}</th>
              </tr>
            </thead>
            <tbody>
              {hypotheses.bootAggregates.map((b) => (
                <tr key={b.index}>
                  <td className="mono">#{b.index}</td>
                  <td className="mono" title={b.logged}>
                    {b.logged.slice(0, 24)}…
                  </td>
                  <td>
                    {b.noTpm ? (
                      <span className="muted">all zero: the kernel found no TPM</span>
                    ) : b.candidates.length === 0 ? (
                      <span className="muted">no PCRs 0–7 known: supply PCR values or the firmware event log</span>
                    ) : (
                      b.candidates.map((c) => (
                        <span key={`${c.bank}-${c.pcrs}`} className={`boot-candidate${c.matches ? ' boot-candidate--yes' : ''}`} title={c.digest}>
                          {c.matches ? '✓' : '✗'} {c.bank} over PCRs {c.pcrs.replace('-', '–')}
                        </span>
                      ))
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {hypotheses.unexplained !== undefined ? (
        <Causes causes={hypotheses.unexplained.causes} lastVerified={hypotheses.unexplained.lastVerifiedEntry} />
      ) : null}
    </>
  );
}
