// What a person has chosen on the Assign assets screen, kept in one reducer: the step, the tab,
// and per asset kind the ticked assets, the access, the search and the filter. Reads (the kinds,
// the asset lists) live in queries; the running job in useJobRun.
import type { AssetChange, AssetKind, AssetKindInfo, AssetRow, Relation } from "../../backend/types";
import type { CommandError } from "../../bindings";
import { accessProblem, defaultAccess, tasksOf, type Access } from "./AccessPicker";

export type RelationFilter = "all" | Relation;
export type Step = "choose" | "review" | "run";

type PerKind<T> = Partial<Record<AssetKind, T>>;

export interface AssignState {
  step: Step;
  /** The tab chosen; until one is, the first kind's. */
  chosenKind: AssetKind | null;
  /** Kinds whose tab has been open: their lists are kept while the screen is. */
  visitedKinds: readonly AssetKind[];
  selected: PerKind<ReadonlySet<string>>;
  access: PerKind<Access>;
  queries: PerKind<string>;
  relations: PerKind<RelationFilter>;
  /** The review lists every asset, not only the first REVIEW_CAP of each kind. */
  showAllReview: boolean;
  /** The job is being created (Apply was pressed). */
  applying: boolean;
  /** Why the job could not be created: nothing was changed. */
  applyError: CommandError | null;
}

export const initialAssignState: AssignState = {
  step: "choose",
  chosenKind: null,
  visitedKinds: [],
  selected: {},
  access: {},
  queries: {},
  relations: {},
  showAllReview: false,
  applying: false,
  applyError: null,
};

export type AssignAction =
  /** Another tab; `shown` is the kind whose tab was open (its list is kept too). */
  | { type: "open-kind"; kind: AssetKind; shown: AssetKind | null }
  | { type: "select"; kind: AssetKind; ids: ReadonlySet<string> }
  | { type: "set-access"; kind: AssetKind; access: Access }
  | { type: "search"; kind: AssetKind; query: string }
  | { type: "filter"; kind: AssetKind; relation: RelationFilter }
  | { type: "review" }
  | { type: "back-to-choose" }
  | { type: "show-all-review" }
  | { type: "apply-started" }
  | { type: "apply-failed"; error: CommandError }
  /** A job (new, resumed or retried) started: its progress and results are shown. */
  | { type: "run-started" }
  /** After a job: a new choice, nothing ticked (access, searches and filters stay). */
  | { type: "assign-more" };

function withKind(kinds: readonly AssetKind[], kind: AssetKind | null): readonly AssetKind[] {
  return kind === null || kinds.includes(kind) ? kinds : [...kinds, kind];
}

export function assignReducer(state: AssignState, action: AssignAction): AssignState {
  switch (action.type) {
    case "open-kind":
      return {
        ...state,
        chosenKind: action.kind,
        visitedKinds: withKind(withKind(state.visitedKinds, action.shown), action.kind),
      };
    case "select":
      return { ...state, selected: { ...state.selected, [action.kind]: action.ids } };
    case "set-access":
      return { ...state, access: { ...state.access, [action.kind]: action.access } };
    case "search":
      return { ...state, queries: { ...state.queries, [action.kind]: action.query } };
    case "filter":
      return { ...state, relations: { ...state.relations, [action.kind]: action.relation } };
    case "review":
      return { ...state, step: "review", showAllReview: false, applyError: null };
    case "back-to-choose":
      return { ...state, step: "choose" };
    case "show-all-review":
      return { ...state, showAllReview: true };
    case "apply-started":
      return { ...state, applying: true, applyError: null };
    case "apply-failed":
      return { ...state, applying: false, applyError: action.error };
    case "run-started":
      return { ...state, step: "run", applying: false };
    case "assign-more":
      return { ...state, step: "choose", selected: {} };
  }
}

/** The open tab's kind. */
export function activeKindOf(state: AssignState, kinds: readonly AssetKindInfo[]): AssetKind | null {
  return state.chosenKind ?? kinds[0]?.kind ?? null;
}

/** The kinds whose lists are read: every tab opened so far, and the open one. */
export function listedKindsOf(state: AssignState, activeKind: AssetKind | null): readonly AssetKind[] {
  return withKind(state.visitedKinds, activeKind);
}

/** A kind's access: as chosen, or the least-privilege start. */
export function accessOf(state: AssignState, info: AssetKindInfo): Access {
  return state.access[info.kind] ?? defaultAccess(info);
}

/** The assets of one kind to assign, with the access they get. */
export interface ChangeGroup {
  info: AssetKindInfo;
  rows: AssetRow[];
  access: Access;
}

export interface ChangePlan {
  /** The exact changes, grouped by kind, in the kinds' order (kinds with nothing ticked left out). */
  groups: ChangeGroup[];
  totalSelected: number;
  /** What stops a review (an access with nothing to do), one per kind. */
  problems: string[];
}

export function changePlan(
  state: AssignState,
  kinds: readonly AssetKindInfo[],
  rowsOf: (kind: AssetKind) => AssetRow[],
): ChangePlan {
  const groups = kinds
    .map((info) => {
      const ids = state.selected[info.kind];
      const rows = ids && ids.size > 0 ? rowsOf(info.kind).filter((r) => ids.has(r.id)) : [];
      return { info, rows, access: accessOf(state, info) };
    })
    .filter((g) => g.rows.length > 0);
  return {
    groups,
    totalSelected: groups.reduce((sum, g) => sum + g.rows.length, 0),
    problems: groups.map((g) => accessProblem(g.info, g.access)).filter((p): p is string => p !== null),
  };
}

/** The changes a job makes, one per ticked asset. */
export function changesOf(groups: readonly ChangeGroup[]): AssetChange[] {
  return groups.flatMap((g) =>
    g.rows.map((row) => ({
      kind: g.info.kind,
      asset_id: row.id,
      asset_name: row.name,
      action: "assign" as const,
      tasks: tasksOf(g.info, g.access),
    })),
  );
}
