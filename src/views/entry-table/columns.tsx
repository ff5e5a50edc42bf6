/**
 * The entry table's columns, defined once. TanStack Table v9 runs in manual mode: sorting and
 * filtering happen in the worker (core/query/filter-entries.ts); the table holds column
 * state (visibility, width, sort indicator) and renders the rows of the current window.
 * Column ids that sort are the worker's SortColumn names.
 */
import {
  columnResizingFeature,
  columnSizingFeature,
  columnVisibilityFeature,
  createColumnHelper,
  rowSortingFeature,
  tableFeatures,
} from '@tanstack/react-table';
import { EntryFlag } from '../../core/model/ima-log';
import type { SortColumn } from '../../core/query/filter-entries';
import { Digest } from '../shared/Digest';
import { STATUS_LABELS } from '../shared/StatusBadge';
import type { EntryRow } from './entry-rows';
import type { ContractSignatureName, PolicyName } from '../../core/query/entry-verdicts';
import './columns.css';
import { SafeText } from '../shared/SafeText';
import { COLUMN_LABELS } from './column-labels';
import { visibleText } from '../../core/util/visible-text';

export const entryTableFeatures = tableFeatures({
  columnVisibilityFeature,
  columnSizingFeature,
  columnResizingFeature,
  rowSortingFeature,
});

const helper = createColumnHelper<typeof entryTableFeatures, EntryRow>();

const FLAG_LETTERS: ReadonlyArray<{ readonly bit: number; readonly letter: string; readonly title: string }> = [
  { bit: EntryFlag.Violation, letter: 'V', title: 'violation' },
  { bit: EntryFlag.HashMismatch, letter: 'M', title: 'template hash mismatch' },
  { bit: EntryFlag.OppositeByteOrder, letter: 'B', title: 'opposite byte order' },
  { bit: EntryFlag.UnknownTemplate, letter: 'U', title: 'unknown template or field' },
  { bit: EntryFlag.MalformedFields, letter: 'F', title: 'malformed fields' },
];

function flagsText(flags: number): { text: string; title: string } {
  const set = FLAG_LETTERS.filter((f) => (flags & f.bit) !== 0);
  return { text: set.map((f) => f.letter).join(''), title: set.map((f) => f.title).join(', ') };
}

/** The policy dry run's and the signature check's words for a row (shown once either ran). */
const POLICY_WORDS: Readonly<Record<PolicyName, { readonly text: string; readonly tone: string; readonly title: string } | undefined>> = {
  pass: { text: 'passes', tone: 'ok', title: 'The runtime policy accepts this entry' },
  fail: { text: 'fails', tone: 'error', title: "Keylime's runtime-policy check fails this entry (see the entry's details)" },
  excluded: { text: 'excluded', tone: 'muted', title: 'An exclude of the policy matches this entry: not judged' },
  none: undefined,
};
const SIGNATURE_WORDS: Readonly<Record<ContractSignatureName, { readonly text: string; readonly tone: string; readonly title: string } | undefined>> = {
  valid: { text: 'sig ✓', tone: 'ok', title: 'Its IMA signature verifies' },
  invalid: { text: 'sig ✕', tone: 'error', title: 'Its IMA signature does not verify (or is malformed)' },
  'unknown-key': { text: 'key ?', tone: 'warning', title: 'No key given or measured has the keyid of its signature' },
  unsigned: undefined,
  none: undefined,
};

function ChecksCell({ policy, signature }: { readonly policy: PolicyName; readonly signature: ContractSignatureName }) {
  const words = [POLICY_WORDS[policy], SIGNATURE_WORDS[signature]].filter((w) => w !== undefined);
  return (
    <span className="checks-cell">
      {words.map((w) => (
        <span key={w.text} className={`checks-cell__word checks-cell__word--${w.tone}`} title={w.title}>
          {w.text}
        </span>
      ))}
    </span>
  );
}

function label(id: string): string {
  return COLUMN_LABELS.get(id) ?? id;
}

export const entryColumns = helper.columns([
  helper.accessor('index', {
    id: 'index',
    header: label('index'),
    size: 64,
    minSize: 40,
    cell: (c) => <span className="cell-number">{c.getValue()}</span>,
  }),
  helper.accessor('compare', {
    id: 'compare',
    header: label('compare'),
    size: 84,
    minSize: 56,
    enableSorting: false,
    cell: (c) => {
      const cls = c.getValue();
      return cls === undefined || cls === 'none' ? null : <span className={`compare-cell compare-cell--${cls}`}>{cls}</span>;
    },
  }),
  helper.accessor('pcr', {
    id: 'pcr',
    header: label('pcr'),
    size: 44,
    minSize: 36,
    cell: (c) => <span className="cell-number">{c.getValue()}</span>,
  }),
  helper.accessor('template', {
    id: 'template',
    header: label('template'),
    size: 80,
    minSize: 48,
    cell: (c) => (
      <span className={c.row.original.templateKnown ? undefined : 'cell-warning'} title={c.getValue()}>
        {c.getValue()}
      </span>
    ),
  }),
  helper.accessor('templateDigest', {
    id: 'status',
    header: label('status'),
    size: 210,
    minSize: 100,
    cell: (c) => {
      const { status } = c.row.original;
      return (
        <span className="cell-digest">
          <span className={`status-dot status-dot--${status}`} title={STATUS_LABELS[status]} aria-label={STATUS_LABELS[status]} />
          <Digest hex={c.getValue()} />
        </span>
      );
    },
  }),
  helper.accessor('policy', {
    id: 'checks',
    header: label('checks'),
    size: 120,
    minSize: 64,
    enableSorting: false,
    cell: (c) => <ChecksCell policy={c.getValue()} signature={c.row.original.signature} />,
  }),
  helper.accessor('fileDigest', {
    id: 'fileDigest',
    header: label('fileDigest'),
    size: 250,
    minSize: 100,
    cell: (c) =>
      c.getValue() === '' ? null : <Digest hex={c.getValue()} algorithm={c.row.original.fileDigestAlgorithm} />,
  }),
  helper.accessor('name', {
    id: 'name',
    header: label('name'),
    size: 340,
    minSize: 120,
    cell: (c) => (
      <span className="cell-name" title={visibleText(c.getValue())}>
        <SafeText text={c.getValue()} />
      </span>
    ),
  }),
  helper.accessor('keyId', {
    id: 'keyId',
    header: label('keyId'),
    size: 80,
    minSize: 56,
    cell: (c) => <span className="cell-mono">{c.getValue()}</span>,
  }),
  helper.accessor('flags', {
    id: 'flags',
    header: label('flags'),
    size: 52,
    minSize: 36,
    enableSorting: false,
    cell: (c) => {
      const { text, title } = flagsText(c.getValue());
      return (
        <span className="cell-flags" title={title}>
          {text}
        </span>
      );
    },
  }),
]);

/**
 * The columns that give way when the table is narrower than its columns (EntryTable.css
 * gives them flex-shrink, down to their minSize): the digests first, which show shortened
 * anyway, then the name a little, so that the name stays in view beside the fixed columns.
 * Below the sum of those minimums the table scrolls sideways.
 */
export const SHRINKING_COLUMNS: ReadonlySet<string> = new Set(['status', 'fileDigest', 'name']);

/** Column id → the worker's sort column (the template-digest column sorts by status). */
export const SORT_COLUMN_OF: Readonly<Record<string, SortColumn>> = {
  index: 'index',
  pcr: 'pcr',
  template: 'template',
  status: 'status',
  fileDigest: 'fileDigest',
  name: 'name',
  keyId: 'keyId',
};
