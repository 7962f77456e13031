import type { AppInfo, CommandError, KeyringReport, PortfolioOverview } from "../bindings";
import type { Backend } from "./backend";
import type { Result } from "./result";

export interface MockBackendOptions {
  keyring?: Result<KeyringReport, CommandError>;
  overview?: Result<PortfolioOverview, CommandError>;
}

/** A small demo-like portfolio for UI tests. */
export const sampleOverview: PortfolioOverview = {
  kind: "demo",
  business_id: "100000000000001",
  business_name: "Northwind Media Group",
  verification_status: "verified",
  two_factor: "admin_required",
  system_users: [
    { id: "610000000000001", name: "Gatehouse Admin", role: "admin", created_time: "2026-03-02T10:15:00+0000" },
    { id: "610000000000002", name: "Reporting Bot", role: "regular", created_time: "2026-05-19T08:00:00+0000" },
  ],
  quota: { regular_used: 1, regular_allowed: 10, admin_used: 1, admin_allowed: 1 },
};

/** A backend for UI tests: fixed, inspectable answers and a log of the calls made. */
export function mockBackend(options: MockBackendOptions = {}) {
  const calls: string[] = [];
  const info: AppInfo = { name: "Gatehouse", version: "0.0.0-test", os: "linux" };
  const keyring: Result<KeyringReport, CommandError> = options.keyring ?? {
    status: "ok",
    data: { store: "Secret Service", round_trip_ms: 12 },
  };
  const overview: Result<PortfolioOverview, CommandError> = options.overview ?? {
    status: "ok",
    data: sampleOverview,
  };
  const backend: Backend = {
    appInfo: () => {
      calls.push("appInfo");
      return Promise.resolve(info);
    },
    keyringStatus: () => {
      calls.push("keyringStatus");
      return Promise.resolve(keyring);
    },
    portfolioOverview: () => {
      calls.push("portfolioOverview");
      return Promise.resolve(overview);
    },
  };
  return { backend, calls };
}
