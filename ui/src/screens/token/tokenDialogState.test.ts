import { describe, expect, it } from "vitest";
import type { AppChoice } from "../../backend/types";
import { freshEngine } from "../../test/engine";
import {
  appIdOf,
  canMoveOn,
  initialTokenDialogState,
  isInstalled,
  progressOf,
  resolveScopes,
  tokenDialogReducer,
  tokenRequestOf,
  tokenSteps,
  wasJustInstalled,
  type TokenDialogAction,
} from "./tokenDialogState";

const run = (...actions: TokenDialogAction[]) => actions.reduce(tokenDialogReducer, initialTokenDialogState);

/** The engine's own scope catalog, and the apps the demo's "Reporting Server" can get a token
 * from (the agency's, installed on it already, and a client's, not installed yet). */
async function engineReads() {
  const { backend } = await freshEngine();
  const catalog = await backend.scopeCatalog();
  if (catalog.status !== "ok") throw new Error(catalog.error.message);
  const overview = await backend.portfolioOverview();
  if (overview.status !== "ok") throw new Error(overview.error.message);
  const user = overview.data.system_users.find((u) => u.name === "Reporting Server");
  if (!user) throw new Error("the demo has no Reporting Server");
  const apps = await backend.tokenApps(user.id);
  if (apps.status !== "ok") throw new Error(apps.error.message);
  return { backend, catalog: catalog.data, apps: apps.data, systemUserId: user.id };
}

