/**
 * The single-letter shortcuts that work anywhere in the inspector but in a text field: `?`
 * help, `n` / `N` step through the entries the findings point at, `t` folds the timeline.
 * (The list the help overlay shows is shortcuts.ts.)
 */
import { useEffect, useRef } from 'react';
import { selectAnalysis } from '../../store/selectors';
import { useInspector, useInspectorStoreApi } from '../../store/use-inspector';
import { useAppCommands } from '../shared/app-commands';
import { isShortcutKey } from '../shared/is-typing';
import { findingEntries, stepFinding } from './finding-steps';

export function useGlobalKeys(): void {
  const store = useInspectorStoreApi();
  const commands = useAppCommands();
  const analysis = useInspector(selectAnalysis);
  const entries = useRef<number[]>([]);
  entries.current = analysis === undefined ? [] : findingEntries(analysis.report.findings);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const s = store.getState();
      if (e.key === 'Escape' && s.helpOpen) {
        // Esc closes the help and nothing else (the table's Esc would clear the filters).
        e.preventDefault();
        e.stopImmediatePropagation();
        s.setHelpOpen(false);
        return;
      }
      if (!isShortcutKey(e)) return;
      if (e.key === '?') s.setHelpOpen(!s.helpOpen);
      else if (s.helpOpen) return;
      else if (e.key === 't') s.setTimelineFolded(!s.timelineFolded);
      else if (e.key === 'n' || e.key === 'N') {
        const to = stepFinding(entries.current, s.selection.entryIndex, e.key === 'n' ? 1 : -1);
        if (to !== undefined) commands.goToEntry(to);
      } else return;
      e.preventDefault();
    };
    // Capture: seen before the other window listeners, so an Esc for the help stops here.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [store, commands]);
}
