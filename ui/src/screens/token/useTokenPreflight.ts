// The engine's readiness check for a token request: what Meta will refuse, said before asking.
import { useState } from "react";
import { useBackend } from "../../backend/context";
import type { Result } from "../../backend/result";
import type { Preflight, TokenRequest } from "../../backend/types";
import type { CommandError } from "../../bindings";

export type Loaded<T> = { phase: "loading" } | { phase: "done"; result: Result<T, CommandError> };

export interface TokenPreflight {
  /** The last check, or null before one runs (or after the app changed). */
  preflight: Loaded<Preflight> | null;
  /** The check ran and every blocking one passed: generating may start. */
  ready: boolean;
  /** Runs the check (again) for this request. */
  run: (request: TokenRequest) => Promise<void>;
  clear: () => void;
}

export function useTokenPreflight(): TokenPreflight {
  const backend = useBackend();
  const [preflight, setPreflight] = useState<Loaded<Preflight> | null>(null);

  const run = async (request: TokenRequest) => {
    setPreflight({ phase: "loading" });
    const result = await backend.tokenPreflight(request);
    setPreflight({ phase: "done", result });
  };

  const ready = preflight?.phase === "done" && preflight.result.status === "ok" && preflight.result.data.ready;
  return { preflight, ready, run, clear: () => setPreflight(null) };
}
