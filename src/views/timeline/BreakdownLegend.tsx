import type { TimelineBreakdown } from '../../core/timeline/timeline-categories';
import { BREAKDOWN_MODES, type BreakdownMode } from '../../core/timeline/timeline-categories';
import { useInspector } from '../../store/use-inspector';
import { formatCount } from '../shared/format';
import { SafeText } from '../shared/SafeText';
import { categoryColour } from './timeline-theme';

const MODE_LABELS: Readonly<Record<BreakdownMode, string>> = {
  measured: 'by kind',
  template: 'by template',
  directory: 'by directory',
};

/** How the breakdown lane cuts the entries: what kind of object, which template, which directory. */
export function BreakdownPicker() {
  const mode = useInspector((s) => s.timelineBreakdown);
  const setMode = useInspector((s) => s.setTimelineBreakdown);
  return (
    <label className="timeline__breakdown">
      <span className="visually-hidden">Colour the measured lane</span>
      <select
        data-testid="timeline-breakdown"
        value={mode}
        onChange={(e) => {
          const next = BREAKDOWN_MODES.find((m) => m === e.currentTarget.value);
          if (next !== undefined) setMode(next);
        }}
      >
        {BREAKDOWN_MODES.map((m) => (
          <option key={m} value={m}>
            {MODE_LABELS[m]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The colours of the breakdown lane and minimap, each with its whole-log count. */
export function BreakdownLegend({ breakdown }: { readonly breakdown: TimelineBreakdown | undefined }) {
  if (breakdown === undefined) return <span className="timeline__legend" />;
  const shown = breakdown.names.map((name, c) => ({ name, c, total: breakdown.totals[c] })).filter((x) => x.total > 0);
  return (
    <span className="timeline__legend" data-testid="timeline-legend" title={shown.map((x) => `${x.name} ${formatCount(x.total)}`).join(' · ')}>
      {shown.map(({ name, c, total }) => (
        <span key={`${c}-${name}`} className="timeline__legend-item" data-testid="timeline-category" data-name={name} data-count={total}>
          <span className="timeline__swatch" style={{ background: categoryColour(breakdown.mode, name, c) }} aria-hidden="true" />
          <SafeText text={name} /> <span className="timeline__legend-count">{formatCount(total)}</span>
        </span>
      ))}
    </span>
  );
}
