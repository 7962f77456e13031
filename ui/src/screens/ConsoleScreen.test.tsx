import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { demoBusinesses } from "../test/demoWorld";
import { freshEngine } from "../test/engine";
import { renderWithBackend } from "../test/render";

describe("all portfolios (the agency console)", () => {
  it("lists every portfolio with its tokens, and checks one for drift without leaving the open one", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    // A regular system user with no asset: drift.
    const created = await backend.createSystemUser("Idle Server", "regular");
    if (created.status === "error") throw new Error(created.error.message);
    // A client linked On Behalf Of (with its admin's token for the agency's app).
    const client = (await demoBusinesses(engine)).find((b) => b.name === "Peak Trail Outfitters");
    if (!client?.user_token) throw new Error("the demo has no Peak Trail Outfitters");
    const linked = await backend.linkClient(client.id, client.user_token);
    if (linked.status === "error") throw new Error(linked.error.message);
    window.location.hash = "#/console";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "All portfolios" });
    const table = await screen.findByRole("grid", { name: "Portfolios" });
    await waitFor(() => expect(within(table).getByText("Brightline Digital Partners")).toBeTruthy());
    expect(within(table).getByText("Lucky Shrub Garden Supply")).toBeTruthy();
    expect(within(table).getAllByText("Not checked").length).toBeGreaterThan(1);
    // The agency's row lists its client (by ID: it is not a portfolio Gatehouse knows by name);
    // the others have none.
    const agency = within(table).getByText("Brightline Digital Partners").closest("[role='row']");
    if (!(agency instanceof HTMLElement)) throw new Error("no row for the agency");
    expect(within(agency).getByText(`Business ${client.id}`)).toBeTruthy();
    expect(within(table).getAllByText("None linked").length).toBeGreaterThan(1);
    await expectNoSeriousA11yViolations();

    await user.click(within(table).getByRole("button", { name: "Check Brightline Digital Partners" }));
    expect(await within(table).findByText(/findings?(, \d+ urgent)?$/, {}, { timeout: 20_000 })).toBeTruthy();
    expect(screen.getByText(/“Idle Server”.*Their tokens reach nothing/)).toBeTruthy();
    expect(screen.getByText(/held by no regular system user: only admins reach them/)).toBeTruthy();
    // The open portfolio is still the agency.
    const list = await backend.listPortfolios();
    expect(list.status === "ok" && list.data.active_id).toBe("demo:agency");
  });
});
