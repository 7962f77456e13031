import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../../App";
import type { Backend } from "../../backend/backend";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { freshEngine } from "../../test/engine";
import { renderWithBackend } from "../../test/render";

/** Changes made through the engine, as the System users screen would make them. */
async function makeChanges(backend: Backend) {
  const created = await backend.createSystemUser("Orders Server", "regular");
  if (created.status === "error") throw new Error(created.error.message);
  const renamed = await backend.renameSystemUser(created.data.id, "Orders Server (EU)");
  if (renamed.status === "error") throw new Error(renamed.error.message);
  // Refused by Meta (the agency has its one admin system user): recorded as refused.
  const refused = await backend.createSystemUser("Second Admin", "admin");
  if (refused.status === "ok") throw new Error("a second admin was accepted");
  return created.data.id;
}

function rows(table: HTMLElement) {
  // The header row, then one per entry.
  return within(table).getAllByRole("row").slice(1);
}

describe("the audit log", () => {
  it("lists every change the engine made with its outcome, filters, and says the chain is intact", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
    const id = await makeChanges(backend);
    window.location.hash = "#/audit-log";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "Audit log" });
    expect(screen.getByRole("link", { name: "Audit log" }).getAttribute("aria-current")).toBe("page");

    const table = await screen.findByRole("grid", { name: "Audit log entries" });
    await waitFor(() => expect(rows(table)).toHaveLength(3));
    // Newest first, each with the engine's words and outcome.
    const [refused, renamed, created] = rows(table);
    expect(refused?.textContent).toMatch(/System user created.*Refused.*system_user_limit.*Adding admin system user “Second Admin”/);
    // Named by its name before the rename, and its ID.
    expect(renamed?.textContent).toMatch(new RegExp(`System user renamed.*Done.*Renamed “Orders Server” \\(${id}\\) to “Orders Server \\(EU\\)”`));
    expect(created?.textContent).toMatch(/System user created.*Done.*Added regular system user “Orders Server”.*role: regular.*Desktop app/);
    expect(await screen.findByText("The log is intact")).toBeTruthy();
    expect(screen.getByText(/All 3 entries are as Gatehouse wrote them/)).toBeTruthy();
    await expectNoSeriousA11yViolations();

    // Only what Meta refused.
    await user.click(screen.getByRole("button", { name: /Outcome/ }));
    await user.click(await screen.findByRole("option", { name: "Refused" }));
    await waitFor(() => expect(rows(table)).toHaveLength(1));
    expect(rows(table)[0]?.textContent).toMatch(/Second Admin/);

    // Back to any outcome, then words: the new name.
    await user.click(screen.getByRole("button", { name: /Outcome/ }));
    await user.click(await screen.findByRole("option", { name: "Any outcome" }));
    await user.type(screen.getByRole("textbox", { name: "Search" }), "(EU)");
    await waitFor(() => expect(rows(table)).toHaveLength(1));
    expect(rows(table)[0]?.textContent).toMatch(/System user renamed/);
    await user.clear(screen.getByRole("textbox", { name: "Search" }));
    await user.type(screen.getByRole("textbox", { name: "Search" }), "nothing like this");
    expect(await screen.findByText("No change matches these filters.")).toBeTruthy();
  });

  it("keeps portfolios apart unless asked for all, and exports what is shown", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
    await makeChanges(backend);
    // A change in another portfolio.
    const list = await backend.listPortfolios();
    if (list.status === "error") throw new Error(list.error.message);
    const other = list.data.portfolios.find((p) => p.label === "Lucky Shrub Garden Supply");
    if (!other) throw new Error("no second demo portfolio");
    await backend.switchPortfolio(other.id);
    await backend.createSystemUser("Website events", "regular");

    window.location.hash = "#/audit-log";
    renderWithBackend(<App />, backend);
    const table = await screen.findByRole("grid", { name: "Audit log entries" });
    await waitFor(() => expect(rows(table)).toHaveLength(1));
    expect(rows(table)[0]?.textContent).toMatch(/Website events/);

    await user.click(screen.getByRole("radio", { name: "All" }));
    await waitFor(() => expect(rows(table)).toHaveLength(4));
    expect(within(table).getByRole("columnheader", { name: "Portfolio" })).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    const done = await screen.findByText("Exported 4 entries");
    const path = done.parentElement?.textContent ?? "";
    expect(path).toMatch(/gatehouse-audit-\d{4}-\d{2}-\d{2}\.csv/);
    await user.click(screen.getByRole("button", { name: "Export JSON" }));
    expect(await screen.findByText(/gatehouse-audit-\d{4}-\d{2}-\d{2}\.json/)).toBeTruthy();
  });
});
