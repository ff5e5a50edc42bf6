import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { isIdentityQuery } from '../../core/query/filter-entries';
import { formatBytes, formatCount, formatMillis } from '../shared/format';
import './LogFacts.css';

/** CONTRACT §5.5: the entries the table's filter matches (all of them when unfiltered). */
function EntryCount({ total, count }: { readonly total: number; readonly count: number | undefined }) {
  return (
    <>
      <span data-testid="entry-count">{count ?? '…'}</span>
      {count !== total ? <span className="muted"> of {formatCount(total)} match the filter</span> : null}
    </>
  );
}

/** Entries, templates, byte order, boots and per-PCR results, as compact facts. */
export function LogFacts() {
  const load = useInspector((s) => s.load);
  const analysis = useInspector(selectAnalysis);
  const query = useInspector((s) => s.query);
  const matches = useInspector((s) => s.matches);
  if (load.kind !== 'ready') return null;
  const log = load.summary.log;
  const report = analysis?.report;
  const boots = report?.log?.boots.length;
  const byteOrder = report?.log?.byteOrder ?? log?.byteOrder;
  // An ASCII list is text: it has no byte order of its own (entries hashed in the other
  // order are findings). Per-bank lists read with it are named beside its own bank.
  const otherBanks = load.summary.inputs.flatMap((i) => (i.companionOf !== undefined && i.digestBank !== undefined ? [i.digestBank] : []));
  return (
    <dl className="facts">
      <div className="fact">
        <dt>Entries</dt>
        <dd>
          {log ? (
            <EntryCount total={log.entryCount} count={isIdentityQuery(query) ? log.entryCount : matches?.query === query ? matches.count : undefined} />
          ) : (
            // No list given (a firmware log or a quote alone): nothing to count or filter.
            <>
              <span data-testid="entry-count">0</span>
              <span className="muted"> (no IMA measurement list given)</span>
            </>
          )}
        </dd>
      </div>
      {log ? (
        <>
          <div className="fact">
            <dt>Templates</dt>
            <dd>
              {log.templates.map((t) => (
                <span key={t.name} className={`chip${t.known ? '' : ' chip--warning'}`} title={t.known ? undefined : 'unknown template'}>
                  {t.name} <span className="chip__count">{formatCount(t.count)}</span>
                </span>
              ))}
            </dd>
          </div>
          <div className="fact">
            <dt>Format</dt>
            <dd>
              {log.format === 'binary' ? `binary, ${byteOrder === 'mixed' ? 'mixed byte order' : `${byteOrder ?? log.byteOrder}-endian`}` : 'ASCII'}
              {log.digestBank ? `, ${log.digestBank} digests` : `, ${log.digestSize}-byte digests`}
              {otherBanks.length > 0 ? `; with the ${otherBanks.join(' and ')} ${otherBanks.length === 1 ? 'list' : 'lists'}` : ''}
            </dd>
          </div>
          <div className="fact">
            <dt>Boots</dt>
            <dd>{boots === undefined ? '…' : boots === 0 ? 'no boot_aggregate' : formatCount(boots)}</dd>
          </div>
          <div className="fact">
            <dt>Size</dt>
            <dd title={`parsed in ${formatMillis(log.parseMillis)}`}>{formatBytes(log.sourceSize)}</dd>
          </div>
        </>
      ) : null}
      {report?.pcrChecks && report.pcrChecks.length > 0 ? (
        <div className="fact">
          <dt>PCRs</dt>
          <dd>
            {report.pcrChecks.map((c) => (
              <span key={`${c.bank}-${c.pcr}`} className={`chip chip--${c.status}`}>
                {c.bank} PCR {c.pcr} {c.status === 'match' ? '✓' : c.status === 'prefix' ? '≈' : '✕'}
              </span>
            ))}
          </dd>
        </div>
      ) : null}
    </dl>
  );
}
