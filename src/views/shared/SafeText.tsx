import { visibleParts } from '../../core/util/visible-text';
import './SafeText.css';

/**
 * Text from a log or a file name: isolated from its surroundings (`<bdi>`) and with every
 * bidirectional or invisible control shown as a mark (⟨U+202E⟩), so it cannot reorder or
 * hide what is shown around it.
 */
export function SafeText({ text }: { readonly text: string }) {
  return (
    <bdi className="safe-text">
      {visibleParts(text).map((p, k) =>
        p.control ? (
          <span key={k} className="safe-text__control" data-testid="control-mark">
            {p.text}
          </span>
        ) : (
          p.text
        ),
      )}
    </bdi>
  );
}