describe("generate token dialog state", () => {
  it("moves one step at a time, never past the first or the last, and forgets everything on reset", async () => {
    const { catalog } = await engineReads();
    const next = { type: "next" } as const;
    const back = { type: "back" } as const;
    expect(run(next).step).toBe(tokenSteps[1]);
    expect(run(next, next, next, next, next).step).toBe("check");
    expect(run(next, next, back).step).toBe(tokenSteps[1]);
    expect(run(back).step).toBe("app");

    const other = catalog.expiries.find((c) => c.expiry !== initialTokenDialogState.expiry);
    if (!other) throw new Error("the engine offers one lifetime only");
    const chosen = run(
      { type: "choose-app", appId: "app-1" },
      { type: "installed", appId: "app-1" },
      { type: "set-expiry", expiry: other.expiry },
      { type: "choose-scopes", scopes: ["ads_read"] },
      next,
      next,
    );
    expect(chosen).toMatchObject({ step: "permissions", chosenAppId: "app-1", expiry: other.expiry, chosen: ["ads_read"] });
    expect(tokenDialogReducer(chosen, { type: "reset" })).toEqual(initialTokenDialogState);
  });

  it("picks the only app that can be used, and knows an app installed from the dialog", async () => {
    const { backend, apps, systemUserId } = await engineReads();
    const usable = apps.filter((a) => a.usable);
    expect(usable.length).toBeGreaterThan(1);
    // With a choice, nothing is picked; with one usable app, it is.
    expect(appIdOf(initialTokenDialogState, apps)).toBeNull();
    const [only, ...others] = usable;
    if (!only) throw new Error("no usable app");
    const oneUsable: AppChoice[] = apps.map((a) => (others.includes(a) ? { ...a, usable: false } : a));
    expect(appIdOf(initialTokenDialogState, oneUsable)).toBe(only.id);
    expect(canMoveOn(initialTokenDialogState, null)).toBe(false);

    const missing = usable.find((a) => !a.installed);
    if (!missing) throw new Error("every app is installed on Reporting Server");
    let state = run({ type: "choose-app", appId: missing.id });
    expect(appIdOf(state, oneUsable)).toBe(missing.id);
    expect(isInstalled(state, missing)).toBe(false);
    expect(canMoveOn(state, missing)).toBe(true);

    // While it installs, Next waits; a refusal is kept until another app is picked.
    state = tokenDialogReducer(state, { type: "install-started" });
    expect(canMoveOn(state, missing)).toBe(false);
    const refused = await backend.installApp(systemUserId, "no-such-app");
    if (refused.status !== "error") throw new Error("the engine installed an app that does not exist");
    state = tokenDialogReducer(state, { type: "install-failed", error: refused.error });
    expect(state).toMatchObject({ installing: false, installError: refused.error });
    expect(tokenDialogReducer(state, { type: "choose-app", appId: missing.id }).installError).toBeNull();

    state = tokenDialogReducer(tokenDialogReducer(state, { type: "install-started" }), { type: "installed", appId: missing.id });
    expect(state).toMatchObject({ installing: false, installError: null });
    expect(isInstalled(state, missing)).toBe(true);
    expect(wasJustInstalled(state, missing)).toBe(true);
    expect(canMoveOn(state, missing)).toBe(true);
    // An app Meta had installed already was not installed from the dialog.
    const present = apps.find((a) => a.installed);
    if (!present) throw new Error("no app is installed on Reporting Server");
    expect(isInstalled(initialTokenDialogState, present)).toBe(true);
    expect(wasJustInstalled(tokenDialogReducer(state, { type: "installed", appId: present.id }), present)).toBe(false);
  });

  it("adds what the chosen permissions need, as the engine's catalog says, and asks for all of them", async () => {
    const { catalog, apps, systemUserId } = await engineReads();
    const scopes = catalog.groups.flatMap((g) => g.scopes);
    const needy = scopes.find((s) => s.depends_on.length > 0);
    if (!needy) throw new Error("no permission in the catalog needs another");
    const resolved = resolveScopes(catalog, [needy.name]);
    expect(resolved.all).toEqual([needy.name, ...needy.depends_on]);
    for (const dep of needy.depends_on) expect([...(resolved.neededBy.get(dep) ?? [])]).toEqual([needy.name]);
    // A needed permission ticked as well is chosen, not added.
    const [dep] = needy.depends_on;
    if (!dep) throw new Error("unreachable");
    expect(resolveScopes(catalog, [needy.name, dep]).neededBy.has(dep)).toBe(false);

    let state = run({ type: "next" }, { type: "next" });
    expect(state.step).toBe("permissions");
    expect(canMoveOn(state, null)).toBe(false);
    state = tokenDialogReducer(state, { type: "choose-scopes", scopes: [needy.name] });
    expect(canMoveOn(state, null)).toBe(true);
    expect(canMoveOn(tokenDialogReducer(state, { type: "next" }), null)).toBe(false);

    const app = apps.find((a) => a.usable) ?? null;
    expect(tokenRequestOf(systemUserId, null, resolved.all, state.expiry)).toBeNull();
    expect(tokenRequestOf(systemUserId, app, resolved.all, state.expiry)).toEqual({
      system_user_id: systemUserId,
      app_id: app?.id,
      scopes: resolved.all,
      expiry: state.expiry,
    });
  });

  it("shows the engine's generation steps: where a run is, and where a failed one stopped", async () => {
    const { catalog } = await engineReads();
    const steps = catalog.steps;
    const shown = steps.filter((s) => s.step !== "done");
    expect(progressOf(steps, { running: false, at: null, failed: false }, true)).toBeNull();

    // Started: every step still to come, in the engine's words; installing only when needed.
    const started = progressOf(steps, { running: true, at: null, failed: false }, false);
    expect(started?.map((s) => s.label)).toEqual(shown.map((s) => s.label));
    expect(started?.every((s) => s.state === "pending")).toBe(true);
    const installed = progressOf(steps, { running: true, at: null, failed: false }, true);
    expect(installed?.map((s) => s.id)).toEqual(shown.map((s) => s.step).filter((s) => s !== "installing_app"));

    // Asking Meta: what came before is done, what comes after is still to come.
    const at = shown.findIndex((s) => s.step === "generating");
    const asking = progressOf(steps, { running: true, at: "generating", failed: false }, false);
    expect(asking?.map((s) => s.state)).toEqual(shown.map((_, i) => (i < at ? "done" : i === at ? "current" : "pending")));

    // Refused: the step it stopped at says so, and nothing reads as running.
    const failed = progressOf(steps, { running: false, at: "generating", failed: true }, false);
    expect(failed?.find((s) => s.id === "generating")?.state).toBe("failed");
    expect(failed?.some((s) => s.state === "current")).toBe(false);
  });
});
