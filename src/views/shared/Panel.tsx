import type { ReactNode } from 'react';
import './Panel.css';

/**
 * A sidebar or permalink-view section: a small upper-case heading (with a count badge when
 * `count` is given) that labels the section for screen readers.
 */
export function Panel({
  id,
  title,
  count,
  className,
  children,
}: {
  /** The heading's id, unique on the page (the section's aria-labelledby). */
  readonly id: string;
  readonly title: string;
  readonly count?: number;
  readonly className?: string;
  readonly children: ReactNode;
}) {
  return (
    <section className={className === undefined ? 'panel' : `panel ${className}`} aria-labelledby={id}>
      <h2 className="panel__title" id={id}>
        {title}
        {count !== undefined ? (
          <>
            {' '}
            <span className="panel__count">{count}</span>
          </>
        ) : null}
      </h2>
      {children}
    </section>
  );
}
