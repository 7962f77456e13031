import { describe, expect, it } from "vitest";
import type { AssetKindInfo, AssetRow } from "../../backend/types";
import { freshEngine } from "../../test/engine";
import { defaultAccess } from "./AccessPicker";
import {
  activeKindOf,
  assignReducer,
  changePlan,
  changesOf,
  initialAssignState,
  listedKindsOf,
  type AssignAction,
} from "./assignState";

const run = (...actions: AssignAction[]) => actions.reduce(assignReducer, initialAssignState);

/** The engine's own asset kinds (tasks, combinations), and a few rows of each. */
async function kindsAndRows() {
  const { backend } = await freshEngine();
  const kinds = await backend.assetKinds();
  if (kinds.status !== "ok") throw new Error(kinds.error.message);
  const rows = (info: AssetKindInfo): AssetRow[] =>
    [1, 2, 3].map((i) => ({ kind: info.kind, id: `${info.kind}-${String(i)}`, name: `${info.label} ${String(i)}`, relation: "owned", detail: null, relation_note: null }));
  const byKind = new Map(kinds.data.map((info) => [info.kind, rows(info)]));
  return { kinds: kinds.data, rowsOf: (kind: AssetKindInfo["kind"]) => byKind.get(kind) ?? [] };
}

describe("assign screen state", () => {
  it("opens the first kind's tab, and keeps every opened kind's list", async () => {
    const { kinds } = await kindsAndRows();
    const [first, second, third] = kinds;
    if (!first || !second || !third) throw new Error("the engine offers fewer than three kinds");
    expect(activeKindOf(initialAssignState, kinds)).toBe(first.kind);
    expect(listedKindsOf(initialAssignState, first.kind)).toEqual([first.kind]);
    const state = run(
      { type: "open-kind", kind: third.kind, shown: first.kind },
      { type: "open-kind", kind: second.kind, shown: third.kind },
    );
    expect(activeKindOf(state, kinds)).toBe(second.kind);
    expect(listedKindsOf(state, second.kind)).toEqual([first.kind, third.kind, second.kind]);
  });

  it("plans exactly the ticked assets per kind, in the kinds' order, with each kind's access", async () => {
    const { kinds, rowsOf } = await kindsAndRows();
    const page = kinds.find((k) => k.kind === "page");
    const ads = kinds.find((k) => k.kind === "ad_account");
    if (!page || !ads) throw new Error("no Pages or ad accounts");
    const state = run(
      { type: "select", kind: "page", ids: new Set(["page-2"]) },
      { type: "select", kind: "ad_account", ids: new Set(["ad_account-1", "ad_account-3"]) },
      { type: "set-access", kind: "page", access: { mode: "full", tasks: [] } },
    );
    const plan = changePlan(state, kinds, rowsOf);
    expect(plan.groups.map((g) => g.info.kind)).toEqual(kinds.map((k) => k.kind).filter((k) => k === "page" || k === "ad_account"));
    expect(plan.totalSelected).toBe(3);
    expect(plan.problems).toEqual([]);
    const changes = changesOf(plan.groups);
    expect(changes.find((c) => c.asset_id === "page-2")?.tasks).toEqual(page.full_control);
    // Ad accounts keep the least-privilege start: the smallest combination Meta accepts.
    const start = defaultAccess(ads).tasks;
    expect(ads.combinations.some((c) => c.length === start.length && c.every((t) => start.includes(t)))).toBe(true);
    expect(changes.filter((c) => c.kind === "ad_account").map((c) => c.tasks)).toEqual([start, start]);

    // A Partial access with nothing to do stops the review, with why.
    const empty = assignReducer(state, { type: "set-access", kind: "page", access: { mode: "partial", tasks: [] } });
    expect(changePlan(empty, kinds, rowsOf).problems).toEqual(["Choose at least one thing it may do on Pages."]);
  });

  it("reviews, applies and starts over with nothing ticked but the choices of access kept", () => {
    const access = { mode: "full" as const, tasks: [] };
    let state = run(
      { type: "select", kind: "page", ids: new Set(["p"]) },
      { type: "set-access", kind: "page", access },
      { type: "review" },
      { type: "show-all-review" },
    );
    expect(state.step).toBe("review");
    expect(state.showAllReview).toBe(true);
    state = assignReducer(state, { type: "apply-started" });
    expect(state.applying).toBe(true);
    const error = { code: "timeout", message: "Meta did not answer.", fix: null, detail: null, field: null } as const;
    state = assignReducer(state, { type: "apply-failed", error });
    expect(state).toMatchObject({ step: "review", applying: false, applyError: error });
    // Reviewing again forgets the old error and shortens the lists again.
    state = assignReducer(assignReducer(state, { type: "back-to-choose" }), { type: "review" });
    expect(state).toMatchObject({ step: "review", applyError: null, showAllReview: false });
    state = assignReducer(assignReducer(state, { type: "apply-started" }), { type: "run-started" });
    expect(state).toMatchObject({ step: "run", applying: false });
    state = assignReducer(state, { type: "assign-more" });
    expect(state.step).toBe("choose");
    expect(state.selected).toEqual({});
    expect(state.access.page).toBe(access);
  });
});
