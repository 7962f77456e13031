import type {
  AppClaim,
  AppInfo,
  CommandError,
  CompatibilityCheck,
  CreatedSystemUser,
  KeyringReport,
  PortfolioOverview,
  SystemUserSummary,
} from "../bindings";
import generatedCompatibility from "../generated/compatibility-check.json";
// The engine's words for each kind of token (written by gatehouse-core's tests).
import tokenKindLabels from "../generated/token-kind-labels.json";
import type { Backend } from "./backend";
import { jobsTokensOptionsFrom, mockAssetKinds, mockJobsTokens } from "./mockJobsTokens";
import type { Result } from "./result";
import type {
  AccessCount,
  AccessLevel,
  AppRef,
  AssetKind,
  AssetRow,
  AssignedAsset,
  BusinessApp,
  ConnectForm,
  ConnectionProblem,
  ConnectionReport,
  IssuedToken,
  PortfolioEntry,
  TokenReport,
} from "./types";

// A stateful, demo-like backend: the UI tests run against it, and so does the dev-only preview
// (ui/preview.html). It never ships in the app: only main.tsx is the build's entry.

type Call<T> = Promise<Result<T, CommandError>>;

/** Errors to return from a method, one per call; after they run out, calls succeed. */
export type ErrorQueues = Partial<Record<keyof Backend, CommandError[]>>;

