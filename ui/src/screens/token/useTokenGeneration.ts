// Generating a token, as the dialog follows it: the engine's step reached, its error, and the
// issued token (a handle and its last characters: the token itself stays in Rust) until the
// copy-once dialog closes.
import { useReducer, useState } from "react";
import { useBackend } from "../../backend/context";
import type { IssuedToken, TokenRequest, TokenStep } from "../../backend/types";
import type { CommandError } from "../../bindings";

interface GenerationState {
  running: boolean;
  /** The step the engine reported last (it stays after a run, to show where a failed one stopped). */
  at: TokenStep | null;
  /** Why no token was generated. */
  error: CommandError | null;
}

type GenerationAction =
  | { type: "started" }
  | { type: "step"; step: TokenStep }
  | { type: "failed"; error: CommandError }
  | { type: "finished" }
  | { type: "clear-error" }
  | { type: "reset" };

const idle: GenerationState = { running: false, at: null, error: null };

function generationReducer(state: GenerationState, action: GenerationAction): GenerationState {
  switch (action.type) {
    case "started":
      return { running: true, at: null, error: null };
    case "step":
      return { ...state, at: action.step };
    case "failed":
      return { ...state, running: false, error: action.error };
    case "finished":
      return { ...state, running: false };
    case "clear-error":
      return { ...state, error: null };
    case "reset":
      return idle;
  }
}

export interface TokenGeneration extends GenerationState {
  /** The generated token, until `reset`. */
  token: IssuedToken | null;
  /** Asks the engine for the token (once: it is never retried). */
  generate: (request: TokenRequest) => Promise<void>;
  clearError: () => void;
  /** Forgets the run and the token (the dialog closed). */
  reset: () => void;
}

/** `onGenerated` runs when a token was generated for `request` (its app is installed then). */
export function useTokenGeneration(onGenerated: (request: TokenRequest) => void): TokenGeneration {
  const backend = useBackend();
  const [state, dispatch] = useReducer(generationReducer, idle);
  const [token, setToken] = useState<IssuedToken | null>(null);

  const generate = async (request: TokenRequest) => {
    dispatch({ type: "started" });
    const result = await backend.generateToken(request, (step) => dispatch({ type: "step", step }));
    if (result.status === "error") {
      dispatch({ type: "failed", error: result.error });
      return;
    }
    dispatch({ type: "finished" });
    onGenerated(request);
    setToken(result.data);
  };

  return {
    ...state,
    token,
    generate,
    clearError: () => dispatch({ type: "clear-error" }),
    reset: () => {
      dispatch({ type: "reset" });
      setToken(null);
    },
  };
}
