import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import type { Backend } from "../backend/backend";
import type { EngineSession } from "../backend/devhostIpc";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { requestLog, systemUserId } from "../test/demoWorld";
import { freshEngine } from "../test/engine";
import { renderWithBackend } from "../test/render";
import { formatDate } from "./SystemUsersScreen";

// The demo's regular system user and one of the ad accounts assigned to it.
const reporting = "Reporting Server";
const cobalt = "Cobalt Fitness – US – Prospecting 0001";

/** Whether Meta still holds the assignment, from the emulator's state. */
async function stillAssigned(engine: EngineSession, user: string, assetId: string) {
  const state = (await engine.emulator("GET", "state")) as { assignments: { asset: string; user: string }[] };
  return state.assignments.some((a) => a.asset === assetId && a.user === user);
}

/** The id of an asset assigned to a system user, by its name, as the engine lists it. */
async function assignedId(backend: Backend, user: string, name: string): Promise<string> {
  const access = await backend.systemUserAccess(user);
  const asset = access.status === "ok" ? access.data.assets.find((a) => a.name === name) : undefined;
  if (!asset) throw new Error(`${name} is not assigned to ${user}.`);
  return asset.id;
}

describe("system users table", () => {
  it("shows how many assets and apps each system user has, after the list", async () => {
    const { backend, engine } = await freshEngine();
    // The counts are slow to come, to see the wait: Meta answers each assigned_* read late.
    await engine.emulator("PUT", "faults", { latency_ms: 1500, path_contains: "/assigned_" });
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    const table = await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" });
    // React Aria builds the table's rows in a second pass.
    await waitFor(() =>
      expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(expect.arrayContaining(["Assets", "Apps"])),
    );
    const row = () => within(table).getByRole("row", { name: new RegExp(reporting) });
    // The counts arrive after the list: "…" meanwhile.
    await waitFor(() => expect(within(row()).getAllByText("Loading").length).toBe(2));
    await waitFor(() => expect(within(row()).getByText("8")).toBeTruthy(), { timeout: 15_000 });
    expect(within(row()).getByText("1")).toBeTruthy();
    // The list was read before any system user's assets.
    const log = await requestLog(engine);
    const list = log.findIndex((r) => r.path.endsWith("/system_users"));
    const firstCount = log.findIndex((r) => r.path.includes("/assigned_"));
    expect(list).toBeGreaterThanOrEqual(0);
    expect(firstCount).toBeGreaterThan(list);
  });

  it("opens a system user's screen from its row", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const id = await systemUserId(engine, reporting);
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("link", { name: reporting }));
    expect(await screen.findByRole("heading", { level: 1, name: reporting })).toBeTruthy();
    expect(window.location.hash).toBe(`#/system-users/${id}`);
  });

  it("says so when the counts cannot be loaded, and keeps the list", async () => {
    const { backend, engine } = await freshEngine();
    // Meta throttles the system users' asset reads for an hour: too long to wait for.
    await engine.emulator("PUT", "faults", { throttle_for_secs: 3600, path_contains: "/assigned_" });
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("How many assets and apps each system user has could not be loaded")).toBeTruthy();
    expect(screen.getByText(/Meta is throttling requests/)).toBeTruthy();
    expect(screen.getByText(/Wait about 60 minutes, then try again/)).toBeTruthy();
    const table = screen.getByRole("grid", { name: "System users of Brightline Digital Partners" });
    const row = within(table).getByRole("row", { name: new RegExp(reporting) });
    expect(within(row).getAllByText("Not known")).toHaveLength(2);
  });
});