export interface MockBackendOptions {
  keyring?: Result<KeyringReport, CommandError>;
  /** The demo portfolio's overview (replaces Brightline's). */
  overview?: Result<PortfolioOverview, CommandError>;
  /** Errors for `createSystemUser` / `renameSystemUser`, one per call; after they run out, calls succeed. */
  createErrors?: CommandError[];
  /** Errors for any method, one per call. */
  errors?: ErrorQueues;
  /** Asset IDs whose assign/unassign fails in `runJob`. */
  failingAssets?: string[];
  /** Delay of every answer in ms (the preview uses it to show loading states); 0 in tests. */
  latencyMs?: number;
  /** Delay per job item in ms, so progress can be seen. */
  jobItemMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Asset kinds and their tasks come from mockJobsTokens.ts (one table for every screen).

/** Read only, can change things, or full control, from the tasks held. */
export function accessLevel(kind: AssetKind, tasks: string[]): AccessLevel {
  const info = mockAssetKinds.find((k) => k.kind === kind);
  if (!info) return "write";
  if (info.full_control.length > 0 && info.full_control.every((t) => tasks.includes(t))) return "full";
  return info.tasks.some((t) => t.write && tasks.includes(t.name)) ? "write" : "read";
}

// ---------------------------------------------------------------------------------------------
// The demo portfolios

/** The demo agency's overview (Brightline Digital Partners, Full tier). */
export const sampleOverview: PortfolioOverview = {
  kind: "demo",
  business_id: "100000000000001",
  business_name: "Brightline Digital Partners",
  verification_status: "verified",
  two_factor: "admin_required",
  system_users: [
    { id: "610000000000001", name: "Gatehouse Admin", role: "admin", created_time: "2026-03-02T10:15:00+0000" },
    { id: "610000000000002", name: "Reporting Bot", role: "regular", created_time: "2026-05-19T08:00:00+0000" },
    { id: "610000000000003", name: "Conversions API server", role: "regular", created_time: "2026-07-08T14:30:00+0000" },
    { id: "610000000000004", name: "Shop catalog sync", role: "regular", created_time: "2026-09-21T09:05:00+0000" },
  ],
  quota: { tier: "Full", regular_used: 3, regular_allowed: 10, admin_used: 1, admin_allowed: 1 },
  apps: [
    { id: "700000000000001", name: "Brightline Reporting", is_profile_app: true },
    { id: "700000000000002", name: "Brightline Lead Sync", is_profile_app: false },
  ],
  app_id: "700000000000001",
};

/** The demo client portfolio (Limited tier: one regular system user). */
export const sampleClientOverview: PortfolioOverview = {
  kind: "demo",
  business_id: "100000000000002",
  business_name: "Harbor & Pine Outfitters",
  verification_status: "not_verified",
  two_factor: "none",
  system_users: [
    { id: "620000000000001", name: "Harbor Admin", role: "admin", created_time: "2026-06-11T16:40:00+0000" },
    { id: "620000000000002", name: "Website events", role: "regular", created_time: "2026-06-12T08:20:00+0000" },
  ],
  quota: { tier: "Limited", regular_used: 1, regular_allowed: 1, admin_used: 1, admin_allowed: 1 },
  apps: [{ id: "700000000000010", name: "Harbor & Pine Site", is_profile_app: true }],
  app_id: "700000000000010",
};

/** The demo client that owns no app yet: its admin develops one it can claim. */
export const sampleNoAppOverview: PortfolioOverview = {
  kind: "demo",
  business_id: "100000000000003",
  business_name: "Copper Kettle Café",
  verification_status: "verified",
  two_factor: "admin_required",
  system_users: [],
  quota: null,
  apps: [],
  app_id: "700000000000020",
};

/** The IDs of the demo apps (the first is usable for tokens, the second is not). */
export const sampleApps = {
  reporting: { id: "700000000000001", name: "Brightline Reporting" },
  leadSync: { id: "700000000000002", name: "Brightline Lead Sync" },
  harbor: { id: "700000000000010", name: "Harbor & Pine Site" },
  copperKettle: { id: "700000000000020", name: "Copper Kettle Orders" },
};

/** Tokens the mock's `inspectToken` knows (never real tokens). */
export const sampleTokens = {
  /** A system user token that expires in 60 days (refreshable). */
  sixtyDays: "EAAGdemoSixtyDayTokenForReportingBot0000000000000000001",
  /** A system user token that never expires. */
  never: "EAAGdemoNeverExpiringTokenForCapiServer0000000000000002",
  /** A token that has expired. */
  expired: "EAAGdemoExpiredTokenForShopSync00000000000000000000003",
};

interface AppState extends AppRef {
  usable: boolean;
  reason: string | null;
}

interface PortfolioState {
  entry: PortfolioEntry;
  overview: Result<PortfolioOverview, CommandError>;
  assets: Record<AssetKind, AssetRow[]>;
  /** Per system user: what it holds. */
  assigned: Map<string, AssignedAsset[]>;
  installed: Map<string, AppRef[]>;
  apps: AppState[];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

const brightlineClients = ["Harbor & Pine", "Lumen Dental", "Northwind Media", "Copper Kettle", "Aster Fitness", "Bluebell Travel"];
const campaignKinds = ["Prospecting", "Retargeting", "Search", "Brand", "Lead gen", "Catalog sales", "App installs"];

function brightlineAssets(): Record<AssetKind, AssetRow[]> {
  const adAccounts: AssetRow[] = range(48).map((i) => {
    const client = brightlineClients[i % brightlineClients.length] ?? "Client";
    const campaign = campaignKinds[Math.floor(i / brightlineClients.length) % campaignKinds.length] ?? "Ads";
    const number = 3100000000 + i * 7919;
    return {
      kind: "ad_account",
      id: `act_${number}`,
      name: `${client} – ${campaign}`,
      relation: i % 3 === 0 ? "owned" : "client",
      detail: `Account ${number}`,
    };
  });
  const pages: AssetRow[] = [
    "Brightline Digital",
    "Harbor & Pine Outfitters",
    "Lumen Dental Clinics",
    "Copper Kettle Café",
    "Aster Fitness Studio",
    "Bluebell Travel",
  ].map((name, i) => ({ kind: "page", id: `1050000000000${pad(i + 1, 2)}`, name, relation: i === 0 ? "owned" : "client", detail: null }));
  const catalogs: AssetRow[] = ["Harbor & Pine – All products", "Copper Kettle – Menu", "Bluebell – Trips 2027"].map((name, i) => ({
    kind: "catalog",
    id: `2050000000000${pad(i + 1, 2)}`,
    name,
    relation: "client",
    detail: `${[1240, 86, 312][i] ?? 0} products`,
  }));
  const pixels: AssetRow[] = ["Brightline website", "Harbor & Pine shop", "Lumen Dental bookings", "Aster Fitness sign-ups"].map((name, i) => ({
    kind: "pixel",
    id: `3050000000000${pad(i + 1, 2)}`,
    name,
    relation: i === 0 ? "owned" : "client",
    detail: "Dataset",
  }));
  const instagram: AssetRow[] = ["brightline.digital", "harborandpine", "copperkettle.cafe"].map((handle, i) => ({
    kind: "instagram",
    id: `178414000000000${pad(i + 1, 2)}`,
    name: handle,
    relation: i === 0 ? "owned" : "client",
    detail: `@${handle}`,
  }));
  const whatsapp: AssetRow[] = ["Brightline support", "Bluebell bookings"].map((name, i) => ({
    kind: "whatsapp_business_account",
    id: `4050000000000${pad(i + 1, 2)}`,
    name,
    relation: i === 0 ? "owned" : "client",
    detail: i === 0 ? "+1 555 0100" : "+44 20 7946 0000",
  }));
  const apps: AssetRow[] = [sampleApps.reporting, sampleApps.leadSync].map((app) => ({
    kind: "app",
    id: app.id,
    name: app.name,
    relation: "owned",
    detail: `App ID ${app.id}`,
  }));
  return { ad_account: adAccounts, page: pages, catalog: catalogs, pixel: pixels, instagram, whatsapp_business_account: whatsapp, app: apps };
}

function assigned(row: AssetRow, tasks: string[]): AssignedAsset {
  return { kind: row.kind, id: row.id, name: row.name, tasks, access: accessLevel(row.kind, tasks) };
}

function brightline(overview: Result<PortfolioOverview, CommandError>): PortfolioState {
  const assets = brightlineAssets();
  const reportingAccounts = assets.ad_account.slice(0, 12).map((row, i) =>
    assigned(row, i < 3 ? ["ADVERTISE", "ANALYZE"] : ["ANALYZE"]),
  );
  const reportingPages = assets.page.slice(0, 2).map((row) => assigned(row, ["ANALYZE"]));
  const capiPixels = assets.pixel.map((row, i) => assigned(row, i === 0 ? ["EDIT", "UPLOAD", "ADVERTISE", "ANALYZE"] : ["UPLOAD", "ANALYZE"]));
  const shopCatalog = assets.catalog.slice(0, 2).map((row) => assigned(row, ["MANAGE", "ADVERTISE"]));
  return {
    entry: { id: "demo", label: "Brightline Digital Partners", business_id: "100000000000001", kind: "demo" },
    overview,
    assets,
    assigned: new Map([
      ["610000000000002", [...reportingAccounts, ...reportingPages]],
      ["610000000000003", [...capiPixels]],
      ["610000000000004", [...shopCatalog]],
    ]),
    installed: new Map([
      ["610000000000001", [sampleApps.reporting, sampleApps.leadSync]],
      ["610000000000002", [sampleApps.reporting]],
      ["610000000000003", [sampleApps.reporting]],
    ]),
    apps: [
      { ...sampleApps.reporting, usable: true, reason: null },
      {
        ...sampleApps.leadSync,
        usable: false,
        reason:
          "This app has no Marketing API use case, so Meta offers no permissions for it. An app admin can add the use case in the app's dashboard.",
      },
    ],
  };
}

function harborAndPine(): PortfolioState {
  const row = (kind: AssetKind, id: string, name: string, detail: string | null): AssetRow => ({ kind, id, name, relation: "owned", detail });
  const assets: Record<AssetKind, AssetRow[]> = {
    ad_account: [row("ad_account", "act_4200000001", "Harbor & Pine – Main", "Account 4200000001"), row("ad_account", "act_4200000002", "Harbor & Pine – Outlet", "Account 4200000002")],
    page: [row("page", "115000000000001", "Harbor & Pine Outfitters", null)],
    catalog: [row("catalog", "215000000000001", "Harbor & Pine – All products", "1,240 products")],
    pixel: [row("pixel", "315000000000001", "Harbor & Pine shop", "Dataset")],
    instagram: [row("instagram", "17841500000000001", "harborandpine", "@harborandpine")],
    whatsapp_business_account: [],
    app: [row("app", sampleApps.harbor.id, sampleApps.harbor.name, `App ID ${sampleApps.harbor.id}`)],
  };
  const pixel = assets.pixel[0];
  return {
    entry: { id: "demo-client", label: "Harbor & Pine Outfitters", business_id: "100000000000002", kind: "demo" },
    overview: { status: "ok", data: structuredClone(sampleClientOverview) },
    assets,
    assigned: new Map(pixel ? [["620000000000002", [assigned(pixel, ["UPLOAD", "ANALYZE"])]]] : []),
    installed: new Map([["620000000000002", [sampleApps.harbor]]]),
    apps: [{ ...sampleApps.harbor, usable: true, reason: null }],
  };
}

function copperKettle(): PortfolioState {
  const none: Record<AssetKind, AssetRow[]> = {
    ad_account: [{ kind: "ad_account", id: "act_4300000001", name: "Copper Kettle – Local", relation: "owned", detail: "Account 4300000001" }],
    page: [{ kind: "page", id: "116000000000001", name: "Copper Kettle Café", relation: "owned", detail: null }],
    catalog: [],
    pixel: [],
    instagram: [],
    whatsapp_business_account: [],
    app: [],
  };
  return {
    entry: { id: "demo-no-app", label: "Copper Kettle Café", business_id: "100000000000003", kind: "demo" },
    overview: { status: "ok", data: structuredClone(sampleNoAppOverview) },
    assets: none,
    assigned: new Map(),
    installed: new Map(),
    apps: [],
  };
}

/** What `checkConnection` finds for a typed business ID (the "Northwind Media Group" sample). */
const connectApps: BusinessApp[] = [
  { id: "800000000000001", name: "Northwind Insights", is_profile_app: false },
  { id: "800000000000002", name: "Northwind Shop Connector", is_profile_app: false },
];

function savedPortfolio(entry: PortfolioEntry, name: string): PortfolioState {
  const empty: Record<AssetKind, AssetRow[]> = {
    ad_account: [
      { kind: "ad_account", id: "act_5100000001", name: `${name} – Always on`, relation: "owned", detail: "Account 5100000001" },
    ],
    page: [{ kind: "page", id: "125000000000001", name, relation: "owned", detail: null }],
    catalog: [],
    pixel: [{ kind: "pixel", id: "325000000000001", name: `${name} website`, relation: "owned", detail: "Dataset" }],
    instagram: [],
    whatsapp_business_account: [],
    app: connectApps.map((a) => ({ kind: "app" as const, id: a.id, name: a.name, relation: "owned" as const, detail: `App ID ${a.id}` })),
  };
  return {
    entry,
    overview: {
      status: "ok",
      data: {
        kind: "meta",
        business_id: entry.business_id,
        business_name: name,
        verification_status: "verified",
        two_factor: "none",
        system_users: [{ id: "630000000000001", name: "Gatehouse Admin", role: "admin", created_time: "2026-10-01T12:00:00+0000" }],
        quota: { tier: "Full", regular_used: 0, regular_allowed: 10, admin_used: 1, admin_allowed: 1 },
        apps: connectApps.map((a, i) => ({ ...a, is_profile_app: i === 0 })),
        app_id: connectApps[0]?.id ?? null,
      },
    },
    assets: empty,
    assigned: new Map(),
    installed: new Map([["630000000000001", connectApps.slice(0, 1).map((a) => ({ id: a.id, name: a.name }))]]),
    apps: connectApps.map((a) => ({ id: a.id, name: a.name, usable: true, reason: null })),
  };
}

// ---------------------------------------------------------------------------------------------
// Shared state of one mock backend (the jobs/tokens methods use it too)

interface IssuedState {
  token: string;
  report: TokenReport;
}

export interface MockContext {
  calls: string[];
  options: MockBackendOptions;
  /** The open portfolio. */
  current(): PortfolioState;
  /** An answer after the configured latency, or the next queued error for `method`. */
  answer<T>(method: keyof Backend, data: T | (() => Result<T, CommandError>)): Call<T>;
  issued: Map<string, IssuedState>;
  /** Tokens `inspectToken` knows, by token. */
  known: Map<string, TokenReport>;
  nextId(): string;
}

function error(code: string, message: string, fix: string | null, detail: string | null = null, field: string | null = null): CommandError {
  return { code, message, fix, detail, field };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const nowUnix = () => Math.floor(Date.now() / 1000);
const DAY = 86_400;

function tokenReport(partial: Partial<TokenReport>): TokenReport {
  return {
    kind: "system_user",
    kind_label: tokenKindLabels.system_user,
    app_id: sampleApps.reporting.id,
    application: sampleApps.reporting.name,
    user_id: "610000000000002",
    issued_at_unix: nowUnix() - 3 * DAY,
    expires_at_unix: null,
    never_expires: false,
    expires_in_days: null,
    scopes: [],
    scope_targets: [],
    valid: true,
    verified: true,
    ...partial,
  };
}

function knownTokens(): Map<string, TokenReport> {
  const now = nowUnix();
  const expires = now + 57 * DAY + 5 * 3600;
  return new Map<string, TokenReport>([
    [
      sampleTokens.sixtyDays,
      tokenReport({
        expires_at_unix: expires,
        expires_in_days: 57,
        scopes: ["ads_read", "pages_read_engagement", "pages_show_list"],
        scope_targets: [
          { scope: "ads_read", target_ids: ["act_3100000000", "act_3100007919", "act_3100015838"] },
          { scope: "pages_read_engagement", target_ids: ["105000000000001"] },
        ],
      }),
    ],
    [
      sampleTokens.never,
      tokenReport({
        user_id: "610000000000003",
        issued_at_unix: now - 120 * DAY,
        never_expires: true,
        scopes: ["ads_management", "ads_read"],
        scope_targets: [],
      }),
    ],
    [
      sampleTokens.expired,
      tokenReport({
        user_id: "610000000000004",
        issued_at_unix: now - 70 * DAY,
        expires_at_unix: now - 10 * DAY,
        expires_in_days: 0,
        scopes: ["catalog_management", "business_management"],
        valid: false,
      }),
    ],
  ]);
}

// ---------------------------------------------------------------------------------------------

/** A backend for UI tests and the preview: stateful answers and a log of the calls made. */
export function mockBackend(options: MockBackendOptions = {}) {
  const calls: string[] = [];
  const info: AppInfo = { name: "Gatehouse", version: "0.0.0-test", os: "linux" };
  const keyring: Result<KeyringReport, CommandError> = options.keyring ?? {
    status: "ok",
    data: { store: "Secret Service", round_trip_ms: 12 },
  };
  const createErrors = [...(options.createErrors ?? [])];
  const queues: ErrorQueues = {};
  for (const [method, list] of Object.entries(options.errors ?? {}) as [keyof Backend, CommandError[]][]) {
    queues[method] = [...list];
  }
  // A copy, so changes in one test never leak into the next.
  const portfolios: PortfolioState[] = [
    brightline(options.overview ?? { status: "ok", data: structuredClone(sampleOverview) }),
    harborAndPine(),
    copperKettle(),
  ];
  let activeId = "demo";
  let idCounter = 610000000000100;
  let savedCounter = 1;

  const ctx: MockContext = {
    calls,
    options,
    current: () => portfolios.find((p) => p.entry.id === activeId) ?? (portfolios[0] as PortfolioState),
    answer: async <T,>(method: keyof Backend, data: T | (() => Result<T, CommandError>)): Call<T> => {
      if (options.latencyMs) await sleep(options.latencyMs);
      else await Promise.resolve();
      const queued = queues[method]?.shift();
      if (queued) return { status: "error", error: queued };
      if (typeof data === "function") return (data as () => Result<T, CommandError>)();
      return { status: "ok", data };
    },
    issued: new Map(),
    known: knownTokens(),
    nextId: () => String(idCounter++),
  };
  const ok = <T,>(data: T): Result<T, CommandError> => ({ status: "ok", data });
  const fail = <T,>(e: CommandError): Result<T, CommandError> => ({ status: "error", error: e });

  const overviewOf = (p: PortfolioState): PortfolioOverview | null => (p.overview.status === "ok" ? p.overview.data : null);

  // Apps added to the typed business by `claimAppForConnection`.
  const claimedForConnection: BusinessApp[] = [];
  /** The mock's rules for claiming: known sample IDs work, 999… is another business's app. */
  const claim = (appId: string, owned: BusinessApp[]): Result<AppClaim, CommandError> => {
    const id = appId.trim();
    if (!/^\d{6,20}$/.test(id) || id.startsWith("999")) {
      return fail(
        error(
          "app_not_claimable",
          `Meta did not let this business add app ${id}. Only an admin of the app can add it to a business, an app that already belongs to another business portfolio cannot be added, and the ID must be an app's ID.`,
          "Check the app ID (developers.facebook.com › My Apps shows it under the app's name). If another business owns the app, ask its admins to share it, or create an app for this business.",
          "Permissions error (Graph code 200, subcode -, trace AxDemo2)",
          "app_id",
        ),
      );
    }
    if (owned.some((a) => a.id === id)) {
      return ok({ app_id: id, status: "already_owned", message: `App ${id} already belonged to the business: nothing changed.` });
    }
    return ok({ app_id: id, status: "confirmed", message: `App ${id} now belongs to the business: it can have system users.` });
  };

  const checkForm = (form: ConnectForm): Result<ConnectionReport, CommandError> => {
    const businessId = form.business_id.trim();
    if (!/^\d{6,20}$/.test(businessId)) {
      return fail(error("invalid_input", "The business ID is a number of 15 or 16 digits.", "Copy it from Business settings › Business info.", null, "business_id"));
    }
    if (form.admin_token.trim().length < 20) {
      return fail(error("invalid_input", "That does not look like an access token.", "Paste the whole token; it usually starts with “EAA”.", null, "admin_token"));
    }
    if (form.admin_token.includes("expired")) {
      return fail(
        error(
          "token_expired",
          "This admin token has expired.",
          "Generate a new token for your admin system user in Business settings, or log in again in Graph API Explorer.",
          "Error validating access token: Session has expired (Graph code 190, subcode 463, trace AxDemo1)",
          "admin_token",
        ),
      );
    }
    const problems: ConnectionProblem[] = [];
    const appOwned = [...connectApps, ...claimedForConnection].some((a) => a.id === form.app_id.trim());
    if (!appOwned) {
      problems.push({
        code: "app_not_owned",
        message: `The app ${form.app_id.trim() || "(none)"} does not belong to this business portfolio.`,
        fix: "Add the app to the business (you must be an admin of the app): Gatehouse can do it for you, or do it in Business settings › Accounts › Apps › Add › Connect an app ID. Or use one of the apps the business owns.",
        blocking: true,
        claim_app_id: form.app_id.trim() || null,
      });
    }
    const personal = form.admin_token.includes("user");
    if (personal) {
      problems.push({
        code: "personal_token",
        message: "This is a person's token: it stops working when they log out, change their password or leave.",
        fix: "It is fine for setting up. Afterwards, create an admin system user and connect again with its token.",
        blocking: false,
        claim_app_id: null,
      });
    }
    problems.push({
      code: "two_factor_not_required",
      message: "Two-factor authentication is not required in this portfolio.",
      fix: "Turn it on for admins in Business settings › Security Center.",
      blocking: false,
      claim_app_id: null,
    });
    return ok({
      business_id: businessId,
      business_name: "Northwind Media Group",
      verification_status: "verified",
      two_factor: "none",
      token_kind: personal ? "user" : "system_user",
      token_kind_label: personal ? tokenKindLabels.user : tokenKindLabels.system_user,
      token_owner_id: personal ? "10000000000000777" : "630000000000001",
      token_owner_name: personal ? "Dana Whitfield" : "Gatehouse Admin",
      token_app_id: connectApps[0]?.id ?? null,
      apps: [...connectApps, ...claimedForConnection].map((a) => ({ ...a, is_profile_app: a.id === form.app_id.trim() })),
      regular_system_users: 0,
      admin_system_users: 1,
      problems,
    });
  };

  const jobsTokens = mockJobsTokens(jobsTokensOptionsFrom(ctx));
  const backend: Backend = {
    appInfo: () => {
      calls.push("appInfo");
      return Promise.resolve(info);
    },
    keyringStatus: () => {
      calls.push("keyringStatus");
      return ctx.answer("keyringStatus", () => keyring);
    },
    checkCompatibility: () => {
      calls.push("checkCompatibility");
      // What the engine answered against the emulator (written by gatehouse-core's tests).
      return ctx.answer("checkCompatibility", generatedCompatibility as CompatibilityCheck);
    },

    // Portfolios -------------------------------------------------------------------------------
    listPortfolios: () => {
      calls.push("listPortfolios");
      return ctx.answer("listPortfolios", () => ok({ active_id: activeId, portfolios: portfolios.map((p) => ({ ...p.entry })) }));
    },
    switchPortfolio: (id) => {
      calls.push(`switchPortfolio:${id}`);
      return ctx.answer("switchPortfolio", () => {
        if (!portfolios.some((p) => p.entry.id === id)) {
          return fail(error("portfolio_not_found", "That portfolio is no longer saved on this computer.", "Pick another one, or connect it again."));
        }
        activeId = id;
        return ok(null);
      });
    },
    checkConnection: (form) => {
      calls.push(`checkConnection:${form.business_id}`);
      return ctx.answer("checkConnection", () => checkForm(form));
    },
    claimAppForConnection: (form) => {
      calls.push(`claimAppForConnection:${form.business_id}:${form.app_id}`);
      return ctx.answer("claimAppForConnection", () => {
        const result = claim(form.app_id, [...connectApps, ...claimedForConnection]);
        if (result.status === "ok" && result.data.status === "confirmed") {
          claimedForConnection.push({ id: result.data.app_id, name: `App ${result.data.app_id}`, is_profile_app: false });
        }
        return result;
      });
    },
    savePortfolio: (form) => {
      calls.push(`savePortfolio:${form.business_id}`);
      return ctx.answer("savePortfolio", () => {
        const checked = checkForm(form);
        if (checked.status === "error") return checked;
        const blocking = checked.data.problems.find((p) => p.blocking);
        if (blocking) return fail(error(blocking.code, blocking.message, blocking.fix));
        const entry: PortfolioEntry = {
          id: `saved-${savedCounter++}`,
          label: form.label.trim() || checked.data.business_name,
          business_id: checked.data.business_id,
          kind: "meta",
        };
        portfolios.push(savedPortfolio(entry, checked.data.business_name));
        return ok(entry);
      });
    },
    removePortfolio: (id) => {
      calls.push(`removePortfolio:${id}`);
      return ctx.answer("removePortfolio", () => {
        const index = portfolios.findIndex((p) => p.entry.id === id);
        if (index < 0) return fail(error("portfolio_not_found", "That portfolio is no longer saved on this computer.", null));
        if (portfolios[index]?.entry.kind === "demo") {
          return fail(error("invalid_input", "The demo portfolios are built in and cannot be removed.", null));
        }
        portfolios.splice(index, 1);
        if (activeId === id) activeId = "demo";
        return ok(null);
      });
    },

    // System users -----------------------------------------------------------------------------
    portfolioOverview: () => {
      calls.push("portfolioOverview");
      return ctx.answer("portfolioOverview", () => ctx.current().overview);
    },
    claimApp: (appId) => {
      calls.push(`claimApp:${appId}`);
      return ctx.answer("claimApp", () => {
        const p = ctx.current();
        const data = overviewOf(p);
        const result = claim(appId, data?.apps ?? []);
        if (result.status === "ok" && result.data.status === "confirmed" && data) {
          const app = appId.trim() === sampleApps.copperKettle.id ? sampleApps.copperKettle : { id: appId.trim(), name: `App ${appId.trim()}` };
          p.overview = ok({
            ...data,
            apps: [...(data.apps ?? []), { ...app, is_profile_app: app.id === data.app_id }],
            quota: data.quota ?? { tier: "Full", regular_used: 0, regular_allowed: 10, admin_used: 0, admin_allowed: 1 },
          });
          p.assets.app.push({ kind: "app", id: app.id, name: app.name, relation: "owned", detail: `App ID ${app.id}` });
          p.apps.push({ ...app, usable: true, reason: null });
        }
        return result;
      });
    },
    createSystemUser: (name, role) => {
      calls.push(`createSystemUser:${name}:${role}`);
      return ctx.answer("createSystemUser", () => {
        const e = createErrors.shift();
        if (e) return fail(e);
        const p = ctx.current();
        if (overviewOf(p)?.apps?.length === 0) {
          return fail(
            error(
              "app_missing",
              "The business portfolio does not own a Meta app. A business needs an app of its own before it can have system users.",
              "Create an app in the App Dashboard owned by this business portfolio (or claim an existing one in Business settings › Apps), then try again.",
              "(#104001) In order to create a system user, an app must be part of this business. (Graph code 104001, subcode -, trace AxDemo3)",
            ),
          );
        }
        const created: CreatedSystemUser = { id: ctx.nextId(), name: name.trim(), role, recovered_after_lost_answer: false };
        const data = overviewOf(p);
        if (data) {
          const quota = data.quota && {
            ...data.quota,
            regular_used: data.quota.regular_used + (role === "regular" ? 1 : 0),
            admin_used: data.quota.admin_used + (role === "admin" ? 1 : 0),
          };
          const user: SystemUserSummary = { id: created.id, name: created.name, role, created_time: "2026-11-22T12:00:00+0000" };
          p.overview = ok({ ...data, quota, system_users: [...data.system_users, user] });
        }
        return ok(created);
      });
    },
    renameSystemUser: (systemUserId, name) => {
      calls.push(`renameSystemUser:${systemUserId}:${name}`);
      return ctx.answer("renameSystemUser", () => {
        const e = createErrors.shift();
        if (e) return fail(e);
        const p = ctx.current();
        const data = overviewOf(p);
        if (data) {
          const users = data.system_users.map((u) => (u.id === systemUserId ? { ...u, name: name.trim() } : u));
          p.overview = ok({ ...data, system_users: users });
        }
        return ok(null);
      });
    },
    accessCounts: () => {
      calls.push("accessCounts");
      return ctx.answer("accessCounts", () => {
        const p = ctx.current();
        const users = overviewOf(p)?.system_users ?? [];
        return ok(
          users.map(
            (u): AccessCount => ({
              system_user_id: u.id,
              assets: p.assigned.get(u.id)?.length ?? 0,
              apps: p.installed.get(u.id)?.length ?? 0,
            }),
          ),
        );
      });
    },
    systemUserAccess: (systemUserId) => {
      calls.push(`systemUserAccess:${systemUserId}`);
      return ctx.answer("systemUserAccess", () => {
        const p = ctx.current();
        const user = overviewOf(p)?.system_users.find((u) => u.id === systemUserId);
        if (!user) {
          return fail(
            error(
              "system_user_not_found",
              "This system user is not in the open portfolio.",
              "Go back to System users and pick one from the list; it may have been deleted in Business settings.",
              `GET /${systemUserId} (Graph code 100, subcode 33)`,
            ),
          );
        }
        return ok({
          system_user: { ...user },
          assets: (p.assigned.get(systemUserId) ?? []).map((a) => ({ ...a, tasks: [...a.tasks] })),
          apps: (p.installed.get(systemUserId) ?? []).map((a) => ({ ...a })),
        });
      });
    },

    // Assets -----------------------------------------------------------------------------------
    assetKinds: () => {
      calls.push("assetKinds");
      return ctx.answer("assetKinds", structuredClone(mockAssetKinds));
    },
    listAssets: (kind) => {
      calls.push(`listAssets:${kind}`);
      return ctx.answer("listAssets", () => ok(ctx.current().assets[kind].map((a) => ({ ...a }))));
    },

    // Jobs and tokens (mockJobsTokens.ts), on the same portfolio state ------------------------
    ...jobsTokens,
    ...pastedTokens(ctx, jobsTokens),
  };
  return { backend, calls };
}

// ---------------------------------------------------------------------------------------------
// Inspect, refresh and revoke a pasted token (the jobs and the generated tokens live in
// mockJobsTokens.ts). A refreshed token is kept here, so copy/reveal/keep/forget look here first.

type PastedTokenMethods = Pick<
  Backend,
  "inspectToken" | "refreshToken" | "revokeToken" | "copyToken" | "revealToken" | "keepTokenInKeychain" | "forgetToken"
>;

function pastedTokens(ctx: MockContext, generated: Pick<Backend, "copyToken" | "revealToken" | "keepTokenInKeychain" | "forgetToken">): PastedTokenMethods {
  const { calls } = ctx;
  const ok = <T,>(data: T): Result<T, CommandError> => ({ status: "ok", data });
  const fail = <T,>(e: CommandError): Result<T, CommandError> => ({ status: "error", error: e });
  let counter = 1;

  const issue = (report: TokenReport): IssuedToken => {
    const token = `EAAGrefreshed${String(counter).padStart(4, "0")}${Math.random().toString(36).slice(2, 12)}Zx`;
    const handle = `refreshed-${String(counter++)}`;
    ctx.issued.set(handle, { token, report });
    ctx.known.set(token, report);
    return { handle, last_chars: token.slice(-4), length: token.length, post_check: report, post_check_error: null };
  };

  return {
    copyToken: (handle, clearAfterSecs) => {
      if (!ctx.issued.has(handle)) return generated.copyToken(handle, clearAfterSecs);
      calls.push(`copyToken:${handle}:${String(clearAfterSecs)}`);
      return ctx.answer("copyToken", () => ok({ clears_at_unix: nowUnix() + clearAfterSecs, clear_after_secs: clearAfterSecs }));
    },
    revealToken: (handle) => {
      const issued = ctx.issued.get(handle);
      if (!issued) return generated.revealToken(handle);
      calls.push(`revealToken:${handle}`);
      return ctx.answer("revealToken", () => ok(issued.token));
    },
    keepTokenInKeychain: (handle, label) => {
      if (!ctx.issued.has(handle)) return generated.keepTokenInKeychain(handle, label);
      calls.push(`keepTokenInKeychain:${handle}:${label}`);
      return ctx.answer("keepTokenInKeychain", null);
    },
    forgetToken: (handle) => {
      if (!ctx.issued.has(handle)) return generated.forgetToken(handle);
      calls.push(`forgetToken:${handle}`);
      ctx.issued.delete(handle);
      return ctx.answer("forgetToken", null);
    },
    inspectToken: (token) => {
      // Never log the token itself.
      calls.push("inspectToken");
      return ctx.answer("inspectToken", () => {
        const report = ctx.known.get(token.trim());
        if (report) return ok(structuredClone(report));
        return fail(
          error(
            "token_invalid",
            "Meta does not recognise this token.",
            "Check that you pasted the whole token. If it was revoked or belongs to a deleted system user, generate a new one.",
            "Invalid OAuth access token - Cannot parse access token (Graph code 190, trace AmDemo)",
            "token",
          ),
        );
      });
    },
    refreshToken: (token) => {
      calls.push("refreshToken");
      return ctx.answer("refreshToken", () => {
        const report = ctx.known.get(token.trim());
        if (!report?.valid) {
          return fail(error("token_invalid", "This token cannot be refreshed because it no longer works.", "Generate a new token for the system user instead."));
        }
        if (report.never_expires) {
          return fail(error("not_refreshable", "This token never expires, so there is nothing to refresh.", null));
        }
        const now = nowUnix();
        return ok(issue({ ...report, issued_at_unix: now, expires_at_unix: now + 60 * DAY, expires_in_days: 60 }));
      });
    },
    revokeToken: (token) => {
      calls.push("revokeToken");
      return ctx.answer("revokeToken", () => {
        const report = ctx.known.get(token.trim());
        if (!report) return fail(error("token_invalid", "Meta does not recognise this token.", "Check that you pasted the whole token."));
        ctx.known.set(token.trim(), { ...report, valid: false });
        return ok({ already_invalid: !report.valid });
      });
    },
  };
}
