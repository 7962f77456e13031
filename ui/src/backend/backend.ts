import type { Channel } from "@tauri-apps/api/core";
import type { CommandError, commands } from "../bindings";
import type { Result } from "./result";

// Everything the UI asks of the Rust side, derived from the generated bindings: a command added,
// removed or changed in Rust changes this type, so a screen that calls it wrong does not compile.
// The command docs live on the Rust functions (crates/gatehouse-commands).

type Commands = typeof commands;

/** A command's progress channel, as the screens take it: a plain callback. */
type Callbacks<Args> = { [I in keyof Args]: Args[I] extends Channel<infer Message> ? (message: Message) => void : Args[I] };

/** Every answer as a `Result`; the commands that cannot fail get the same shape. */
type Answer<R> = R extends { status: "ok"; data: unknown } | { status: "error"; error: unknown }
  ? R
  : Result<R, CommandError>;

/**
 * Screens talk to this only: `tauriBackend` in the app, the same `tauriBackend` over the dev/test
 * host in the UI's tests and the browser preview.
 */
export type Backend = {
  [Name in keyof Commands]: (
    ...args: Callbacks<Parameters<Commands[Name]>>
  ) => Promise<Answer<Awaited<ReturnType<Commands[Name]>>>>;
};
