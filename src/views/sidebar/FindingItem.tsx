import { FINDING_HELP } from '../../core/analysis/finding-help';
import type { Finding } from '../../core/report/report';
import { entryNumber, formatCount } from '../shared/format';
import { SeverityIcon } from '../shared/severity';
import './FindingItem.css';
import { SafeText } from '../shared/SafeText';

/**
 * One finding (CONTRACT §4: data-code, data-severity) with its entries and what it means; the
 * live findings panel and the read-only permalink view both draw it. The first `maxEntries`
 * entries are links when `isLinked` says the entry can be shown, plain numbers otherwise.
 */
export function FindingItem({
  finding: f,
  maxEntries,
  onEntry,
  isLinked = () => true,
}: {
  readonly finding: Finding;
  readonly maxEntries: number;
  readonly onEntry: (index: number) => void;
  readonly isLinked?: (index: number) => boolean;
}) {
  return (
    <li className={`finding finding--${f.severity}`} data-testid="finding" data-code={f.code} data-severity={f.severity}>
      <SeverityIcon severity={f.severity} />
      <div className="finding__body">
        <p className="finding__title">
          {FINDING_HELP[f.code].title} <span className="finding__code">{f.code}</span>
        </p>
        <p className="finding__message">
          <SafeText text={f.message} />
        </p>
        {f.entries && f.entries.length > 0 ? (
          <p className="finding__entries">
            {f.entries.slice(0, maxEntries).map((index) =>
              isLinked(index) ? (
                <button
                  key={index}
                  type="button"
                  className="link-button"
                  onClick={() => onEntry(index)}
                  aria-label={entryNumber(index)}
                  title={`Go to entry ${entryNumber(index)}`}
                >
                  {entryNumber(index)}
                </button>
              ) : (
                <span key={index} className="share-entry-ref">
                  {entryNumber(index)}
                </span>
              ),
            )}
            {f.entries.length > maxEntries ? <span className="finding__more">+{formatCount(f.entries.length - maxEntries)} more</span> : null}
          </p>
        ) : null}
        <details className="finding__help">
          <summary>What it means</summary>
          <p>{FINDING_HELP[f.code].help}</p>
        </details>
      </div>
    </li>
  );
}
