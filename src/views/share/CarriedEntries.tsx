import { useEffect, useRef } from 'react';
import type { PermalinkEntry } from '../../core/share/permalink';
import { Digest } from '../shared/Digest';
import { formatCount } from '../shared/format';
import { Panel } from '../shared/Panel';

/**
 * The entries a permalink carries (those its findings name), as a plain table: a few dozen
 * rows at most, so no virtualisation. The selected one (the sender's, or a finding's entry
 * clicked here) is highlighted; a click on a finding's entry also scrolls to it.
 */
export function CarriedEntries({
  entries,
  selected,
  onSelect,
}: {
  readonly entries: readonly PermalinkEntry[];
  readonly selected: number | undefined;
  readonly onSelect: (index: number) => void;
}) {
  const selectedRow = useRef<HTMLTableRowElement>(null);
  const initial = useRef(selected);
  const moved = useRef(false);
  useEffect(() => {
    // The sender's selection is only highlighted on arrival: the banner and verdict come first.
    moved.current ||= selected !== initial.current;
    if (moved.current) selectedRow.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  if (entries.length === 0) return null;
  return (
    <Panel id="ro-entries-title" title="Entries named in the findings" count={entries.length} className="share-section">
      <div className="share-entries">
        <table data-testid="permalink-entries">
          <thead>
            <tr>
              <th>#</th>
              <th>PCR</th>
              <th>template</th>
              <th>status</th>
              <th>name</th>
              <th>template digest</th>
              <th>file digest</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr
                key={e.index}
                ref={e.index === selected ? selectedRow : undefined}
                data-testid="permalink-entry"
                data-index={e.index}
                aria-selected={e.index === selected}
                onClick={() => onSelect(e.index)}
              >
                <td className="share-num">{formatCount(e.index)}</td>
                <td className="share-num">{e.pcr}</td>
                <td>{e.template}</td>
                <td>
                  <span className={`status status--${e.status}`}>{e.status}</span>
                </td>
                <td className="share-entries__name" title={e.name}>
                  {e.name}
                </td>
                <td>
                  <Digest hex={e.templateDigest} truncate={16} />
                </td>
                <td>
                  {e.fileDigest === '' ? null : <Digest hex={e.fileDigest} algorithm={e.fileDigestAlgorithm} truncate={16} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="share-section__note">
        {entries.length === 1 ? 'This entry is' : `These ${formatCount(entries.length)} entries are`} all the link carries of the log.
      </p>
    </Panel>
  );
}
