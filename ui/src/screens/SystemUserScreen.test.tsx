import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { mockBackend } from "../backend/mockBackend";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { renderWithBackend } from "../test/render";

describe("system users table", () => {
  it("shows how many assets and apps each system user has, after the list", async () => {
    const mock = mockBackend();
    const calls = mock.calls;
    // The counts answer only when the test says so, to see the wait.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const backend = { ...mock.backend, accessCounts: () => held.then(() => mock.backend.accessCounts()) };
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    const table = await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" });
    // React Aria builds the table's rows in a second pass.
    await waitFor(() =>
      expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(expect.arrayContaining(["Assets", "Apps"])),
    );
    const row = () => within(table).getByRole("row", { name: /Reporting Bot/ });
    // The counts arrive after the list: "…" meanwhile.
    await waitFor(() => expect(within(row()).getAllByText("Loading").length).toBe(2));
    release();
    await waitFor(() => expect(within(row()).getByText("14")).toBeTruthy());
    expect(within(row()).getByText("1")).toBeTruthy();
    expect(calls.indexOf("accessCounts")).toBeGreaterThan(calls.indexOf("portfolioOverview"));
  });

  it("opens a system user's screen from its row", async () => {
    const user = userEvent.setup();
    const { backend } = mockBackend();
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("link", { name: "Reporting Bot" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Reporting Bot" })).toBeTruthy();
    expect(window.location.hash).toBe("#/system-users/610000000000002");
  });

  it("says so when the counts cannot be loaded, and keeps the list", async () => {
    const { backend } = mockBackend({
      errors: {
        accessCounts: [
          { code: "rate_limited", message: "Meta asked Gatehouse to slow down.", fix: "Wait a minute and reopen this screen.", detail: "(#80004) There have been too many calls", field: null },
        ],
      },
    });
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("How many assets and apps each system user has could not be loaded")).toBeTruthy();
    expect(screen.getByText("Wait a minute and reopen this screen.")).toBeTruthy();
    expect(screen.getByRole("grid")).toBeTruthy();
  });
});

describe("a system user", () => {
  it("groups assets by kind with plain task labels, access badges and a summary per kind", async () => {
    const { backend } = mockBackend();
    window.location.hash = "#/system-users/610000000000002";
    renderWithBackend(<App />, backend);
    expect(await screen.findByRole("heading", { level: 1, name: "Reporting Bot" })).toBeTruthy();
    expect(screen.getByText(/Regular system user, created May 19, 2026/)).toBeTruthy();
    const ads = screen.getByRole("region", { name: "Ad accounts" });
    expect(within(ads).getByText("12 ad accounts: 3 can change, 9 read only")).toBeTruthy();
    const adsTable = within(ads).getByRole("grid", { name: "Ad accounts assigned" });
    const first = within(adsTable).getByRole("row", { name: /Harbor & Pine – Prospecting/ });
    expect(within(first).getByText("Can change")).toBeTruthy();
    expect(within(first).getByText("Create and edit ads")).toBeTruthy();
    expect(within(first).getByText("View performance")).toBeTruthy();
    const pages = screen.getByRole("region", { name: "Pages" });
    expect(within(pages).getByText("2 Pages: 2 read only")).toBeTruthy();
    const apps = screen.getByRole("region", { name: "Apps" });
    expect(within(apps).getByText("Brightline Reporting")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Assign assets" }).getAttribute("href")).toBe("#/system-users/610000000000002/assign");
    await expectNoSeriousA11yViolations();
  });

  it("removes an assignment after confirming, through a one-item job, and reloads", async () => {
    const user = userEvent.setup();
    const { backend, calls } = mockBackend();
    window.location.hash = "#/system-users/610000000000002";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: "Remove access to Lumen Dental – Prospecting" }));
    const dialog = await screen.findByRole("dialog", { name: "Remove access to “Lumen Dental – Prospecting”?" });
    expect(within(dialog).getByText(/will no longer reach this ad account/)).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "Remove access" }));
    expect(await screen.findByText("“Reporting Bot” no longer has access to “Lumen Dental – Prospecting”.")).toBeTruthy();
    expect(calls.some((c) => c.startsWith("createJob:610000000000002:"))).toBe(true);
    expect(calls.some((c) => c.startsWith("runJob:"))).toBe(true);
    await waitFor(() => expect(screen.getByText("11 ad accounts: 2 can change, 9 read only")).toBeTruthy());
    expect(screen.queryByRole("row", { name: /Lumen Dental – Prospecting/ })).toBeNull();
  });

  it("keeps the dialog open with Meta's reason, its fix and details when a removal fails", async () => {
    const user = userEvent.setup();
    const { backend } = mockBackend({ failingAssets: ["act_3100007919"] });
    window.location.hash = "#/system-users/610000000000002";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: "Remove access to Lumen Dental – Prospecting" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Remove access" }));
    expect(await within(dialog).findByText("Access was not removed")).toBeTruthy();
    // Meta's reason names the asset; the technical detail is folded under "Details".
    expect(within(dialog).getAllByText(/Lumen Dental – Prospecting/).length).toBeGreaterThan(0);
    await user.click(within(dialog).getByText("Details"));
    expect(within(dialog).getByText(/Graph code/)).toBeTruthy();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByRole("row", { name: /Lumen Dental – Prospecting/ })).toBeTruthy();
  });

  it("opens the Generate token dialog for this system user, and Assign assets on its own screen", async () => {
    const user = userEvent.setup();
    const { backend, calls } = mockBackend();
    window.location.hash = "#/system-users/610000000000002";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: "Generate token" }));
    expect(await screen.findByRole("dialog")).toBeTruthy();
    await waitFor(() => expect(calls).toContain("tokenApps:610000000000002"));
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await user.click(screen.getByRole("link", { name: "Assign assets" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Assign assets to Reporting Bot" })).toBeTruthy();
    expect(window.location.hash).toBe("#/system-users/610000000000002/assign");
  });

  it("explains a system user that is not in the portfolio", async () => {
    const { backend } = mockBackend();
    window.location.hash = "#/system-users/699999999999999";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("This system user could not be loaded")).toBeTruthy();
    expect(screen.getByText(/Go back to System users and pick one/)).toBeTruthy();
    expect(screen.getByRole("link", { name: "← All system users" })).toBeTruthy();
  });
});