describe("a system user", () => {
  it("groups assets by kind with plain task labels, access badges and a summary per kind", async () => {
    const { backend, engine } = await freshEngine();
    const id = await systemUserId(engine, reporting);
    const overview = await backend.portfolioOverview();
    const created = overview.status === "ok" ? overview.data.system_users.find((u) => u.id === id)?.created_time : null;
    window.location.hash = `#/system-users/${id}`;
    renderWithBackend(<App />, backend);
    expect(await screen.findByRole("heading", { level: 1, name: reporting })).toBeTruthy();
    expect(screen.getByText(`Regular system user, created ${formatDate(created ?? null)}.`, { exact: false })).toBeTruthy();
    const ads = screen.getByRole("region", { name: "Ad accounts" });
    expect(within(ads).getByText("5 ad accounts: 5 can change")).toBeTruthy();
    const adsTable = within(ads).getByRole("grid", { name: "Ad accounts assigned" });
    // React Aria builds the table's rows in a second pass.
    const first = await within(adsTable).findByRole("row", { name: new RegExp(cobalt) });
    expect(within(first).getByText("Can change")).toBeTruthy();
    expect(within(first).getByText("Create and edit ads")).toBeTruthy();
    expect(within(first).getByText("View performance")).toBeTruthy();
    const pages = screen.getByRole("region", { name: "Pages" });
    expect(within(pages).getByText("1 Page: 1 can change")).toBeTruthy();
    expect(within(pages).getByText("Aurora Skincare US")).toBeTruthy();
    const whatsapp = screen.getByRole("region", { name: /WhatsApp/ });
    expect(within(whatsapp).getByText(/^1 .*: 1 read only$/)).toBeTruthy();
    expect(within(whatsapp).getByText("Read only")).toBeTruthy();
    const apps = screen.getByRole("region", { name: "Apps" });
    expect(within(apps).getByText("Brightline Ads Manager")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Assign assets" }).getAttribute("href")).toBe(`#/system-users/${id}/assign`);
    await expectNoSeriousA11yViolations();
  });

  it("removes an assignment after confirming, through a one-item job, and reloads", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const id = await systemUserId(engine, reporting);
    const assetId = await assignedId(backend, id, cobalt);
    window.location.hash = `#/system-users/${id}`;
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: `Remove access to ${cobalt}` }));
    const dialog = await screen.findByRole("dialog", { name: `Remove access to “${cobalt}”?` });
    expect(within(dialog).getByText(/will no longer reach this ad account/)).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "Remove access" }));
    expect(await screen.findByText(`“${reporting}” no longer has access to “${cobalt}”.`)).toBeTruthy();
    await waitFor(() => expect(screen.getByText("4 ad accounts: 4 can change")).toBeTruthy());
    expect(screen.queryByRole("row", { name: new RegExp(cobalt) })).toBeNull();
    // Meta was asked to remove exactly that assignment, and no longer holds it.
    const deletes = (await requestLog(engine)).flatMap((r) => r.params.filter(([k]) => k === "batch").map(([, v]) => v));
    expect(deletes.join()).toContain(`${assetId}/assigned_users?user=${id}`);
    expect(await stillAssigned(engine, id, assetId)).toBe(false);
  });

  it("keeps the dialog open with Meta's reason, its fix and details when a removal fails", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const id = await systemUserId(engine, reporting);
    const assetId = await assignedId(backend, id, cobalt);
    // Meta fails every removal, retries included.
    await engine.emulator("PUT", "faults", { transient_error_next: 50, path_contains: "/assigned_users" });
    window.location.hash = `#/system-users/${id}`;
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: `Remove access to ${cobalt}` }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Remove access" }));
    expect(await within(dialog).findByText("Access was not removed", {}, { timeout: 20_000 })).toBeTruthy();
    expect(within(dialog).getByText("Meta's servers failed to handle the request, even after retrying.")).toBeTruthy();
    expect(within(dialog).getByText(/Try again in a few minutes/)).toBeTruthy();
    // The technical detail is folded under "Details".
    await user.click(within(dialog).getByText("Details"));
    expect(within(dialog).getByText(/the batch operation did not complete/)).toBeTruthy();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByRole("row", { name: new RegExp(cobalt) })).toBeTruthy();
    expect(await stillAssigned(engine, id, assetId)).toBe(true);
  });

  it("opens the Generate token dialog for this system user, and Assign assets on its own screen", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const id = await systemUserId(engine, reporting);
    window.location.hash = `#/system-users/${id}`;
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: "Generate token" }));
    const dialog = await screen.findByRole("dialog", { name: `Generate a token for ${reporting}` });
    // The apps that can issue its token, as the engine lists them for this system user.
    expect(await within(dialog).findByRole("radio", { name: /Brightline Ads Manager/ })).toBeTruthy();
    expect(within(dialog).getByText(new RegExp(`Installed on ${reporting}`))).toBeTruthy();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await user.click(screen.getByRole("link", { name: "Assign assets" }));
    expect(await screen.findByRole("heading", { level: 1, name: `Assign assets to ${reporting}` })).toBeTruthy();
    expect(window.location.hash).toBe(`#/system-users/${id}/assign`);
  });

  it("explains a system user that is not in the portfolio", async () => {
    const { backend } = await freshEngine();
    window.location.hash = "#/system-users/699999999999999";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("This system user could not be loaded")).toBeTruthy();
    // The engine's words for a system user that is not there, and its fix.
    expect(screen.getByText(/System user 699999999999999 does not exist in this business portfolio/)).toBeTruthy();
    expect(screen.getByText(/Go back to System users/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Try again" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "← All system users" })).toBeTruthy();
  });
});

