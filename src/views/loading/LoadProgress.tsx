import { useInspector } from '../../store/use-inspector';
import { useAppCommands } from '../shared/app-commands';
import { formatBytes, formatCount, formatRate } from '../shared/format';
import './LoadProgress.css';

/** Reading a log: bytes, entries and rate, with a way out. */
export function LoadProgress() {
  const load = useInspector((s) => s.load);
  const commands = useAppCommands();
  if (load.kind !== 'loading') return null;
  const fraction = load.bytesTotal > 0 ? load.bytesRead / load.bytesTotal : 0;
  const seconds = (performance.now() - load.startedAt) / 1000;
  const rate = seconds > 0.05 ? load.bytesRead / seconds : 0;
  return (
    <section className="load-progress" aria-live="polite" data-testid="load-progress">
      <h2 className="load-progress__title">Reading {load.fileNames.join(', ')}</h2>
      <div
        className="progress-bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
      >
        <div className="progress-bar__fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <p className="load-progress__stats">
        <span>{Math.floor(fraction * 100)}%</span>
        <span>
          {formatBytes(load.bytesRead)} of {formatBytes(load.bytesTotal)}
        </span>
        <span>{formatCount(load.entryCount)} entries</span>
        {rate > 0 ? <span>{formatRate(rate)}</span> : null}
      </p>
      <button type="button" className="button" data-testid="cancel-load" onClick={() => commands.cancelLoad()}>
        Cancel
      </button>
    </section>
  );
}
