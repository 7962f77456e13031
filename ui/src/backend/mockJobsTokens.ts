import type { CommandError } from "../bindings";
import type { Backend } from "./backend";
import type { MockContext } from "./mockBackend";
import type { Result } from "./result";
import type {
  AccessLevel,
  AppChoice,
  AssetChange,
  AssetKind,
  AssetKindInfo,
  AssetRow,
  IssuedToken,
  JobItem,
  JobReport,
  JobStatus,
  JobSummary,
  PreflightCheck,
  ScopeCatalog,
  ScopeInfo,
  TokenReport,
  TokenRequest,
} from "./types";
import tokenKindLabels from "../generated/token-kind-labels.json";

/** The jobs and tokens part of the Backend, as the mock implements it. */
export type JobsTokensMethods = Pick<
  Backend,
  | "createJob"
  | "runJob"
  | "cancelJob"
  | "retryFailed"
  | "discardJob"
  | "unfinishedJobs"
  | "jobReport"
  | "scopeCatalog"
  | "tokenApps"
  | "tokenPreflight"
  | "installApp"
  | "generateToken"
  | "copyToken"
  | "revealToken"
  | "keepTokenInKeychain"
  | "forgetToken"
>;

/** Asset kinds and lists, for tests and previews that need a given number of assets. */
export type AssetMethods = Pick<Backend, "assetKinds" | "listAssets">;

/**
 * What the jobs and tokens need from the rest of a mock backend, so assignments, installs and
 * issued tokens show up on the other screens. Without one, the mock keeps its own state.
 */
export interface JobsTokensHost {
  /** The open portfolio's assets of one kind (to tell owned from shared). */
  assets(kind: AssetKind): AssetRow[];
  portfolioId(): string;
  /** The apps offered for a system user's token, usable first. */
  apps(systemUserId: string): AppChoice[];
  install(systemUserId: string, appId: string): void;
  /** An item of a job went through. */
  applied(systemUserId: string, item: JobItem): void;
  /** A token was issued (so "Inspect a token" knows it). */
  issued(token: string, report: TokenReport): void;
}

