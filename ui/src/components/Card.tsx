import { useId, type ReactNode } from "react";

export interface CardProps {
  title: string;
  description?: string;
  /** Buttons at the right of the title. */
  actions?: ReactNode;
  children?: ReactNode;
}

/** A titled section of a screen; the title labels the section for screen readers. */
export function Card({ title, description, actions, children }: CardProps) {
  const titleId = useId();
  return (
    <section className="card" aria-labelledby={titleId}>
      <div className="card__header">
        <div className="stack-sm">
          <h2 id={titleId} className="card__title">
            {title}
          </h2>
          {description && <p className="muted">{description}</p>}
        </div>
        {actions && (
          <>
            <span className="spacer" />
            {actions}
          </>
        )}
      </div>
      {children}
    </section>
  );
}
