import { commands, type AppInfo, type CommandError } from "../bindings";
import type { Backend } from "./backend";
import type { Result } from "./result";

function isCommandError(value: unknown): value is CommandError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

/** Failures outside the command's own errors (an ACL denial, a crash) as one plain error. */
function unexpected(cause: unknown): CommandError {
  return {
    code: "internal",
    message: "Something went wrong inside Gatehouse.",
    fix: "Try again. If it keeps happening, restart Gatehouse.",
    detail: cause instanceof Error ? cause.message : String(cause),
    field: null,
  };
}

/** Every command result reaches the screens as a `Result` with a proper `CommandError`. */
function settle<T>(call: Promise<Result<T, CommandError>>): Promise<Result<T, CommandError>> {
  return call.then(
    (result) =>
      result.status === "error" && !isCommandError(result.error)
        ? { status: "error", error: unexpected(result.error) }
        : result,
    (cause: unknown) => ({ status: "error", error: unexpected(cause) }),
  );
}

const unknownApp: AppInfo = { name: "Gatehouse", version: "unknown", os: "unknown" };

/** The real backend: the generated, typed Tauri commands. */
export const tauriBackend: Backend = {
  appInfo: () => commands.appInfo().catch(() => unknownApp),
  keyringStatus: () => settle(commands.keyringStatus()),
  portfolioOverview: () => settle(commands.portfolioOverview()),
  createSystemUser: (name, role) => settle(commands.createSystemUser(name, role)),
  renameSystemUser: (systemUserId, name) => settle(commands.renameSystemUser(systemUserId, name)),
};
