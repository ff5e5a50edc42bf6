/**
 * The report of a permalink, read-only, drawn from the link's validated report instead of the
 * worker with the live panels' parts (Panel, FindingItem, PcrStatus and the PCR checks'
 * attributes), so test ids and classes are the same (finding, pcr-check, entry-count). Every
 * string in it is someone else's text and is rendered as text.
 */
import type { Report, ReportFirmware, ReportLog, ReportQuote } from '../../core/report/report';
import { CopyButton } from '../shared/CopyButton';
import { Digest } from '../shared/Digest';
import { entryNumber, formatBytes, formatCount, plural } from '../shared/format';
import { inputKindLabel } from '../../core/inputs/input-kinds';
import { Panel } from '../shared/Panel';
import { PcrStatus, pcrCheckAttributes } from '../replay/PcrStatus';
import { FindingItem } from '../sidebar/FindingItem';
import './ReportSections.css';

/** Entry links shown per finding before "+N more". */
const ENTRY_LINKS = 12;

export function ReadOnlyFindings({
  report,
  carried,
  onEntry,
}: {
  readonly report: Report;
  /** Entries the link carries: their numbers are links to the entry list. */
  readonly carried: ReadonlySet<number>;
  readonly onEntry: (index: number) => void;
}) {
  const findings = report.findings;
  return (
    <Panel id="ro-findings-title" title="Findings" count={findings.length} className="share-section">
      {findings.length === 0 ? (
        <p className="panel__empty">Nothing to report.</p>
      ) : (
        <ul className="findings">
          {findings.map((f, k) => (
            <FindingItem key={`${f.code}-${k}`} finding={f} maxEntries={ENTRY_LINKS} onEntry={onEntry} isLinked={(index) => carried.has(index)} />
          ))}
        </ul>
      )}
    </Panel>
  );
}

