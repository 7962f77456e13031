import type {
  AppClaim,
  AppInfo,
  CommandError,
  CompatibilityCheck,
  CreatedSystemUser,
  KeyringReport,
  NewRole,
  PortfolioOverview,
} from "../bindings";
import type { Result } from "./result";
import type {
  AccessCount,
  AppChoice,
  AssetChange,
  AssetKind,
  AssetKindInfo,
  AssetRow,
  ConnectForm,
  ConnectionReport,
  CopyReceipt,
  IssuedToken,
  JobEvent,
  JobReport,
  JobSummary,
  PortfolioEntry,
  PortfolioList,
  Preflight,
  ScopeCatalog,
  SystemUserAccess,
  TokenReport,
  TokenRequest,
  TokenStep,
} from "./types";

type Call<T> = Promise<Result<T, CommandError>>;

/**
 * Everything the UI asks of the Rust side. Screens talk to this interface only, so UI tests run
 * against the dev/test host without Tauri, and the app against `tauriBackend`.
 */
export interface Backend {
  appInfo(): Promise<AppInfo>;
  /** Stores, reads back and deletes a probe entry in the OS keyring. */
  keyringStatus(): Call<KeyringReport>;
  /** Read-only probes of the open portfolio, compared with what Gatehouse expects. */
  checkCompatibility(): Call<CompatibilityCheck>;

  // Portfolios ---------------------------------------------------------------------------------
  /** The demo portfolios and the saved ones, and which one is open. */
  listPortfolios(): Call<PortfolioList>;
  /** Opens another portfolio; the other screens reload from it. */
  switchPortfolio(id: string): Call<null>;
  /** Checks typed credentials against Meta without saving anything. */
  checkConnection(form: ConnectForm): Call<ConnectionReport>;
  /** Adds the form's app to the form's business (the fix for "the business owns no app"). */
  claimAppForConnection(form: ConnectForm): Call<AppClaim>;
  /** Checks again, then saves: metadata in the config dir, secrets in the OS keyring. */
  savePortfolio(form: ConnectForm): Call<PortfolioEntry>;
  /** Removes a saved portfolio and its keyring entries. */
  removePortfolio(id: string): Call<null>;

  // System users -------------------------------------------------------------------------------
  /** The business the user works in, its system users and their quota. */
  portfolioOverview(): Call<PortfolioOverview>;
  /** Adds an app its admin develops to the open portfolio's business, so it can have system users. */
  claimApp(appId: string): Call<AppClaim>;
  /** Adds a system user; a lost answer is reconciled by the engine, never sent twice. */
  createSystemUser(name: string, role: NewRole): Call<CreatedSystemUser>;
  renameSystemUser(systemUserId: string, name: string): Call<null>;
  /** How many assets and apps each system user has (the table's last columns). */
  accessCounts(): Call<AccessCount[]>;
  /** One system user's assets (grouped by kind in the UI) and installed apps. */
  systemUserAccess(systemUserId: string): Call<SystemUserAccess>;

  // Assets and jobs ----------------------------------------------------------------------------
  /** The seven kinds with their tasks in plain words. */
  assetKinds(): Call<AssetKindInfo[]>;
  /** Every asset of one kind the business owns or is shared (all pages fetched). */
  listAssets(kind: AssetKind): Call<AssetRow[]>;
  /** Records a bulk change as a job (nothing sent yet). Invalid tasks fail here. */
  createJob(systemUserId: string, systemUserName: string, changes: AssetChange[]): Call<JobSummary>;
  /** Runs a job's pending items; progress arrives through `onEvent`. Resolves when it stops. */
  runJob(jobId: string, onEvent: (event: JobEvent) => void): Call<JobReport>;
  /** Asks a running job to stop after the items in flight. */
  cancelJob(jobId: string): Call<null>;
  /** Puts a job's failed items back to pending, ready for `runJob`. */
  retryFailed(jobId: string): Call<JobSummary>;
  /** Stops offering an unfinished job for resuming; what it did stays done, its record is kept. */
  discardJob(jobId: string): Call<JobSummary>;
  /** Jobs of the open portfolio that did not finish (interrupted, cancelled), newest first. */
  unfinishedJobs(): Call<JobSummary[]>;
  jobReport(jobId: string): Call<JobReport>;

  // Tokens -------------------------------------------------------------------------------------
  scopeCatalog(): Call<ScopeCatalog>;
  /** Apps for a system user's token: usable first, the others with why not. */
  tokenApps(systemUserId: string): Call<AppChoice[]>;
  /** The engine's readiness check; changes nothing. */
  tokenPreflight(request: TokenRequest): Call<Preflight>;
  installApp(systemUserId: string, appId: string): Call<null>;
  /** Generates once (never retried); the token stays in Rust, the UI gets a handle. */
  generateToken(request: TokenRequest, onStep: (step: TokenStep) => void): Call<IssuedToken>;
  /** Copies from Rust, hidden from clipboard history; cleared after `clearAfterSecs`. */
  copyToken(handle: string, clearAfterSecs: number): Call<CopyReceipt>;
  /** The only way a token reaches the webview. */
  revealToken(handle: string): Call<string>;
  /** Opt-in: keeps a copy in this computer's keychain under a label. */
  keepTokenInKeychain(handle: string, label: string): Call<null>;
  /** Drops the token from memory (and clears the clipboard if it still holds it). */
  forgetToken(handle: string): Call<null>;
  /** `debug_token` on a pasted token. */
  inspectToken(token: string): Call<TokenReport>;
  /** Exchanges a 60-day token for a new one; the new token is shown once like a generated one. */
  refreshToken(token: string): Call<IssuedToken>;
  revokeToken(token: string): Call<{ already_invalid: boolean }>;
}
