import { useCallback, useEffect, useState } from "react";
import type { Backend } from "./backend/backend";
import type { Result } from "./backend/result";
import type { CommandError, PortfolioOverview } from "./bindings";

export type OverviewState =
  | { phase: "loading" }
  /** `refreshing`: a reload is under way; the last result stays on screen meanwhile. */
  | { phase: "done"; result: Result<PortfolioOverview, CommandError>; refreshing: boolean };

/** The current portfolio's overview, loaded once and reloadable (after a change or an error). */
export function usePortfolioOverview(backend: Backend): [OverviewState, () => void] {
  const [state, setState] = useState<OverviewState>({ phase: "loading" });
  const [round, setRound] = useState(0);

  useEffect(() => {
    let current = true;
    void backend.portfolioOverview().then((result) => {
      if (current) setState({ phase: "done", result, refreshing: false });
    });
    return () => {
      current = false;
    };
  }, [backend, round]);

  const reload = useCallback(() => {
    // Keep what is on screen (and the keyboard focus in it) while the new list loads.
    setState((previous) => (previous.phase === "done" ? { ...previous, refreshing: true } : previous));
    setRound((r) => r + 1);
  }, []);
  return [state, reload];
}

/** The quota in one plain sentence, with what raising it takes (graph-api.md §7.1). */
export function quotaSentence(quota: NonNullable<PortfolioOverview["quota"]>): { used: string; raise: string } {
  const tier = quota.tier;
  const used = `${quota.regular_used} of ${quota.regular_allowed} regular system ${
    quota.regular_allowed === 1 ? "user" : "users"
  } and ${quota.admin_used} of ${quota.admin_allowed} admin on the ${tier} tier`;
  const raise =
    tier === "Limited"
      ? "Meta allows 10 regular system users once one of your apps has Full access to the Marketing API (App Review, at least 500 Marketing API calls in 15 days with under 15% errors)."
      : "This is the most Meta allows for one business portfolio. Reuse a system user for related integrations instead of adding more.";
  return { used, raise };
}
