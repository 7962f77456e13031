import type { CommandError } from "../bindings";

/** The shape of a command that can fail, as the generated bindings return it. */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

/** A failure that is not a command's own error (an ACL denial, a crash, a bug in a query), as
 * one plain error the screens can show. */
export function unexpectedError(cause: unknown): CommandError {
  return {
    code: "internal",
    message: "Something went wrong inside Gatehouse.",
    fix: "Try again. If it keeps happening, restart Gatehouse.",
    detail: cause instanceof Error ? cause.message : String(cause),
    field: null,
  };
}
