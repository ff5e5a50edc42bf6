/**
 * The canvas's colours, read from the app's CSS variables (app.css) so the timeline follows
 * the light and dark themes; read again whenever the root's `data-theme` changes.
 */
import { useEffect, useState } from 'react';

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
