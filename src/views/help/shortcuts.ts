/**
 * Every keyboard and mouse shortcut of the inspector, in one list: the help overlay (`?`)
 * shows it, and the handlers that implement each one are named beside it so the list stays
 * true when they change.
 */
export interface Shortcut {
  /** Keys as shown, each a separate <kbd>. */
  readonly keys: readonly string[];
  readonly does: string;
}

export interface ShortcutGroup {
  readonly title: string;
  readonly shortcuts: readonly Shortcut[];
}

export const SHORTCUTS: readonly ShortcutGroup[] = [
  {
    // use-global-keys.ts
    title: 'Anywhere',
    shortcuts: [
      { keys: ['?'], does: 'Show or hide this help' },
      { keys: ['n'], does: 'Next entry a finding points at' },
      { keys: ['N'], does: 'Previous entry a finding points at' },
      { keys: ['t'], does: 'Fold or unfold the timeline' },
      { keys: ['Esc'], does: 'Close this help or a menu; otherwise clear the search and filters' },
    ],
  },
  {
    // EntryToolbar.tsx, table-keys.ts
    title: 'Entry table',
    shortcuts: [
      { keys: ['/'], does: 'Filter the entries: a name, or an expression such as pcr == 10 && template == ima-sig' },
      { keys: ['↑', '↓'], does: 'Previous / next row' },
      { keys: ['PgUp', 'PgDn'], does: 'A page up / down' },
      { keys: ['Home', 'End'], does: 'First / last row' },
    ],
  },
  {
    // Timeline.tsx (use-timeline-keys.ts)
    title: 'Timeline',
    shortcuts: [
      { keys: ['W', 'S'], does: 'Zoom in / out (as in Perfetto)' },
      { keys: ['A', 'D'], does: 'Pan left / right' },
      { keys: ['+', '−'], does: 'Zoom in / out (timeline focused)' },
      { keys: ['←', '→'], does: 'Pan (timeline focused); between markers when one is focused' },
      { keys: ['0'], does: 'Show the whole log (timeline focused)' },
      { keys: ['Enter'], does: 'Select the focused marker’s entry' },
      { keys: ['wheel'], does: 'Zoom around the pointer; Shift+wheel or a sideways wheel pans' },
      { keys: ['drag'], does: 'Pan; Shift+drag filters the table to a range' },
      { keys: ['click'], does: 'Select the entry (or marker) under the pointer; on the minimap, centre the view there' },
    ],
  },
  {
    // HexDump.tsx, DetailsPane.tsx
    title: 'Entry details',
    shortcuts: [
      { keys: ['click'], does: 'Pin a field: click its row or its bytes; click again to unpin' },
      { keys: ['hover'], does: 'Point at a field or a byte to see both highlighted' },
    ],
  },
];