export function ReadOnlyPcrChecks({ report }: { readonly report: Report }) {
  const checks = report.pcrChecks ?? [];
  if (checks.length === 0) return null;
  const entries = report.log?.entries;
  return (
    <Panel id="ro-pcr-title" title="PCR replay" className="share-section">
      <ul className="pcr-checks">
        {checks.map((c) => (
          <li key={`${c.bank}-${c.pcr}`} className={`pcr-check pcr-check--${c.status}`} {...pcrCheckAttributes(c)}>
            <div className="pcr-check__head">
              <span className="pcr-check__name">
                {c.bank} · PCR {c.pcr}
              </span>
              <PcrStatus status={c.status} />
            </div>
            <div className="pcr-check__row">
              <span className="pcr-check__label">supplied</span>
              <Digest hex={c.expected} truncate={32} />
              <CopyButton value={c.expected} label="Copy supplied value" />
            </div>
            <div className="pcr-check__row">
              <span className="pcr-check__label">replayed</span>
              <Digest hex={c.replayed} truncate={32} />
              <CopyButton value={c.replayed} label="Copy replayed value" />
            </div>
            {c.matchedEntries !== undefined ? (
              <p className="pcr-check__note">
                {entries !== undefined && c.matchedEntries === entries
                  ? `all ${formatCount(entries)} entries replayed`
                  : `matches after ${plural(c.matchedEntries, 'entry', 'entries')}${entries !== undefined ? ` of ${formatCount(entries)}` : ''}`}
                {c.hypothesis && (c.hypothesis.extend !== 'per-bank' || c.hypothesis.violations !== 'ff')
                  ? ` · ${c.hypothesis.extend}, violations as ${c.hypothesis.violations}`
                  : ''}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </Panel>
  );
}

const yesNo = (v: boolean | undefined): string => (v === undefined ? 'not checked' : v ? 'matches' : 'differs');

export function ReadOnlyQuote({ quote }: { readonly quote: ReportQuote | undefined }) {
  if (quote === undefined) return null;
  const selection = Object.entries(quote.selection)
    .map(([bank, pcrs]) => `${bank}: ${(pcrs ?? []).join(', ')}`)
    .join('; ');
  return (
    <Panel id="ro-quote-title" title="Quote" className="share-section">
      <dl className="quote-facts" data-testid="quote-summary">
        <div>
          <dt>Quote digest</dt>
          <dd>{yesNo(quote.digestMatches)}</dd>
        </div>
        <div>
          <dt>Signature</dt>
          <dd>{quote.signature}</dd>
        </div>
        <div>
          <dt>Nonce</dt>
          <dd>{yesNo(quote.nonceMatches)}</dd>
        </div>
        <div>
          <dt>Selection</dt>
          <dd>{selection}</dd>
        </div>
        <div>
          <dt>pcrDigest</dt>
          <dd>
            <Digest hex={quote.pcrDigest} truncate={24} />
          </dd>
        </div>
        <div>
          <dt>Reset / restart</dt>
          <dd>
            {quote.clock.resetCount} / {quote.clock.restartCount}
          </dd>
        </div>
        {quote.matchedEntries !== undefined ? (
          <div>
            <dt>Matched at</dt>
            <dd>{plural(quote.matchedEntries, 'entry', 'entries')}</dd>
          </div>
        ) : null}
      </dl>
    </Panel>
  );
}

export function ReadOnlyFirmware({ firmware }: { readonly firmware: ReportFirmware | undefined }) {
  if (firmware === undefined) return null;
  const checks = firmware.checks ?? [];
  return (
    <Panel id="ro-fw-title" title="Firmware event log" className="share-section">
      <dl className="quote-facts">
        <div>
          <dt>Events</dt>
          <dd>{formatCount(firmware.events)}</dd>
        </div>
        {Object.entries(firmware.ccRegisters ?? {}).map(([name, hex]) => (
          <div key={name}>
            <dt>TDX {name}</dt>
            <dd>
              <Digest hex={hex} truncate={24} />
            </dd>
          </div>
        ))}
        {Object.entries(firmware.bootAggregates).map(([bank, hex]) => (
          <div key={bank}>
            <dt>boot_aggregate {bank}</dt>
            <dd>
              <Digest hex={hex ?? ''} truncate={24} />
            </dd>
          </div>
        ))}
        {checks.map((c) => (
          <div key={`${c.bank}-${c.pcr}`}>
            <dt>
              {c.bank} PCR {c.pcr}
            </dt>
            <dd className={c.status === 'match' ? 'replay-ok' : 'replay-bad'}>
              {c.status}
              {c.explainedBy !== undefined ? ` (${c.explainedBy})` : ''}
            </dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}

function indexList(indices: readonly number[], shown = 8): string {
  const head = indices.slice(0, shown).map((i) => entryNumber(i));
  return indices.length > shown ? `${head.join(', ')} +${formatCount(indices.length - shown)} more` : head.join(', ');
}

export function ReadOnlyLogFacts({ log }: { readonly log: ReportLog | undefined }) {
  if (log === undefined) return null;
  return (
    <Panel id="ro-log-title" title="IMA log" className="share-section">
      <dl className="quote-facts">
        <div>
          <dt>Entries</dt>
          <dd>
            <span data-testid="entry-count">{log.entries}</span>
          </dd>
        </div>
        <div>
          <dt>Templates</dt>
          <dd className="share-chips">
            {Object.entries(log.templates).map(([name, count]) => (
              <span key={name} className="chip">
                {name} <span className="chip__count">{formatCount(count)}</span>
              </span>
            ))}
          </dd>
        </div>
        <div>
          <dt>Byte order</dt>
          <dd>{log.byteOrder}</dd>
        </div>
        <div>
          <dt>Template hashes</dt>
          <dd>
            {formatCount(log.templateHash.checked)} checked, {formatCount(log.templateHash.mismatches.length)} mismatched
            {log.templateHash.mismatches.length > 0 ? ` (${indexList(log.templateHash.mismatches)})` : ''}
          </dd>
        </div>
        <div>
          <dt>Violations</dt>
          <dd>
            {formatCount(log.violations.length)}
            {log.violations.length > 0 ? ` (${indexList(log.violations)})` : ''}
          </dd>
        </div>
        <div>
          <dt>Boots</dt>
          <dd data-testid="ro-boots">
            {/* Counted as the live view and the CLI count boots; the indices are entries, not boot numbers. */}
            {log.boots.length === 0
              ? 'no boot_aggregate'
              : `${formatCount(log.boots.length)} (boot_aggregate at ${log.boots.length === 1 ? 'entry' : 'entries'} ${indexList(log.boots.map((b) => b.index))})`}
          </dd>
        </div>
        {log.kexec.length > 0 ? (
          <div>
            <dt>kexec</dt>
            <dd>{log.kexec.map((k) => `${entryNumber(k.index)} ${k.event}`).join(', ')}</dd>
          </div>
        ) : null}
        {log.errors.length > 0 ? (
          <div>
            <dt>Parse errors</dt>
            <dd>
              {log.errors.slice(0, 5).map((e) => (
                <span key={e.offset} className="share-block">
                  at byte {formatCount(e.offset)}: {e.message}
                </span>
              ))}
            </dd>
          </div>
        ) : null}
      </dl>
    </Panel>
  );
}

export function ReadOnlyInputs({ report }: { readonly report: Report }) {
  return (
    <Panel id="ro-inputs-title" title="Inputs" count={report.inputs.length} className="share-section">
      <ul className="inputs">
        {report.inputs.map((input, k) => (
          <li key={`${input.sha256}-${k}`} className="input-item" data-testid="permalink-input" data-kind={input.kind}>
            <div className="input-item__head">
              <span className="input-item__name" title={input.name}>
                {input.name}
              </span>
              <span className="input-item__size">{formatBytes(input.size)}</span>
            </div>
            <div className="share-input__meta">
              <span>{inputKindLabel(input.kind)}</span>
              <span className="share-input__sha">
                SHA-256 <Digest hex={input.sha256} truncate={16} />
                <CopyButton value={input.sha256} label="Copy SHA-256" />
              </span>
            </div>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
