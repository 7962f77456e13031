// Reads go through @tanstack/react-query; commands answer with a `Result`. `unwrap` turns an
// error answer into a thrown `CommandFailure` (what a query function must do to fail), and
// `commandError` turns whatever a query or mutation failed with back into the `CommandError` the
// screens show (ErrorCallout), so error UI is the same as for a direct call.
import { QueryClient } from "@tanstack/react-query";
import type { CommandError } from "../bindings";
import { unexpectedError, type Result } from "./result";

/** A command's error, thrown so a query or mutation fails with it. */
export class CommandFailure extends Error {
  readonly error: CommandError;
  constructor(error: CommandError) {
    super(error.message);
    this.name = "CommandFailure";
    this.error = error;
  }
}

/** The data of an ok answer; an error answer is thrown as a `CommandFailure`. */
export async function unwrap<T>(answer: Promise<Result<T, CommandError>>): Promise<T> {
  const result = await answer;
  if (result.status === "error") throw new CommandFailure(result.error);
  return result.data;
}

/** The error a query or mutation failed with, as the screens show it. */
export function commandError(failure: unknown): CommandError {
  if (failure instanceof CommandFailure) return failure.error;
  // Not a command's answer (a bug in a query function).
  return unexpectedError(failure);
}

/**
 * The app's query client (one per app, and a fresh one per test render). Nothing is retried: a
 * write must never be sent twice, and the engine already paces and retries its calls to Meta
 * (retrying a throttled read would only make Meta wait longer). Reads are fetched when a screen
 * shows them and after a change, not when the window regains focus (each read may cost Meta
 * calls against the portfolio's rate limit).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
      mutations: { retry: false },
    },
  });
}
