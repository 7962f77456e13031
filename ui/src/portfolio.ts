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
