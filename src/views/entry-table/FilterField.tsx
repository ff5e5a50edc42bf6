/**
 * The entry table's display-filter field (CONTRACT §5.5 `entry-filter`): an expression such
 * as `pcr == 10 && template == ima-sig`, or a bare word that searches names.
 *
 * As the user types, the text is parsed here (the core's pure parser, microseconds) so a
 * syntax error shows at once, with its column and the offending part marked. The text goes
 * to the store (debounced) whether it parses or not: an expression that does not parse
 * matches no entry (the worker's compileExpression), so the table and its counts never show
 * an earlier filter's rows as if they were this one's. Completion offers field names, operators and the log's values at
 * the caret: ↑/↓ choose, Tab or Enter take, Esc closes (a second Esc clears the filter).
 * `/` anywhere focuses the field.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { completeFilter, type CompletionValues, type FilterCompletions } from '../../core/query/filter-complete';
import { parseFilter } from '../../core/query/filter-parse';
import type { FilterSyntaxError } from '../../core/query/filter-tokens';
import { useInspector } from '../../store/use-inspector';
import './FilterField.css';

const SEND_DEBOUNCE_MS = 150;
/** Shown until the log says which it uses; completion is a hint, never a check. */
const COMMON_ALGORITHMS = ['sha1', 'sha256', 'sha384', 'sha512', 'sm3'];
const NO_COMPLETIONS: FilterCompletions = { start: 0, end: 0, items: [] };

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

/** The expression with the erroneous part marked (at least one character, or the end). */
function ErrorExcerpt({ text, error }: { readonly text: string; readonly error: FilterSyntaxError }) {
  const end = Math.max(error.end, error.start + 1);
  return (
    <code className="filter-field__excerpt">
      {text.slice(0, error.start)}
      <mark>{text.slice(error.start, end) || ' '}</mark>
      {text.slice(end)}
    </code>
  );
}

/** `stopped`: why the worker stopped this filter (its regular expression ran past the time budget). */
export function FilterField({ stopped }: { readonly stopped?: string } = {}) {
  const search = useInspector((s) => s.query.search);
  const setSearch = useInspector((s) => s.setSearch);
  const clearFilters = useInspector((s) => s.clearFilters);
  const log = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary.log : undefined));
  const [text, setText] = useState(search);
  const [caret, setCaret] = useState(search.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const inputRef = useRef<HTMLInputElement>(null);
  const sent = useRef(search);
  const listId = useId();

  // The store's filter can change from elsewhere (the address, "go to entry" clearing
  // filters); a change that merely echoes what this field sent must not undo keystrokes.
  useEffect(() => {
    if (search !== sent.current) {
      sent.current = search;
      setText(search);
    }
  }, [search]);

  const parsed = useMemo(() => parseFilter(text), [text]);
  const error = parsed.ok ? undefined : parsed.error;
  // The stop concerns the filter sent; once the text changes, the next answer says anew.
  const stoppedNotice = error === undefined && text === search ? stopped : undefined;
  const describedBy = error ? `${listId}-error` : stoppedNotice !== undefined ? `${listId}-stopped` : undefined;

  useEffect(() => {
    if (text === sent.current) return;
    const timer = window.setTimeout(() => {
      sent.current = text;
      setSearch(text);
    }, SEND_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text, setSearch]);

  const values: CompletionValues = useMemo(
    () => ({ templates: log?.templates.map((t) => t.name) ?? [], pcrs: log?.pcrs.map((p) => p.pcr) ?? [], algorithms: COMMON_ALGORITHMS }),
    [log],
  );
  const completions = useMemo(() => (open ? completeFilter(text, caret, values) : NO_COMPLETIONS), [open, text, caret, values]);
  const items = completions.items;

  const accept = (k: number): void => {
    const item = items[k];
    if (item === undefined) return;
    const next = text.slice(0, completions.start) + item.insert + text.slice(completions.end);
    const at = completions.start + item.insert.length;
    setText(next);
    setCaret(at);
    setActive(-1);
    requestAnimationFrame(() => inputRef.current?.setSelectionRange(at, at));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === '/' && !isTyping(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        inputRef.current?.focus();
        inputRef.current?.select();
      } else if (e.key === 'Escape' && !isTyping(e.target)) {
        sent.current = '';
        setText('');
        clearFilters();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [clearFilters]);

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>): void => {
    const listShown = open && items.length > 0;
    if (e.key === 'ArrowDown' && listShown) {
      e.preventDefault();
      setActive((a) => (a + 1) % items.length);
    } else if (e.key === 'ArrowUp' && listShown) {
      e.preventDefault();
      setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
    } else if ((e.key === 'Enter' || e.key === 'Tab') && listShown && active >= 0) {
      e.preventDefault();
      accept(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (listShown) {
        setOpen(false);
      } else {
        sent.current = '';
        setText('');
        clearFilters();
        inputRef.current?.blur();
      }
    }
  };

  const trackCaret = (input: HTMLInputElement): void => setCaret(input.selectionStart ?? input.value.length);

  const list =
    open && items.length > 0 ? (
      <ul className="filter-field__list" role="listbox" id={listId} data-testid="entry-filter-suggestions">
        {items.map((item, k) => (
          <li
            key={item.label}
            id={`${listId}-${k}`}
            role="option"
            aria-selected={k === active}
            className={`filter-field__option${k === active ? ' filter-field__option--active' : ''}`}
            data-testid="entry-filter-suggestion"
            data-value={item.label}
            // Keep the focus in the field.
            onMouseDown={(e) => {
              e.preventDefault();
              accept(k);
            }}
          >
            <span className="filter-field__label">{item.label}</span>
            {item.detail ? <span className="filter-field__detail">{item.detail}</span> : null}
          </li>
        ))}
      </ul>
    ) : null;

  return (
    <div className="filter-field">
      <label className="search">
        <span className="visually-hidden">Display filter</span>
        <input
          ref={inputRef}
          type="search"
          data-testid="entry-filter"
          className={`search__input${error || stoppedNotice !== undefined ? ' search__input--bad' : ''}`}
          placeholder="Filter: pcr == 10 && template == ima-sig, or a name"
          spellCheck={false}
          autoComplete="off"
          role="combobox"
          aria-expanded={open && items.length > 0}
          aria-controls={listId}
          aria-activedescendant={active >= 0 ? `${listId}-${active}` : undefined}
          aria-invalid={error !== undefined || stoppedNotice !== undefined}
          aria-describedby={describedBy}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            trackCaret(e.currentTarget);
            setOpen(true);
            setActive(-1);
          }}
          onSelect={(e) => trackCaret(e.currentTarget)}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        <kbd className="search__key" aria-hidden="true">
          /
        </kbd>
      </label>
      {error !== undefined || stoppedNotice !== undefined ? (
        // The error line sits under the toolbar and the list hangs below it: never over it.
        <div className="filter-field__below">
          {error ? (
            <p className="filter-field__error" id={`${listId}-error`} data-testid="entry-filter-error" data-start={error.start} data-end={error.end} role="alert">
              <span>
                Column {error.start + 1}: {error.message}
              </span>
              <ErrorExcerpt text={text} error={error} />
            </p>
          ) : null}
          {stoppedNotice !== undefined ? (
            <p className="filter-field__error" id={`${listId}-stopped`} data-testid="filter-stopped" role="alert">
              {stoppedNotice}
            </p>
          ) : null}
          {list}
        </div>
      ) : (
        list
      )}
    </div>
  );
}
