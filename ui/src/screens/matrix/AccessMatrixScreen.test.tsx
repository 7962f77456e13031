import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../../App";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { freshEngine } from "../../test/engine";
import { renderWithBackend } from "../../test/render";

describe("the access matrix", () => {
  it("shows every asset against every system user, windowed, filters by system user and words, and exports", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
    window.location.hash = "#/access";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "Access matrix" });
    const grid = await screen.findByRole("grid", { name: "Access by asset and system user" }, { timeout: 20_000 });
    // The demo agency: thousands of assets, its admin and Reporting Server.
    const total = Number(grid.getAttribute("aria-rowcount")) - 1;
    expect(total).toBeGreaterThan(2000);
    expect(screen.getByText(/assets, 2 system users \(1 admin\)/)).toBeTruthy();
    expect(screen.getByText(/is an admin: it reaches all/)).toBeTruthy();
    // Only the rows in view are in the page.
    expect(within(grid).getAllByRole("row").length).toBeLessThan(100);
    expect(within(grid).getByRole("columnheader", { name: /Reporting Server/ })).toBeTruthy();
    await expectNoSeriousA11yViolations();

    // One client's shared assets, each saying who shared it; grouped by client, own ones first.
    await user.click(screen.getByRole("button", { name: /Client/ }));
    await user.click(await screen.findByRole("option", { name: /^Lucky Shrub Garden Supply \(\d+\)$/ }));
    await waitFor(() => expect(Number(grid.getAttribute("aria-rowcount")) - 1).toBeLessThan(300));
    expect(within(grid).getAllByText("Shared by Lucky Shrub Garden Supply", { exact: false }).length).toBeGreaterThan(3);
    expect(within(grid).queryByText(/· Owned$/)).toBeNull();
    await user.click(screen.getByRole("button", { name: /Client/ }));
    await user.click(await screen.findByRole("option", { name: "Every client" }));
    await user.click(screen.getByRole("radio", { name: "By client" }));
    await waitFor(() => expect(Number(grid.getAttribute("aria-rowcount")) - 1).toBe(total));
    expect(within(grid).getAllByText(/· Owned$/).length).toBeGreaterThan(3);

    // Reporting Server's assets only: its cells name the access in words.
    await user.click(screen.getByRole("button", { name: /System user/ }));
    await user.click(await screen.findByRole("option", { name: "Reporting Server" }));
    await waitFor(() => expect(Number(grid.getAttribute("aria-rowcount")) - 1).toBeLessThan(20));
    const cells = within(grid).getAllByRole("gridcell");
    expect(cells.some((c) => /^(Can change|Full control|Read only): /.test(c.getAttribute("aria-label") ?? ""))).toBe(true);

    // Words narrow it further; then nothing.
    await user.type(screen.getByRole("textbox", { name: "Search assets" }), "zzz-no-such-asset");
    await waitFor(() => expect(grid.getAttribute("aria-rowcount")).toBe("1"));

    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    expect(await screen.findByText(/gatehouse-access-\d{4}-\d{2}-\d{2}\.csv/)).toBeTruthy();
    // The least-privilege report of the agency's admin (the engine's, from the matrix just read).
    await user.click(screen.getByRole("button", { name: "Report as JSON" }));
    expect(await screen.findByText("Exported the least-privilege report of 1 admin system user")).toBeTruthy();
    expect(screen.getByText(/gatehouse-least-privilege-\d{4}-\d{2}-\d{2}\.json/)).toBeTruthy();
  });
});
