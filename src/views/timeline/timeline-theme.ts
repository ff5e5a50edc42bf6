/**
 * The canvas's colours, read from the app's CSS variables (app.css) so the timeline follows
 * the light and dark themes; read again whenever the root's `data-theme` changes.
 */
import { useEffect, useState } from 'react';
import type { BreakdownMode, MeasuredKind } from '../../core/timeline/timeline-categories';

export interface TimelineTheme {
  readonly background: string;
  readonly band: string;
  readonly grid: string;
  readonly gridStrong: string;
  readonly text: string;
  readonly muted: string;
  readonly accent: string;
  readonly error: string;
  readonly warning: string;
  readonly ok: string;
  readonly info: string;
  readonly selection: string;
  readonly font: string;
}

const VARIABLES: Readonly<Record<keyof Omit<TimelineTheme, 'font'>, string>> = {
  background: '--surface',
  band: '--surface-2',
  grid: '--border',
  gridStrong: '--border-strong',
  text: '--text',
  muted: '--muted',
  accent: '--accent',
  error: '--error',
  warning: '--warning',
  ok: '--ok',
  info: '--info',
  selection: '--accent',
};

function readTimelineTheme(root: Element = document.documentElement): TimelineTheme {
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const colours = Object.fromEntries(
    Object.entries(VARIABLES).map(([key, variable]) => [key, read(variable, '#888')]),
  ) as Record<keyof typeof VARIABLES, string>;
  return { ...colours, font: `11px ${read('--font-ui', 'sans-serif')}` };
}

export function useTimelineTheme(): TimelineTheme {
  const [theme, setTheme] = useState(readTimelineTheme);
  useEffect(() => {
    const root = document.documentElement;
    const observer = new MutationObserver(() => setTheme(readTimelineTheme(root)));
    observer.observe(root, { attributes: true, attributeFilter: ['data-theme', 'style', 'class'] });
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = (): void => setTheme(readTimelineTheme(root));
    media.addEventListener('change', onChange);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', onChange);
    };
  }, []);
  return theme;
}

/** Kinds of measured object, each its own colour in both themes (kept from the CSS variables: a categorical scale). */
const KIND_COLOURS = new Map<string, string>(
  Object.entries({
  boot: '#6b7480',
  executable: '#2f6fde',
  library: '#3aa3c9',
  'kernel-module': '#8a56d6',
  firmware: '#d0782a',
  script: '#2e9e5b',
  key: '#d4a514',
  'critical-data': '#d64f86',
    other: '#9aa3ad',
  } satisfies Record<MeasuredKind, string>),
);
/** Templates and directories: a categorical scale in legend order (most frequent first). */
const SCALE = ['#2f6fde', '#2e9e5b', '#d0782a', '#8a56d6', '#d64f86', '#3aa3c9', '#d4a514', '#7c8c2f', '#b5533c', '#4d5fb5', '#3c9c8f'];
const OTHER = '#9aa3ad';

export function categoryColour(mode: BreakdownMode, name: string, index: number): string {
  if (mode === 'measured') return KIND_COLOURS.get(name) ?? OTHER;
  return name === 'other' ? OTHER : SCALE[index % SCALE.length];
}
