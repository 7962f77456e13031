import { useCallback, useEffect, useState } from "react";
import type { Backend } from "./backend/backend";
import type { Result } from "./backend/result";
import type { PortfolioList } from "./backend/types";
import type { CommandError, PortfolioOverview } from "./bindings";

export type OverviewState =
  | { phase: "loading" }
  /** `refreshing`: a reload is under way; the last result stays on screen meanwhile. */
  | { phase: "done"; result: Result<PortfolioOverview, CommandError>; refreshing: boolean };

/**
 * The current portfolio's overview, loaded once and reloadable (after a change or an error).
 * `portfolioRound` changes when another portfolio is opened: the overview loads afresh.
 */
export function usePortfolioOverview(backend: Backend, portfolioRound = 0): [OverviewState, () => void] {
  const [state, setState] = useState<OverviewState>({ phase: "loading" });
  const [round, setRound] = useState(0);
  // Another portfolio was opened: never show the previous one's data while the new one loads.
  const [seenPortfolio, setSeenPortfolio] = useState(portfolioRound);
  if (seenPortfolio !== portfolioRound) {
    setSeenPortfolio(portfolioRound);
    setState({ phase: "loading" });
  }

  useEffect(() => {
    let current = true;
    void backend.portfolioOverview().then((result) => {
      if (current) setState({ phase: "done", result, refreshing: false });
    });
    return () => {
      current = false;
    };
  }, [backend, round, portfolioRound]);

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

/** What the quota depends on, while Meta has not reported the app's tier. */
export const unknownQuotaSentence =
  "It follows the Marketing API Access Tier of the business's app: Limited allows 1 regular and 1 admin system user, Full allows 10 and 1. Gatehouse shows the numbers once Meta reports the tier, which it does on ad account requests.";

export type PortfolioListState =
  | { phase: "loading" }
  | { phase: "done"; result: Result<PortfolioList, CommandError> };

/** The portfolios the switcher lists; reloaded after one is saved, removed or opened. */
export function usePortfolioList(backend: Backend, round: number): PortfolioListState {
  const [state, setState] = useState<PortfolioListState>({ phase: "loading" });
  useEffect(() => {
    let current = true;
    void backend.listPortfolios().then((result) => {
      if (current) setState({ phase: "done", result });
    });
    return () => {
      current = false;
    };
  }, [backend, round]);
  return state;
}

/** Meta's verification status in plain words. */
export function verificationLabel(status: string | null): string {
  switch (status) {
    case "verified":
      return "Verified";
    case "not_verified":
      return "Not verified";
    case "pending":
    case "pending_submission":
    case "pending_need_more_info":
      return "Verification pending";
    case "rejected":
      return "Verification rejected";
    case null:
      return "Unknown";
    default:
      return status.replace(/_/g, " ");
  }
}

/** The portfolio's two-factor requirement in plain words. */
export function twoFactorLabel(setting: string | null): string {
  switch (setting) {
    case "admin_required":
      return "Required for admins";
    case "all_required":
      return "Required for everyone";
    case "none":
      return "Not required";
    case null:
      return "Unknown";
    default:
      return setting.replace(/_/g, " ");
  }
}
