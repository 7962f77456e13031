import type {
  AppInfo,
  CommandError,
  CreatedSystemUser,
  KeyringReport,
  PortfolioOverview,
} from "../bindings";
import type { Backend } from "./backend";
import type { Result } from "./result";

export interface MockBackendOptions {
  keyring?: Result<KeyringReport, CommandError>;
  overview?: Result<PortfolioOverview, CommandError>;
  /** Errors for `createSystemUser` / `renameSystemUser`, one per call; after they run out, calls succeed. */
  createErrors?: CommandError[];
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
  quota: { tier: "Full", regular_used: 1, regular_allowed: 10, admin_used: 1, admin_allowed: 1 },
};

/** A backend for UI tests: fixed, inspectable answers and a log of the calls made. */
export function mockBackend(options: MockBackendOptions = {}) {
  const calls: string[] = [];
  const info: AppInfo = { name: "Gatehouse", version: "0.0.0-test", os: "linux" };
  const keyring: Result<KeyringReport, CommandError> = options.keyring ?? {
    status: "ok",
    data: { store: "Secret Service", round_trip_ms: 12 },
  };
  // A copy, so creates in one test never leak into the next.
  let overview: Result<PortfolioOverview, CommandError> = options.overview ?? {
    status: "ok",
    data: structuredClone(sampleOverview),
  };
  const createErrors = [...(options.createErrors ?? [])];
  let nextId = 610000000000100;
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
    createSystemUser: (name, role) => {
      calls.push(`createSystemUser:${name}:${role}`);
      const error = createErrors.shift();
      if (error) return Promise.resolve({ status: "error", error });
      const created: CreatedSystemUser = {
        id: String(nextId++),
        name: name.trim(),
        role,
        recovered_after_lost_answer: false,
      };
      if (overview.status === "ok") {
        const data = overview.data;
        const quota = data.quota && {
          ...data.quota,
          regular_used: data.quota.regular_used + (role === "regular" ? 1 : 0),
          admin_used: data.quota.admin_used + (role === "admin" ? 1 : 0),
        };
        const user = { id: created.id, name: created.name, role, created_time: "2026-11-22T12:00:00+0000" };
        overview = { status: "ok", data: { ...data, quota, system_users: [...data.system_users, user] } };
      }
      return Promise.resolve({ status: "ok", data: created });
    },
    renameSystemUser: (systemUserId, name) => {
      calls.push(`renameSystemUser:${systemUserId}:${name}`);
      const error = createErrors.shift();
      if (error) return Promise.resolve({ status: "error", error });
      if (overview.status === "ok") {
        const data = overview.data;
        const users = data.system_users.map((u) => (u.id === systemUserId ? { ...u, name: name.trim() } : u));
        overview = { status: "ok", data: { ...data, system_users: users } };
      }
      return Promise.resolve({ status: "ok", data: null });
    },
  };
  return { backend, calls };
}
