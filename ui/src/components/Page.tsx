import type { ReactNode } from "react";

export interface PageProps {
  title: string;
  /** One or two sentences under the title: what this screen is for. */
  lede?: string;
  /** A link back to the parent screen, above the title. */
  back?: ReactNode;
  /** The screen's main action(s), shown at the right of the title. */
  actions?: ReactNode;
  children?: ReactNode;
}

/** The frame of every screen: one h1, an optional lede and actions, then the content. */
export function Page({ title, lede, back, actions, children }: PageProps) {
  return (
    <div className="page">
      {back && <div className="page__back">{back}</div>}
      <header className={actions ? "page__header page__header--row" : "page__header"}>
        <div className="stack-sm">
          <h1>{title}</h1>
          {lede && <p className="page__lede">{lede}</p>}
        </div>
        {actions && (
          <>
            <span className="spacer" />
            {actions}
          </>
        )}
      </header>
      {children}
    </div>
  );
}