export interface JobsTokensMockOptions {
  host?: JobsTokensHost;
  /** An error queued for a method (as `mockBackend`'s `errors` option): answered instead, once. */
  queuedError?: (method: keyof Backend) => Promise<CommandError | null>;
  /** Calls are logged here (share the main mock's log). */
  calls?: string[];
  /** How many assets of each kind the portfolio has (default: like the demo, 2,500 ad accounts). */
  assetCounts?: Partial<Record<AssetKind, number>>;
  /** How long `listAssets` takes (ms). */
  listDelayMs?: number;
  /** How long each job item takes (ms). */
  itemDelayMs?: number;
  /** Asset ids that fail the first time they are sent and succeed on a retry. */
  failOnce?: string[];
  /** Asset ids that always fail. */
  failAlways?: string[];
  /** Whether giving "Manage" on a client's asset fails, as Meta refuses it (default true). */
  clientManageFails?: boolean;
  /** After this many items of a run, Meta asks to slow down once (a `waiting` event); null: never. */
  slowDownAfter?: number | null;
  /** How long the mock actually pauses for a slow-down (ms). */
  slowDownMs?: number;
  /** An interrupted job for this system user, as if the app had closed mid-way. */
  interruptedJobFor?: { id: string; name: string } | null;
  /** Adds a blocking failure to every preflight. */
  preflightBlocked?: boolean;
  /** `generateToken` fails once with this error. */
  generateError?: CommandError | null;
  /** Delay of each token step (ms). */
  tokenStepMs?: number;
  apps?: AppChoice[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const ok = <T>(data: T): Result<T, CommandError> => ({ status: "ok", data });
const fail = <T>(error: CommandError): Result<T, CommandError> => ({ status: "error", error });
const err = (code: string, message: string, fix: string | null, detail: string | null = null): CommandError => ({
  code,
  message,
  fix,
  detail,
  field: null,
});

function task(name: string, label: string, description: string, write: boolean) {
  return { name, label, description, write };
}

/** The seven kinds with their tasks in plain words (mirrors the engine's table). */
export const mockAssetKinds: AssetKindInfo[] = [
  {
    kind: "page",
    removal_elsewhere: null,
    label: "Pages",
    singular: "Page",
    full_control: ["MANAGE", "CREATE_CONTENT", "MODERATE", "MESSAGING", "ADVERTISE", "ANALYZE"],
    tasks: [
      task("CREATE_CONTENT", "Publish content", "Create, edit and delete posts, stories and videos as the Page.", true),
      task("MESSAGING", "Send messages", "Read and answer the Page's Messenger conversations.", true),
      task("MODERATE", "Moderate comments", "Reply to, hide and delete comments on the Page.", true),
      task("ADVERTISE", "Run ads", "Create ads that run as the Page.", true),
      task("ANALYZE", "See insights", "Read the Page's statistics and how posts perform.", false),
      task("MANAGE", "Manage settings", "Change the Page's settings and who has access to it.", true),
    ],
    combinations: [],
  },
  {
    kind: "ad_account",
    removal_elsewhere: null,
    label: "Ad accounts",
    singular: "ad account",
    full_control: ["MANAGE", "ADVERTISE", "ANALYZE"],
    tasks: [
      task("ANALYZE", "View performance", "Read campaigns, results and spend. Changes nothing.", false),
      task("ADVERTISE", "Create and edit ads", "Create, edit, pause and delete campaigns and ads.", true),
      task("MANAGE", "Manage the account", "Change payment settings and who has access to the account.", true),
    ],
    combinations: [["ANALYZE"], ["ADVERTISE", "ANALYZE"], ["MANAGE", "ADVERTISE", "ANALYZE"]],
  },
  {
    kind: "catalog",
    removal_elsewhere: null,
    label: "Catalogs",
    singular: "catalog",
    full_control: ["MANAGE", "ADVERTISE", "MANAGE_AR", "AA_ANALYZE"],
    tasks: [
      task("MANAGE", "Manage products", "Add, update and delete products and product feeds.", true),
      task("ADVERTISE", "Advertise products", "Use the catalog's products in ads.", true),
      task("MANAGE_AR", "Manage AR effects", "Create augmented-reality try-on effects from products.", true),
      task("AA_ANALYZE", "View audience insights", "Read how shoppers interact with the catalog.", false),
    ],
    combinations: [],
  },
  {
    kind: "pixel",
    removal_elsewhere: "Meta's API cannot remove access to a pixel. Remove it in Business settings → Data sources → Datasets → Assigned people.",
    label: "Pixels and datasets",
    singular: "pixel",
    full_control: ["EDIT", "UPLOAD", "ADVERTISE", "ANALYZE", "AA_ANALYZE"],
    tasks: [
      task("UPLOAD", "Send events", "Send website, app and offline events (the Conversions API needs this).", true),
      task("ANALYZE", "View events", "Read received events and diagnostics.", false),
      task("ADVERTISE", "Use in ads", "Track and optimise ads with this dataset's events.", true),
      task("EDIT", "Change settings", "Change the dataset's settings and custom conversions.", true),
      task("AA_ANALYZE", "View audience insights", "Read the audience insights built from its events.", false),
    ],
    combinations: [],
  },
  {
    kind: "instagram",
    removal_elsewhere: null,
    label: "Instagram accounts",
    singular: "Instagram account",
    full_control: ["CONTENT", "MESSAGES", "COMMUNITY_ACTIVITY", "ADVERTISE", "ANALYZE"],
    tasks: [
      task("CONTENT", "Publish content", "Post photos, videos, reels and stories.", true),
      task("MESSAGES", "Send messages", "Read and answer direct messages.", true),
      task("COMMUNITY_ACTIVITY", "Manage comments", "Reply to, hide and delete comments.", true),
      task("ADVERTISE", "Run ads", "Run ads that use this Instagram account.", true),
      task("ANALYZE", "See insights", "Read the account's statistics.", false),
    ],
    combinations: [],
  },
  {
    kind: "whatsapp_business_account",
    removal_elsewhere: null,
    label: "WhatsApp accounts",
    singular: "WhatsApp account",
    full_control: ["MANAGE", "DEVELOP", "MANAGE_TEMPLATES", "MANAGE_PHONE", "VIEW_COST", "MESSAGING"],
    tasks: [
      task("MESSAGING", "Send messages", "Send and receive WhatsApp messages from the account's numbers.", true),
      task("MANAGE_TEMPLATES", "Manage message templates", "Create and edit the templates messages are sent from.", true),
      task("MANAGE_PHONE", "Manage phone numbers", "Add and configure the account's phone numbers.", true),
      task("VIEW_COST", "View costs", "Read what conversations cost.", false),
      task("DEVELOP", "Connect apps", "Connect apps and webhooks to the account.", true),
      task("MANAGE", "Manage the account", "Change settings and who has access.", true),
    ],
    combinations: [],
  },
  {
    kind: "app",
    removal_elsewhere: "Apps are not assigned through the API. Manage who can use an app in Business settings → Accounts → Apps.",
    label: "Apps",
    singular: "app",
    full_control: [],
    tasks: [],
    combinations: [],
  },
];

const defaultCounts: Record<AssetKind, number> = {
  page: 48,
  ad_account: 2500,
  catalog: 6,
  pixel: 14,
  instagram: 22,
  whatsapp_business_account: 3,
  app: 4,
};

const clients = ["Northwind Outdoor", "Lumen Dental", "Harbor & Vine", "Kestrel Bikes", "Orchard Foods", "Nova Fitness"];
const regions = ["US", "UK", "DE", "FR", "CA", "AU", "NL", "ES"];
const purposes = ["Search", "Prospecting", "Retargeting", "Brand", "Catalog sales", "Leads", "App installs"];

function makeRows(kind: AssetKind, count: number): AssetRow[] {
  const rows: AssetRow[] = [];
  for (let i = 0; i < count; i++) {
    const client = clients[i % clients.length] ?? "Client";
    const relation = i % 5 === 4 ? "client" : "owned";
    const n = String(i + 1).padStart(4, "0");
    switch (kind) {
      case "ad_account": {
        const accountId = String(200000000000000 + i * 7919);
        rows.push({
          kind,
          id: `act_${accountId}`,
          name: `${client} · ${purposes[i % purposes.length] ?? ""} ${regions[i % regions.length] ?? ""} ${n}`,
          relation,
          detail: `Account ${accountId}`,
        });
        break;
      }
      case "instagram":
        rows.push({
          kind,
          id: String(178400000000000 + i),
          name: `${client} ${regions[i % regions.length] ?? ""}`,
          relation,
          detail: `@${client.toLowerCase().replace(/[^a-z]/g, "")}.${String(i + 1)}`,
        });
        break;
      default: {
        const names: Record<AssetKind, string> = {
          page: "Page",
          ad_account: "",
          catalog: "Product catalog",
          pixel: "Website dataset",
          instagram: "",
          whatsapp_business_account: "WhatsApp support",
          app: "Integration app",
        };
        rows.push({
          kind,
          id: String(300000000000000 + i * 13 + kind.length * 1000000),
          name: `${client} ${names[kind]} ${n}`,
          relation,
          detail: null,
        });
      }
    }
  }
  return rows;
}

export const mockScopeCatalog: ScopeCatalog = {
  groups: [
    {
      name: "Ads and reporting",
      scopes: [
        s("ads_read", "Read ad accounts, campaigns and their results.", []),
        s("ads_management", "Create and change campaigns, ads and audiences, and send Conversions API events.", [
          "pages_read_engagement",
          "pages_show_list",
        ]),
        s("read_insights", "Read statistics of Pages and the apps' audiences.", ["pages_read_engagement", "pages_show_list"]),
        s("attribution_read", "Read attribution reports (which ads led to sales).", []),
        s("leads_retrieval", "Download the answers people give in lead forms.", []),
      ],
    },
    {
      name: "Business and catalogs",
      scopes: [
        s("business_management", "Read and manage the portfolio's assets and who can reach them.", [
          "pages_read_engagement",
          "pages_show_list",
        ]),
        s("catalog_management", "Add, update and delete products in catalogs.", ["business_management"]),
      ],
    },
    {
      name: "Pages",
      scopes: [
        s("pages_show_list", "See the list of Pages the system user has.", []),
        s("pages_read_engagement", "Read Pages' posts, followers and reactions.", ["pages_show_list"]),
        s("pages_manage_posts", "Publish, edit and delete posts as the Page.", ["pages_read_engagement", "pages_show_list"]),
        s("pages_manage_metadata", "Change Page settings and subscribe to Page events (webhooks).", ["pages_show_list"]),
        s("pages_read_user_content", "Read posts, comments and ratings people leave on the Page.", ["pages_show_list"]),
        s("pages_manage_engagement", "Reply to, hide and delete comments on the Page.", [
          "pages_read_user_content",
          "pages_show_list",
        ]),
        s("pages_messaging", "Send and receive Messenger messages as the Page.", ["pages_manage_metadata", "pages_show_list"]),
      ],
    },
    {
      name: "Instagram",
      scopes: [
        s("instagram_basic", "Read the Instagram account's profile and media.", ["pages_read_user_content", "pages_show_list"]),
        s("instagram_content_publish", "Publish photos, videos and reels.", [
          "instagram_basic",
          "pages_read_engagement",
          "pages_show_list",
        ]),
        s("instagram_manage_comments", "Reply to, hide and delete comments.", [
          "instagram_basic",
          "pages_read_engagement",
          "pages_show_list",
        ]),
        s("instagram_manage_insights", "Read the account's statistics.", [
          "instagram_basic",
          "pages_read_engagement",
          "pages_show_list",
        ]),
      ],
    },
    {
      name: "WhatsApp",
      scopes: [
        s("whatsapp_business_management", "Manage WhatsApp accounts, phone numbers and templates.", []),
        s("whatsapp_business_messaging", "Send and receive WhatsApp messages.", ["whatsapp_business_management"]),
      ],
    },
  ],
  presets: [
    {
      id: "capi",
      label: "Conversions API",
      description: "Send website and offline events from a server, as Stape or a shop plugin does.",
      scopes: ["ads_management"],
    },
    {
      id: "reporting",
      label: "Read-only reporting",
      description: "Dashboards such as Looker Studio: read results, change nothing.",
      scopes: ["ads_read", "read_insights"],
    },
    {
      id: "pages",
      label: "Page publishing",
      description: "Schedule and publish posts on Pages.",
      scopes: ["pages_manage_posts"],
    },
    {
      id: "catalog",
      label: "Catalog feed",
      description: "Keep a product catalog in sync with a shop.",
      scopes: ["catalog_management"],
    },
    {
      id: "whatsapp",
      label: "WhatsApp bot",
      description: "Send and answer WhatsApp messages from a chat tool.",
      scopes: ["whatsapp_business_messaging"],
    },
  ],
};

function s(name: string, sentence: string, depends_on: string[]): ScopeInfo {
  return { name, sentence, depends_on };
}

export const mockTokenApps: AppChoice[] = [
  { id: "880000000000001", name: "Brightline Reporting", usable: true, reason: null, installed: true },
  { id: "880000000000002", name: "Brightline CAPI Bridge", usable: true, reason: null, installed: false },
  {
    id: "880000000000003",
    name: "Shopfront Connector",
    usable: false,
    reason:
      "This app belongs to another portfolio (Shopfront Ltd). Only apps of this portfolio can issue tokens for its system users.",
    installed: false,
  },
  {
    id: "880000000000004",
    name: "Prototype Bot",
    usable: false,
    reason: "Its Marketing API access is below Limited. An admin of the app can request access in the App Dashboard.",
    installed: false,
  },
];

/** All scopes a set needs, dependencies included. */
function withDependencies(scopes: string[]): { all: string[]; added: string[] } {
  const byName = new Map(mockScopeCatalog.groups.flatMap((g) => g.scopes).map((sc) => [sc.name, sc]));
  const all = new Set(scopes);
  const queue = [...scopes];
  while (queue.length > 0) {
    const next = queue.shift();
    for (const dep of (next && byName.get(next)?.depends_on) ?? []) {
      if (!all.has(dep)) {
        all.add(dep);
        queue.push(dep);
      }
    }
  }
  return { all: [...all], added: [...all].filter((sc) => !scopes.includes(sc)) };
}

/** Assets, apps and installs kept by the jobs-and-tokens mock itself. */
function standaloneHost(options: JobsTokensMockOptions): JobsTokensHost {
  const assets = mockAssetRows(options.assetCounts);
  const apps = structuredClone(options.apps ?? mockTokenApps);
  return {
    assets,
    portfolioId: () => "demo",
    apps: () => apps,
    install: (_systemUserId, appId) => {
      const app = apps.find((a) => a.id === appId);
      if (app) app.installed = true;
    },
    applied: () => undefined,
    issued: () => undefined,
  };
}

/** Generated assets, made once per kind on first use. */
export function mockAssetRows(assetCounts?: Partial<Record<AssetKind, number>>): (kind: AssetKind) => AssetRow[] {
  const counts = { ...defaultCounts, ...assetCounts };
  const lists = new Map<AssetKind, AssetRow[]>();
  return (kind) => {
    let rows = lists.get(kind);
    if (!rows) {
      rows = makeRows(kind, counts[kind]);
      lists.set(kind, rows);
    }
    return rows;
  };
}

/** Asset kinds and lists of any size (10,000 ad accounts for the virtual list's test). */
export function mockAssets(
  options: { calls?: string[]; assetCounts?: Partial<Record<AssetKind, number>>; listDelayMs?: number } = {},
): AssetMethods {
  const calls = options.calls ?? [];
  const rowsOf = mockAssetRows(options.assetCounts);
  return {
    assetKinds: () => {
      calls.push("assetKinds");
      return Promise.resolve(ok(structuredClone(mockAssetKinds)));
    },
    listAssets: async (kind) => {
      calls.push(`listAssets:${kind}`);
      await sleep(options.listDelayMs ?? 0);
      return ok(rowsOf(kind));
    },
  };
}

type Job = { summary: JobSummary; items: JobItem[]; cancel: boolean; attempts: Map<string, number>; discarded?: boolean };

/**
 * Realistic jobs and tokens for the mock backend: thousands of assets, jobs that run item by item
 * with progress, slow-downs, failures that a retry fixes, cancel after the item in flight, an
 * interrupted job to resume; apps with reasons, a preflight, token steps and a token kept "in Rust".
 */
export function mockJobsTokens(options: JobsTokensMockOptions = {}): JobsTokensMethods {
  const calls = options.calls ?? [];
  const itemDelay = options.itemDelayMs ?? 40;
  const failOnce = new Set(options.failOnce ?? []);
  const failAlways = new Set(options.failAlways ?? []);
  const slowDownAfter = options.slowDownAfter === undefined ? 60 : options.slowDownAfter;
  const slowDownMs = options.slowDownMs ?? 1500;
  const stepMs = options.tokenStepMs ?? 300;
  let generateError = options.generateError ?? null;
  const jobs = new Map<string, Job>();
  const tokens = new Map<string, string>();
  let nextJob = 1;
  let nextToken = 1;
  const now = () => Math.floor(Date.now() / 1000);
  const host = options.host ?? standaloneHost(options);
  const rowsOf = (kind: AssetKind) => host.assets(kind);
  const appOf = (systemUserId: string, appId: string) => host.apps(systemUserId).find((a) => a.id === appId);

  const recount = (job: Job) => {
    const s = job.summary;
    s.succeeded = job.items.filter((i) => i.status === "succeeded").length;
    s.failed = job.items.filter((i) => i.status === "failed").length;
    s.pending = job.items.filter((i) => i.status === "pending").length;
    s.total = job.items.length;
  };
  const report = (job: Job): JobReport => structuredClone({ summary: job.summary, items: job.items });

  if (options.interruptedJobFor) {
    const su = options.interruptedJobFor;
    const rows = rowsOf("ad_account").slice(0, 40);
    const job: Job = {
      summary: {
        id: "job-interrupted",
        portfolio_id: "demo",
        system_user_id: su.id,
        system_user_name: su.name,
        status: "interrupted",
        created_at_unix: now() - 3600,
        total: 0,
        succeeded: 0,
        failed: 0,
        pending: 0,
      },
      items: rows.map((r, i) => ({
        kind: r.kind,
        asset_id: r.id,
        asset_name: r.name,
        action: "assign",
        tasks: ["ANALYZE"],
        status: i < 15 ? "succeeded" : "pending",
        error: null,
      })),
      cancel: false,
      attempts: new Map(),
    };
    recount(job);
    jobs.set(job.summary.id, job);
  }

  const itemError = (item: JobItem): JobItem["error"] => {
    const row = rowsOf(item.kind).find((r) => r.id === item.asset_id);
    if (row?.relation === "client" && item.tasks.includes("MANAGE")) {
      return {
        code: "task_not_permitted",
        message: `The client shared “${item.asset_name}” with your portfolio without the right to manage it, so you cannot pass that on.`,
        fix: "Choose Partial access without “Manage”, or ask the client to give your portfolio full control.",
        detail: "(#100) Permissions error: task MANAGE is not in permitted_tasks (Graph code 100, subcode 1752129, trace AmockTrace1)",
      };
    }
    return {
      code: "graph_temporary",
      message: `Meta had a temporary problem with “${item.asset_name}”.`,
      fix: "Retry: these usually go through the second time.",
      detail: "(#2) An unexpected error has occurred. Please retry your request later. (Graph code 2, is_transient, trace AmockTrace2)",
    };
  };

  const validate = (changes: AssetChange[]): CommandError | null => {
    if (changes.length === 0) return err("invalid_input", "There is nothing to change.", "Choose at least one asset.");
    for (const change of changes) {
      const info = mockAssetKinds.find((k) => k.kind === change.kind);
      if (!info) return err("invalid_input", `Unknown asset kind ${change.kind}.`, null);
      if (change.action === "unassign") continue;
      const unknown = change.tasks.find((t) => !info.tasks.some((x) => x.name === t));
      if (unknown) {
        return err("invalid_tasks", `“${unknown}” is not something a system user can do on a ${info.singular}.`, null);
      }
      if (info.tasks.length > 0 && change.tasks.length === 0) {
        return err("invalid_tasks", `Choose what the system user may do on “${change.asset_name}”.`, null);
      }
      if (info.combinations.length > 0) {
        const sorted = [...change.tasks].sort().join(",");
        if (!info.combinations.some((c) => [...c].sort().join(",") === sorted)) {
          return err(
            "invalid_tasks",
            `Meta does not accept this mix of tasks on ${info.label.toLowerCase()}.`,
            "Pick one of the offered choices.",
          );
        }
      }
    }
    return null;
  };

  const methods: JobsTokensMethods = {
    createJob: (systemUserId, systemUserName, changes) => {
      calls.push(`createJob:${systemUserId}:${String(changes.length)}`);
      const problem = validate(changes);
      if (problem) return Promise.resolve(fail(problem));
      const id = `job-${String(nextJob++)}`;
      const job: Job = {
        summary: {
          id,
          portfolio_id: host.portfolioId(),
          system_user_id: systemUserId,
          system_user_name: systemUserName,
          status: "pending",
          created_at_unix: now(),
          total: 0,
          succeeded: 0,
          failed: 0,
          pending: 0,
        },
        items: changes.map((c) => ({ ...c, tasks: [...c.tasks], status: "pending", error: null })),
        cancel: false,
        attempts: new Map(),
      };
      recount(job);
      jobs.set(id, job);
      return Promise.resolve(ok(structuredClone(job.summary)));
    },
    runJob: async (jobId, onEvent) => {
      calls.push(`runJob:${jobId}`);
      const job = jobs.get(jobId);
      if (!job) return fail(err("job_not_found", "This change list no longer exists.", "Start again from the asset list."));
      job.cancel = false;
      const cancelled = () => job.cancel;
      job.summary.status = "running";
      let sentThisRun = 0;
      let slowedDown = false;
      for (const item of job.items) {
        if (item.status !== "pending") continue;
        if (cancelled()) break;
        if (slowDownAfter !== null && !slowedDown && sentThisRun === slowDownAfter) {
          slowedDown = true;
          onEvent({
            type: "waiting",
            job_id: jobId,
            until_unix: now() + Math.max(60, Math.round(slowDownMs / 1000)),
            reason: "Meta asked Gatehouse to slow down (too many changes in a short time).",
          });
          // Waits in slices, so a cancel during the pause stops at once.
          for (let waited = 0; waited < slowDownMs && !cancelled(); waited += 100) await sleep(Math.min(100, slowDownMs - waited));
          if (cancelled()) break;
        }
        await sleep(itemDelay);
        const attempts = (job.attempts.get(item.asset_id) ?? 0) + 1;
        job.attempts.set(item.asset_id, attempts);
        const fails =
          failAlways.has(item.asset_id) ||
          (failOnce.has(item.asset_id) && attempts === 1) ||
          ((options.clientManageFails ?? true) &&
            item.tasks.includes("MANAGE") &&
            rowsOf(item.kind).find((r) => r.id === item.asset_id)?.relation === "client");
        item.status = fails ? "failed" : "succeeded";
        item.error = fails ? itemError(item) : null;
        if (!fails) host.applied(job.summary.system_user_id, item);
        sentThisRun++;
        recount(job);
        onEvent({
          type: "progress",
          job_id: jobId,
          done: job.summary.succeeded + job.summary.failed,
          total: job.summary.total,
          succeeded: job.summary.succeeded,
          failed: job.summary.failed,
        });
      }
      recount(job);
      const status: JobStatus =
        job.summary.pending > 0 ? "cancelled" : job.summary.failed > 0 ? "completed_with_failures" : "completed";
      job.summary.status = status;
      onEvent({ type: "finished", summary: structuredClone(job.summary) });
      return ok(report(job));
    },
    cancelJob: (jobId) => {
      calls.push(`cancelJob:${jobId}`);
      const job = jobs.get(jobId);
      if (job) job.cancel = true;
      return Promise.resolve(ok(null));
    },
    discardJob: (jobId) => {
      calls.push(`discardJob:${jobId}`);
      const job = jobs.get(jobId);
      if (!job) return Promise.resolve(fail(err("job_not_found", "This change list no longer exists.", null)));
      if (job.summary.status === "running") {
        return Promise.resolve(fail(err("job_running", "This change is running now.", "Cancel it first, or wait for it to end.")));
      }
      job.discarded = true;
      if (job.summary.status === "pending" || job.summary.status === "interrupted") job.summary.status = "cancelled";
      return Promise.resolve(ok(structuredClone(job.summary)));
    },
    retryFailed: (jobId) => {
      calls.push(`retryFailed:${jobId}`);
      const job = jobs.get(jobId);
      if (!job) return Promise.resolve(fail(err("job_not_found", "This change list no longer exists.", null)));
      for (const item of job.items) {
        if (item.status === "failed") {
          item.status = "pending";
          item.error = null;
        }
      }
      recount(job);
      job.summary.status = "pending";
      return Promise.resolve(ok(structuredClone(job.summary)));
    },
    unfinishedJobs: () => {
      calls.push("unfinishedJobs");
      const list = [...jobs.values()]
        .filter((j) => !j.discarded && (j.summary.status === "interrupted" || j.summary.status === "cancelled"))
        .map((j) => structuredClone(j.summary))
        .sort((a, b) => (b.created_at_unix ?? 0) - (a.created_at_unix ?? 0));
      return Promise.resolve(ok(list));
    },
    jobReport: (jobId) => {
      calls.push(`jobReport:${jobId}`);
      const job = jobs.get(jobId);
      if (!job) return Promise.resolve(fail(err("job_not_found", "This change list no longer exists.", null)));
      return Promise.resolve(ok(report(job)));
    },

    scopeCatalog: () => {
      calls.push("scopeCatalog");
      return Promise.resolve(ok(structuredClone(mockScopeCatalog)));
    },
    tokenApps: (systemUserId) => {
      calls.push(`tokenApps:${systemUserId}`);
      return Promise.resolve(ok(structuredClone(host.apps(systemUserId))));
    },
    tokenPreflight: (request: TokenRequest) => {
      calls.push(`tokenPreflight:${request.app_id}:${request.scopes.join(",")}`);
      const app = appOf(request.system_user_id, request.app_id);
      const { all, added } = withDependencies(request.scopes);
      const checks: PreflightCheck[] = [
        { id: "system_user", ok: true, blocking: true, title: "The system user belongs to this portfolio", fix: null },
        {
          id: "app_usable",
          ok: app?.usable ?? false,
          blocking: true,
          title: "The app belongs to this portfolio and may issue tokens",
          fix: app?.reason ?? null,
        },
        {
          id: "app_installed",
          ok: app?.installed ?? false,
          blocking: false,
          title: "The app is installed on the system user",
          fix: app?.installed ? null : "Gatehouse installs it first when you generate the token.",
        },
        { id: "scopes_known", ok: true, blocking: true, title: "Meta knows every chosen permission", fix: null },
      ];
      if (all.some((sc) => sc.startsWith("whatsapp")) && app && /reporting/i.test(app.name)) {
        checks.push({
          id: "use_case",
          ok: false,
          blocking: true,
          title: "The app offers the WhatsApp permissions",
          fix: `In the App Dashboard, add the “Connect with customers through WhatsApp” use case to ${app.name}, or pick another app.`,
        });
      }
      if (options.preflightBlocked) {
        checks.push({
          id: "two_factor",
          ok: false,
          blocking: true,
          title: "Two-factor authentication is on for your own account",
          fix: "This portfolio requires it for admins who generate tokens. Turn it on in Meta's Accounts Center, then check again.",
        });
      }
      return Promise.resolve(
        ok({
          system_user_id: request.system_user_id,
          app_id: request.app_id,
          scopes: all,
          added_dependencies: added,
          checks,
          ready: checks.every((c) => c.ok || !c.blocking),
        }),
      );
    },
    installApp: async (systemUserId, appId) => {
      calls.push(`installApp:${systemUserId}:${appId}`);
      await sleep(stepMs);
      const app = appOf(systemUserId, appId);
      if (!app?.usable) return fail(err("app_not_usable", "This app cannot be installed on the system user.", app?.reason ?? null));
      host.install(systemUserId, appId);
      return ok(null);
    },
    generateToken: async (request, onStep) => {
      calls.push(`generateToken:${request.app_id}:${request.scopes.join(",")}:${request.expiry}`);
      const app = appOf(request.system_user_id, request.app_id);
      if (!app) return fail(err("app_not_found", "The app was not found.", null));
      if (!app.installed) {
        onStep("installing_app");
        await sleep(stepMs);
        host.install(request.system_user_id, app.id);
      }
      onStep("generating");
      await sleep(stepMs);
      if (generateError) {
        const e = generateError;
        generateError = null;
        return fail(e);
      }
      onStep("checking");
      await sleep(stepMs);
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
      let secret = "EAAG";
      for (let i = 0; i < 196; i++) secret += alphabet[Math.floor(Math.random() * alphabet.length)] ?? "x";
      const handle = `token-${String(nextToken++)}`;
      tokens.set(handle, secret);
      const issued = now();
      const { all } = withDependencies(request.scopes);
      const adAccounts = rowsOf("ad_account").slice(0, 3).map((r) => r.id.replace("act_", ""));
      const token: IssuedToken = {
        handle,
        last_chars: secret.slice(-4),
        length: secret.length,
        post_check: {
          kind: "system_user",
          kind_label: tokenKindLabels.system_user,
          app_id: app.id,
          application: app.name,
          user_id: request.system_user_id,
          issued_at_unix: issued,
          expires_at_unix: request.expiry === "never" ? null : issued + 60 * 86400,
          never_expires: request.expiry === "never",
          expires_in_days: request.expiry === "never" ? null : 60,
          scopes: all,
          scope_targets: all
            .filter((sc) => sc.startsWith("ads_"))
            .map((sc) => ({ scope: sc, target_ids: adAccounts })),
          valid: true,
          verified: true,
        },
        post_check_error: null,
      };
      host.issued(secret, token.post_check);
      onStep("done");
      return ok(token);
    },
    copyToken: (handle, clearAfterSecs) => {
      calls.push(`copyToken:${handle}:${String(clearAfterSecs)}`);
      if (!tokens.has(handle)) {
        return Promise.resolve(fail(err("token_gone", "This token is no longer in memory.", "Generate a new one.")));
      }
      return Promise.resolve(ok({ clears_at_unix: now() + clearAfterSecs, clear_after_secs: clearAfterSecs }));
    },
    revealToken: (handle) => {
      calls.push(`revealToken:${handle}`);
      const secret = tokens.get(handle);
      if (secret === undefined) {
        return Promise.resolve(fail(err("token_gone", "This token is no longer in memory.", "Generate a new one.")));
      }
      return Promise.resolve(ok(secret));
    },
    keepTokenInKeychain: (handle, label) => {
      calls.push(`keepTokenInKeychain:${handle}:${label}`);
      return Promise.resolve(tokens.has(handle) ? ok(null) : fail(err("token_gone", "This token is no longer in memory.", null)));
    },
    forgetToken: (handle) => {
      calls.push(`forgetToken:${handle}`);
      tokens.delete(handle);
      return Promise.resolve(ok(null));
    },
  };
  return options.queuedError ? withQueuedErrors(methods, options.queuedError) : methods;
}

/** Each method first answers the error queued for it, if any. */
function withQueuedErrors(
  methods: JobsTokensMethods,
  queuedError: (method: keyof Backend) => Promise<CommandError | null>,
): JobsTokensMethods {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods) as [keyof JobsTokensMethods, (...args: unknown[]) => unknown][]) {
    wrapped[name] = async (...args: unknown[]) => {
      const queued = await queuedError(name);
      if (queued) return fail(queued);
      return method(...args);
    };
  }
  return wrapped as JobsTokensMethods;
}

