// The shapes the new commands exchange. They mirror Rust types that are being added; once the
// Rust side exists, each of these becomes a re-export from "../bindings" (same names, same
// fields), so screens import them from here only.

/** The seven asset kinds (Rust `gatehouse_graph::AssetKind`). */
export type AssetKind =
  | "page"
  | "ad_account"
  | "catalog"
  | "pixel"
  | "instagram"
  | "whatsapp_business_account"
  | "app";

/** Owned by the business, or shared with it by a client. */
export type Relation = "owned" | "client";

// ---------------------------------------------------------------------------------------------
// Portfolios

/** One portfolio the switcher lists. Demo portfolios are always there and cannot be removed. */
export type PortfolioEntry = {
  /** `demo`, `demo-client`, or a saved profile's id. */
  id: string;
  label: string;
  business_id: string;
  kind: "demo" | "meta";
};

export type PortfolioList = {
  active_id: string;
  portfolios: PortfolioEntry[];
};

/** What the user typed in "Connect your business portfolio". Secrets go to Rust, never back. */
export type ConnectForm = {
  label: string;
  business_id: string;
  app_id: string;
  admin_token: string;
  app_secret: string;
};

export type BusinessApp = { id: string; name: string; is_profile_app: boolean };

export type ConnectionProblem = {
  code: string;
  message: string;
  fix: string | null;
  /** A blocking problem prevents saving. */
  blocking: boolean;
};

/** What Gatehouse found when it checked the typed credentials (nothing saved yet). */
export type ConnectionReport = {
  business_id: string;
  business_name: string;
  verification_status: string | null;
  two_factor: string | null;
  /** `system_user`, `user`, `page`, `app` or `unknown`. */
  token_kind: string;
  token_owner_id: string;
  token_owner_name: string | null;
  token_app_id: string | null;
  apps: BusinessApp[];
  regular_system_users: number;
  admin_system_users: number;
  problems: ConnectionProblem[];
};

// ---------------------------------------------------------------------------------------------
// Assets and access

/** One task of an asset kind, in plain words. */
export type TaskInfo = {
  /** Meta's name, e.g. `ADVERTISE`. */
  name: string;
  /** Short label, e.g. "Create ads". */
  label: string;
  /** One plain sentence. */
  description: string;
  /** Whether the task can change things (false: read-only). */
  write: boolean;
};

/** An asset kind with its tasks, for tabs, task checkboxes and labels. */
export type AssetKindInfo = {
  kind: AssetKind;
  /** Plural tab label: "Ad accounts". */
  label: string;
  /** Singular: "ad account". */
  singular: string;
  /** The tasks that make up Full control. */
  full_control: string[];
  tasks: TaskInfo[];
  /**
   * Valid Partial combinations when Meta only accepts some (ad accounts); empty when any
   * non-empty subset of `tasks` is valid.
   */
  combinations: string[][];
};

/** One asset the business can hand out. */
export type AssetRow = {
  kind: AssetKind;
  id: string;
  name: string;
  relation: Relation;
  /** A second line: the account number, the Instagram handle, … */
  detail: string | null;
};

/** Read only, can change things, or full control. */
export type AccessLevel = "read" | "write" | "full";

export type AssignedAsset = {
  kind: AssetKind;
  id: string;
  name: string;
  /** Meta task names; label them with `AssetKindInfo.tasks`. */
  tasks: string[];
  access: AccessLevel;
};

export type AppRef = { id: string; name: string };

/** A system user's assets and installed apps (the detail screen). */
export type SystemUserAccess = {
  system_user: SystemUserSummaryRef;
  assets: AssignedAsset[];
  apps: AppRef[];
};

/** Same fields as bindings' `SystemUserSummary`. */
export type SystemUserSummaryRef = {
  id: string;
  name: string;
  role: string;
  created_time: string | null;
};

/** Counts for the System users table's assets/apps columns. */
export type AccessCount = { system_user_id: string; assets: number; apps: number };

// ---------------------------------------------------------------------------------------------
// Bulk assignment jobs (persisted; resumable)

export type ChangeAction = "assign" | "unassign";

export type AssetChange = {
  kind: AssetKind;
  asset_id: string;
  asset_name: string;
  action: ChangeAction;
  /** Meta task names; empty for unassign. */
  tasks: string[];
};

export type JobStatus =
  | "pending"
  | "running"
  | "completed"
  | "completed_with_failures"
  | "cancelled"
  | "interrupted";

export type ItemStatus = "pending" | "succeeded" | "failed";

export type ItemError = { code: string; message: string; fix: string | null; detail: string | null };

export type JobItem = {
  kind: AssetKind;
  asset_id: string;
  asset_name: string;
  action: ChangeAction;
  tasks: string[];
  status: ItemStatus;
  error: ItemError | null;
};

export type JobSummary = {
  id: string;
  portfolio_id: string;
  system_user_id: string;
  system_user_name: string;
  status: JobStatus;
  created_at_unix: number;
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
};

export type JobReport = { summary: JobSummary; items: JobItem[] };

export type JobEvent =
  | { type: "progress"; job_id: string; done: number; total: number; succeeded: number; failed: number }
  | { type: "waiting"; job_id: string; until_unix: number; reason: string }
  | { type: "finished"; summary: JobSummary };

// ---------------------------------------------------------------------------------------------
// Tokens

export type TokenExpiry = "sixty_days" | "never";

export type ScopeInfo = {
  /** Meta's permission name, e.g. `ads_management`. */
  name: string;
  /** One plain sentence. */
  sentence: string;
  /** Permissions Gatehouse adds with this one. */
  depends_on: string[];
};

export type ScopeGroup = { name: string; scopes: ScopeInfo[] };

export type ScopePreset = { id: string; label: string; description: string; scopes: string[] };

export type ScopeCatalog = { groups: ScopeGroup[]; presets: ScopePreset[] };

/** An app offered in "Generate token": usable ones first; the others say why not. */
export type AppChoice = {
  id: string;
  name: string;
  usable: boolean;
  /** Why it cannot be used, in plain words, and what to do. */
  reason: string | null;
  installed: boolean;
};

export type PreflightCheck = {
  id: string;
  ok: boolean;
  blocking: boolean;
  title: string;
  fix: string | null;
};

export type Preflight = {
  system_user_id: string;
  app_id: string;
  scopes: string[];
  added_dependencies: string[];
  checks: PreflightCheck[];
  ready: boolean;
};

export type TokenStep = "installing_app" | "generating" | "checking" | "done";

export type ScopeTargets = { scope: string; target_ids: string[] };

export type TokenReport = {
  kind: string;
  app_id: string | null;
  application: string | null;
  user_id: string | null;
  issued_at_unix: number | null;
  expires_at_unix: number | null;
  never_expires: boolean;
  expires_in_days: number | null;
  scopes: string[];
  scope_targets: ScopeTargets[];
  valid: boolean;
  verified: boolean;
};

/**
 * A token kept in Rust's memory. The webview gets a handle and the last characters only;
 * `revealToken` is the one way the token itself reaches it.
 */
export type IssuedToken = {
  handle: string;
  /** The last 4 characters, for "••••••••abcd". */
  last_chars: string;
  length: number;
  post_check: TokenReport;
  post_check_error: string | null;
};

export type CopyReceipt = { clears_at_unix: number; clear_after_secs: number };

export type TokenRequest = {
  system_user_id: string;
  app_id: string;
  scopes: string[];
  expiry: TokenExpiry;
};
