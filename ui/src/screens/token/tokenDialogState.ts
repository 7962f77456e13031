// What a person has chosen in the Generate a token dialog, kept in one reducer: the step, the
// app (and the apps installed while the dialog is open), the lifetime and the permissions. Reads
// (the apps, the scope catalog) live in queries; the readiness check in useTokenPreflight, the
// generation in useTokenGeneration. Nothing here holds a token.
import type { AppChoice, ScopeCatalog, ScopeInfo, StepInfo, TokenExpiry, TokenRequest, TokenStep } from "../../backend/types";
import type { CommandError } from "../../bindings";

/** The dialog's steps, in order. */
export const tokenSteps = ["app", "expiry", "permissions", "check"] as const;
export type Step = (typeof tokenSteps)[number];

export interface TokenDialogState {
  step: Step;
  /** The app picked; until one is, the one usable app (when there is exactly one). */
  chosenAppId: string | null;
  /** Apps installed on the system user since the dialog opened (by Install, or by generating). */
  installed: ReadonlySet<string>;
  /** Install was pressed and has not answered yet. */
  installing: boolean;
  /** Why the app was not installed. */
  installError: CommandError | null;
  expiry: TokenExpiry;
  /** The permissions ticked (what they need is added by resolveScopes, not kept here). */
  chosen: readonly string[];
}

export const initialTokenDialogState: TokenDialogState = {
  step: "app",
  chosenAppId: null,
  installed: new Set(),
  installing: false,
  installError: null,
  expiry: "sixty_days",
  chosen: [],
};

export type TokenDialogAction =
  | { type: "choose-app"; appId: string }
  | { type: "install-started" }
  | { type: "install-failed"; error: CommandError }
  /** The app is on the system user now (installed, or a token was generated with it). */
  | { type: "installed"; appId: string }
  | { type: "set-expiry"; expiry: TokenExpiry }
  | { type: "choose-scopes"; scopes: readonly string[] }
  | { type: "next" }
  | { type: "back" }
  /** The dialog closed: what was chosen is forgotten. */
  | { type: "reset" };

function moved(step: Step, by: 1 | -1): Step {
  return tokenSteps[tokenSteps.indexOf(step) + by] ?? step;
}

export function tokenDialogReducer(state: TokenDialogState, action: TokenDialogAction): TokenDialogState {
  switch (action.type) {
    case "choose-app":
      return { ...state, chosenAppId: action.appId, installError: null };
    case "install-started":
      return { ...state, installing: true, installError: null };
    case "install-failed":
      return { ...state, installing: false, installError: action.error };
    case "installed":
      return { ...state, installing: false, installed: new Set(state.installed).add(action.appId) };
    case "set-expiry":
      return { ...state, expiry: action.expiry };
    case "choose-scopes":
      return { ...state, chosen: action.scopes };
    case "next":
      return { ...state, step: moved(state.step, 1) };
    case "back":
      return { ...state, step: moved(state.step, -1) };
    case "reset":
      return initialTokenDialogState;
  }
}

/** The app the token is for: as picked, or the only one that can be used. */
export function appIdOf(state: TokenDialogState, apps: readonly AppChoice[]): string | null {
  if (state.chosenAppId !== null) return state.chosenAppId;
  const usable = apps.filter((a) => a.usable);
  return usable.length === 1 ? (usable[0]?.id ?? null) : null;
}

/** The app is on the system user: Meta said so, or it was installed since the dialog opened. */
export function isInstalled(state: TokenDialogState, app: AppChoice | null): boolean {
  return app ? app.installed || state.installed.has(app.id) : false;
}

/** The app was installed from this dialog (Meta had not had it). */
export function wasJustInstalled(state: TokenDialogState, app: AppChoice | null): boolean {
  return app !== null && state.installed.has(app.id) && !app.installed;
}

/** Next can be pressed: an app that can be used (not being installed), any lifetime, a permission. */
export function canMoveOn(state: TokenDialogState, app: AppChoice | null): boolean {
  switch (state.step) {
    case "app":
      return app !== null && app.usable && !state.installing;
    case "expiry":
      return true;
    case "permissions":
      return state.chosen.length > 0;
    case "check":
      return false;
  }
}

/**
 * Every scope the chosen ones need, and for each added one, which chosen scopes need it. The
 * engine's catalog already lists each scope's whole (transitive) dependency set; this only reads it.
 */
export function resolveScopes(catalog: ScopeCatalog, chosen: readonly string[]) {
  const byName = new Map<string, ScopeInfo>(catalog.groups.flatMap((g) => g.scopes).map((s) => [s.name, s]));
  const all = new Set(chosen);
  const neededBy = new Map<string, Set<string>>();
  for (const root of chosen) {
    for (const dep of byName.get(root)?.depends_on ?? []) {
      all.add(dep);
      if (!chosen.includes(dep)) neededBy.set(dep, (neededBy.get(dep) ?? new Set<string>()).add(root));
    }
  }
  return { all: [...all], neededBy };
}

/** What to ask the engine for: the app, every needed scope and the lifetime. */
export function tokenRequestOf(
  systemUserId: string,
  app: AppChoice | null,
  scopes: string[],
  expiry: TokenExpiry,
): TokenRequest | null {
  return app ? { system_user_id: systemUserId, app_id: app.id, scopes, expiry } : null;
}

/** The date `days` from now, in words (the engine says how many days a token lives). */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86400 * 1000).toLocaleDateString(undefined, {
    year: "numeric",
    month: "long",
    day: "numeric",
  });
}

export type StepState = "done" | "current" | "failed" | "pending";

export interface ProgressStep {
  id: TokenStep;
  label: string;
  state: StepState;
}

/** Where a generation is: running, the step the engine reported last, and whether it failed. */
export interface GenerationProgress {
  running: boolean;
  at: TokenStep | null;
  failed: boolean;
}

/**
 * The generation's steps as the progress list shows them, or null while there is nothing to
 * show. The engine's steps, in its order and words ("done" is where they end, not a step to
 * show; installing is left out when the app is installed already).
 */
export function progressOf(
  steps: readonly StepInfo[],
  run: GenerationProgress,
  appInstalled: boolean,
): ProgressStep[] | null {
  const order: TokenStep[] = steps.map((s) => s.step);
  const stateOf = (id: TokenStep): StepState => {
    if (!run.at) return "pending";
    const a = order.indexOf(id);
    const b = order.indexOf(run.at);
    // The step a failed run stopped at is marked as such, not as still running.
    return a < b ? "done" : a === b ? (run.failed ? "failed" : "current") : "pending";
  };
  if (!run.running && stateOf("generating") === "pending") return null;
  return steps
    .filter((s) => s.step !== "done" && (s.step !== "installing_app" || !appInstalled))
    .map((s) => ({ id: s.step, label: s.label, state: stateOf(s.step) }));
}
