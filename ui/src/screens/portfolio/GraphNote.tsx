import type { PortfolioEntry } from "../../backend/types";
import { Badge } from "../../components/Badge";

/**
 * Where a portfolio's requests go when it is not to Meta: the engine's sentence, led by a
 * "Not Meta" badge when they leave this computer (its tokens go there), so the warning is
 * never told by colour alone. Nothing for Meta and the demo portfolios.
 */
export function GraphNote({ entry, className }: { entry: PortfolioEntry; className: string }) {
  if (!entry.graph_note) return null;
  const elsewhere = entry.graph_destination === "elsewhere";
  return (
    <span className={`${className} graph-note`}>
      {elsewhere && (
        <>
          <Badge tone="warning">Not Meta</Badge>{" "}
        </>
      )}
      {entry.graph_note}
    </span>
  );
}
