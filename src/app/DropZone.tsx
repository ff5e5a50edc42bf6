import { useEffect, useState } from 'react';
import { useInspector } from '../store/use-inspector';
import { useAppCommands } from '../views/shared/app-commands';
import './DropZone.css';

/** The overlay's second target (with a log open): drop one file there to compare with it. */
const AS_REFERENCE = 'reference';

function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * The whole window accepts dropped files; an overlay says so while something is dragged over
 * it. With a log open the overlay offers a second target, "use as the reference": one file
 * dropped there (a known-good list or a Keylime policy) is compared with the open log instead
 * of joining its case. A drop anywhere else adds the files, as before.
 */
export function DropZone() {
  const commands = useAppCommands();
  const hasLog = useInspector((s) => s.load.kind === 'ready' && s.load.summary.log !== undefined);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    let depth = 0;
    const onEnter = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const onOver = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (e: DragEvent): void => {
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const files = e.dataTransfer?.files;
      if (files === undefined || files.length === 0) return;
      const asReference = e.target instanceof Element && e.target.closest(`[data-drop-as="${AS_REFERENCE}"]`) !== null;
      if (asReference && files.length === 1) commands.compareWith(files[0]);
      else commands.openFiles([...files]);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [commands]);

  if (!dragging) return null;
  return (
    <div className={`drop-overlay${hasLog ? ' drop-overlay--choice' : ''}`} aria-hidden="true" data-testid="drop-overlay">
      <div className="drop-overlay__box">{hasLog ? 'Drop here to add to this case' : 'Drop to inspect'} — files never leave this tab</div>
      {hasLog ? (
        <div className="drop-overlay__box drop-overlay__box--reference" data-drop-as={AS_REFERENCE} data-testid="drop-as-reference">
          Drop one file here to use it as the reference
          <span className="drop-overlay__hint">a known-good list or a Keylime runtime policy: what changed since?</span>
        </div>
      ) : null}
    </div>
  );
}
