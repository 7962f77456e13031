import { Channel } from "@tauri-apps/api/core";
import { commands, type CommandError } from "../bindings";
import type { Backend } from "./backend";
import { unexpectedError, type Result } from "./result";
import type { AssetRow, JobEvent, TokenStep } from "./types";

function isCommandError(value: unknown): value is CommandError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

/** Every command result reaches the screens as a `Result` with a proper `CommandError`. */
function settle<T>(call: Promise<Result<T, CommandError>>): Promise<Result<T, CommandError>> {
  return call.then(
    (result) =>
      result.status === "error" && !isCommandError(result.error)
        ? { status: "error", error: unexpectedError(result.error) }
        : result,
    (cause: unknown) => ({ status: "error", error: unexpectedError(cause) }),
  );
}

/** Commands that cannot fail in Rust, in the same `Result` shape as the others. */
function infallible<T>(call: Promise<T>): Promise<Result<T, CommandError>> {
  return settle(call.then((data) => ({ status: "ok", data })));
}

/** A channel whose messages go to `listener`. */
function channel<T>(listener: (message: T) => void): Channel<T> {
  const ch = new Channel<T>();
  ch.onmessage = listener;
  return ch;
}

/** The real backend: the generated, typed Tauri commands. */
export const tauriBackend: Backend = {
  appInfo: () => infallible(commands.appInfo()),
  keyringStatus: () => settle(commands.keyringStatus()),
  checkCompatibility: () => settle(commands.checkCompatibility()),

  listPortfolios: () => settle(commands.listPortfolios()),
  switchPortfolio: (id) => settle(commands.switchPortfolio(id)),
  checkConnection: (form) => settle(commands.checkConnection(form)),
  claimAppForConnection: (form) => settle(commands.claimAppForConnection(form)),
  savePortfolio: (form) => settle(commands.savePortfolio(form)),
  confirmGraphUrl: (id, url) => settle(commands.confirmGraphUrl(id, url)),
  signInWithMeta: (form) => settle(commands.signInWithMeta(form)),
  checkBusiness: (businessId) => settle(commands.checkBusiness(businessId)),
  auditLog: (filter) => settle(commands.auditLog(filter)),
  verifyAuditLog: () => settle(commands.verifyAuditLog()),
  exportAuditLog: (filter, format) => settle(commands.exportAuditLog(filter, format)),
  tokenInventory: (all) => settle(commands.tokenInventory(all)),
  clientLinks: () => settle(commands.clientLinks()),
  linkClient: (clientBusinessId, clientAdminToken) => settle(commands.linkClient(clientBusinessId, clientAdminToken)),
  linkDemoClient: (clientBusinessId) => settle(commands.linkDemoClient(clientBusinessId)),
  clientToken: (clientBusinessId, scopes, systemUserName) => settle(commands.clientToken(clientBusinessId, scopes, systemUserName)),
  clientAssets: (clientBusinessId, kind) => settle(commands.clientAssets(clientBusinessId, kind)),
  assignClientAssets: (clientBusinessId, systemUserId, assignments) =>
    settle(commands.assignClientAssets(clientBusinessId, systemUserId, assignments)),
  forgetClientAdminToken: () => infallible(commands.forgetClientAdminToken()),
  unlinkClient: (clientBusinessId) => settle(commands.unlinkClient(clientBusinessId)),
  accessMatrix: (onProgress) => settle(commands.accessMatrix(channel(onProgress))),
  exportAccessMatrix: (format) => settle(commands.exportAccessMatrix(format)),
  exportLeastPrivilege: (format) => settle(commands.exportLeastPrivilege(format)),
  agencyConsole: () => settle(commands.agencyConsole()),
  notifyTokenExpiry: (withinDays) => settle(commands.notifyTokenExpiry(withinDays)),
  tokenExpiryNotice: (withinDays) => settle(commands.tokenExpiryNotice(withinDays)),
  refreshKeptToken: (hash) => settle(commands.refreshKeptToken(hash)),
  revokeKeptToken: (hash) => settle(commands.revokeKeptToken(hash)),
  tokenRescueGuide: (portfolioId, hash, rescueCase, ownerName) => settle(commands.tokenRescueGuide(portfolioId, hash, rescueCase, ownerName)),
  invalidateSystemUserTokens: (systemUserId) => settle(commands.invalidateSystemUserTokens(systemUserId)),
  checkDrift: (id, onProgress) => settle(commands.checkDrift(id, channel(onProgress))),
  exportTokenCalendar: (all) => settle(commands.exportTokenCalendar(all)),
  setUpGatehouse: (businessId, choice, label) => settle(commands.setUpGatehouse(businessId, choice, label)),
  cancelSignIn: () => infallible(commands.cancelSignIn()),
  removePortfolio: (id) => settle(commands.removePortfolio(id)),

  portfolioOverview: () => settle(commands.portfolioOverview()),
  claimApp: (appId) => settle(commands.claimApp(appId)),
  createSystemUser: (name, role) => settle(commands.createSystemUser(name, role)),
  renameSystemUser: (systemUserId, name) => settle(commands.renameSystemUser(systemUserId, name)),
  accessCounts: () => settle(commands.accessCounts()),
  systemUserAccess: (systemUserId) => settle(commands.systemUserAccess(systemUserId)),

  assetKinds: () => infallible(commands.assetKinds()),
  streamAssets: (kind, onRows) => settle(commands.streamAssets(kind, channel<AssetRow[]>(onRows))),
  reviewChanges: (systemUserId, changes) => settle(commands.reviewChanges(systemUserId, changes)),
  createJob: (systemUserId, systemUserName, changes) =>
    settle(commands.createJob(systemUserId, systemUserName, changes)),
  runJob: (jobId, onEvent) => settle(commands.runJob(jobId, channel<JobEvent>(onEvent))),
  cancelJob: (jobId) => infallible(commands.cancelJob(jobId)),
  retryFailed: (jobId) => settle(commands.retryFailed(jobId)),
  discardJob: (jobId) => settle(commands.discardJob(jobId)),
  unfinishedJobs: () => settle(commands.unfinishedJobs()),
  jobReport: (jobId) => settle(commands.jobReport(jobId)),

  scopeCatalog: () => infallible(commands.scopeCatalog()),
  tokenApps: (systemUserId) => settle(commands.tokenApps(systemUserId)),
  tokenPreflight: (request) => settle(commands.tokenPreflight(request)),
  installApp: (systemUserId, appId) => settle(commands.installApp(systemUserId, appId)),
  generateToken: (request, onStep) =>
    settle(commands.generateToken(request, channel<TokenStep>(onStep))),
  copyToken: (handle, clearAfterSecs) => settle(commands.copyToken(handle, clearAfterSecs)),
  revealToken: (handle) => settle(commands.revealToken(handle)),
  keepTokenInKeychain: (handle) => settle(commands.keepTokenInKeychain(handle)),
  forgetToken: (handle) => settle(commands.forgetToken(handle)),
  inspectToken: (token) => settle(commands.inspectToken(token)),
  refreshToken: (token) => settle(commands.refreshToken(token)),
  revokeToken: (token) => settle(commands.revokeToken(token)),
};
