import type { ReactNode } from "react";

/**
 * Technical detail folded away under "Details" (a native disclosure: Enter or Space opens it,
 * screen readers announce it as expanded or collapsed).
 */
export function Details({ summary = "Details", children }: { summary?: string; children: ReactNode }) {
  return (
    <details className="details">
      <summary className="details__summary">{summary}</summary>
      <div className="details__body">{children}</div>
    </details>
  );
}