// ---------------------------------------------------------------------------------------------
// Plugging into mockBackend: its portfolio state becomes the host, its options the mock's.

function accessOf(kind: AssetKind, tasks: string[]): AccessLevel {
  const info = mockAssetKinds.find((k) => k.kind === kind);
  if (!info) return "write";
  if (info.full_control.length > 0 && info.full_control.every((t) => tasks.includes(t))) return "full";
  return info.tasks.some((t) => t.write && tasks.includes(t.name)) || kind === "app" ? "write" : "read";
}

/** The options that make `mockJobsTokens` work on `mockBackend`'s state (assets, apps, tokens). */
export function jobsTokensOptionsFrom(ctx: MockContext): JobsTokensMockOptions {
  const paced = (ctx.options.jobItemMs ?? 0) > 0;
  return {
    calls: ctx.calls,
    itemDelayMs: ctx.options.jobItemMs ?? 0,
    failAlways: ctx.options.failingAssets ?? [],
    slowDownAfter: paced ? 60 : null,
    slowDownMs: 2500,
    tokenStepMs: ctx.options.latencyMs ?? 0,
    queuedError: async (method) => {
      const answer = await ctx.answer(method, null);
      return answer.status === "error" ? answer.error : null;
    },
    host: {
      assets: (kind) => ctx.current().assets[kind],
      portfolioId: () => ctx.current().entry.id,
      apps: (systemUserId) => {
        const p = ctx.current();
        const installed = p.installed.get(systemUserId) ?? [];
        const choices = p.apps.map((a) => ({
          id: a.id,
          name: a.name,
          usable: a.usable,
          reason: a.reason,
          installed: installed.some((i) => i.id === a.id),
        }));
        return [...choices.filter((c) => c.usable), ...choices.filter((c) => !c.usable)];
      },
      install: (systemUserId, appId) => {
        const p = ctx.current();
        const app = p.apps.find((a) => a.id === appId);
        const list = p.installed.get(systemUserId) ?? [];
        if (app && !list.some((a) => a.id === appId)) p.installed.set(systemUserId, [...list, { id: app.id, name: app.name }]);
      },
      applied: (systemUserId, item) => {
        const p = ctx.current();
        const rest = (p.assigned.get(systemUserId) ?? []).filter((a) => !(a.kind === item.kind && a.id === item.asset_id));
        if (item.action === "assign") {
          rest.push({ kind: item.kind, id: item.asset_id, name: item.asset_name, tasks: [...item.tasks], access: accessOf(item.kind, item.tasks) });
        }
        p.assigned.set(systemUserId, rest);
      },
      issued: (token, report) => {
        ctx.known.set(token, report);
      },
    },
  };
}
