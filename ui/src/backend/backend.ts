import type {
  AppInfo,
  CommandError,
  CreatedSystemUser,
  KeyringReport,
  NewRole,
  PortfolioOverview,
} from "../bindings";
import type { Result } from "./result";

/**
 * Everything the UI asks of the Rust side. Screens talk to this interface only, so UI tests run
 * against `mockBackend` without Tauri, and the app against `tauriBackend`.
 */
export interface Backend {
  appInfo(): Promise<AppInfo>;
  /** Stores, reads back and deletes a probe entry in the OS keyring. */
  keyringStatus(): Promise<Result<KeyringReport, CommandError>>;
  /** The business the user works in, its system users and their quota. */
  portfolioOverview(): Promise<Result<PortfolioOverview, CommandError>>;
  /** Adds a system user; a lost answer is reconciled by the engine, never sent twice. */
  createSystemUser(name: string, role: NewRole): Promise<Result<CreatedSystemUser, CommandError>>;
  renameSystemUser(systemUserId: string, name: string): Promise<Result<null, CommandError>>;
}
