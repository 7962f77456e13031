import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { demoBusinesses } from "../test/demoWorld";
import { freshEngine } from "../test/engine";
import { renderWithBackend } from "../test/render";

describe("clients (On Behalf Of)", () => {
  it("links a client with its admin's token, makes a system user and token there, gives it assets, then removes the link", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    // A client of the demo agency with no app of its own: its admin's token is for the agency's app.
    const client = (await demoBusinesses(engine)).find((b) => b.name === "Peak Trail Outfitters");
    if (!client?.user_token) throw new Error("the demo has no Peak Trail Outfitters");
    window.location.hash = "#/clients";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "Clients" });
    expect(await screen.findByText(/No client linked through Gatehouse yet/)).toBeTruthy();
    await expectNoSeriousA11yViolations();

    // 1. The client: by its ID.
    await user.click(screen.getByRole("button", { name: "Link a client" }));
    await user.click(await screen.findByRole("radio", { name: /Another business/ }));
    await user.type(screen.getByRole("textbox", { name: "Client business ID" }), client.id);
    await user.click(screen.getByRole("button", { name: "Next" }));

    // 2. What the client sees, then its admin's token.
    expect(await screen.findByText("What the client will see")).toBeTruthy();
    expect(screen.getByText(/appears in the client's Business Settings as an app shared with them/)).toBeTruthy();
    expect(screen.getByText(/Graph API Explorer/)).toBeTruthy();
    await expectNoSeriousA11yViolations();
    await user.click(screen.getByLabelText("Client admin's token"));
    await user.paste(client.user_token);
    await user.click(screen.getByRole("button", { name: "Link client" }));

    // 3. The system user and its token, shown once.
    expect(await screen.findByText(/is linked$/)).toBeTruthy();
    await user.type(screen.getByRole("textbox", { name: /System user's name/ }), "Agency Reporting");
    await user.click(screen.getByRole("button", { name: "Make the system user and its token" }));
    const dialog = await screen.findByRole("dialog", {}, { timeout: 10_000 });
    expect(within(dialog).getByText(/Agency Reporting/)).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    await user.click(await screen.findByRole("button", { name: "Close without copying" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByText(/System user “Agency Reporting” \(\d+\)/)).toBeTruthy();

    // 4. The client's ad accounts: one given with full control.
    await user.click(screen.getByRole("button", { name: "Next: give it assets" }));
    const list = await screen.findByRole("listbox", { name: "The client's ad accounts" });
    const first = (await within(list).findAllByRole("option"))[0];
    if (!first) throw new Error("the client has no ad account");
    await user.click(first);
    await user.click(screen.getByRole("button", { name: "Give 1 ad account" }));
    expect(await screen.findByText("1 of 1 given to “Agency Reporting”")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Finish" }));
    await user.click(await screen.findByRole("button", { name: "Close" }));

    // Listed from the agency's own record; then removed.
    const table = await screen.findByRole("grid", { name: "Linked clients" });
    await waitFor(() => expect(within(table).getByText(client.id)).toBeTruthy());
    await user.click(within(table).getByRole("button", { name: new RegExp(`Remove the link with .*${client.id}`) }));
    const confirm = await screen.findByRole("dialog", { name: /Remove the link/ });
    expect(within(confirm).getByText(/every token it had stops working at once/)).toBeTruthy();
    await user.click(within(confirm).getByRole("button", { name: "Remove link" }));
    expect(await screen.findByText(/is removed, with its system user and tokens/)).toBeTruthy();
    await waitFor(() => expect(within(table).queryByText(client.id)).toBeNull());
  });

  it("marks a refused client admin token on its field", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const businesses = await demoBusinesses(engine);
    const client = businesses.find((b) => b.name === "Peak Trail Outfitters");
    const agency = businesses[0];
    if (!client || !agency?.admin_token) throw new Error("demo businesses missing");
    window.location.hash = "#/clients";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: "Link a client" }));
    await user.click(await screen.findByRole("radio", { name: /Another business/ }));
    await user.type(screen.getByRole("textbox", { name: "Client business ID" }), client.id);
    await user.click(screen.getByRole("button", { name: "Next" }));
    // The agency's own admin token: not a client admin's.
    await user.click(await screen.findByLabelText("Client admin's token"));
    await user.paste(agency.admin_token);
    await user.click(screen.getByRole("button", { name: "Link client" }));
    const field = screen.getByLabelText("Client admin's token");
    await waitFor(() => expect(field.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.queryByText(/is linked$/)).toBeNull();
    // The demo's admins exist only for the demo's own clients: another ID is said in words.
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await user.click(await screen.findByRole("button", { name: "Link a client" }));
    await user.click(await screen.findByRole("radio", { name: /Another business/ }));
    await user.type(screen.getByRole("textbox", { name: "Client business ID" }), "123456789");
    await user.click(screen.getByRole("button", { name: "Next" }));
    await user.click(await screen.findByRole("button", { name: "Link with the demo client's admin" }));
    expect(await screen.findByText(/The demo has no admin of business 123456789/)).toBeTruthy();
    expect(screen.getByText(/Choose one of the demo's clients/)).toBeTruthy();
  });

  it("in demo mode links with the demo client's admin (no token to paste), searches and picks the client's ad accounts in bulk, and gives other kinds", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const client = (await demoBusinesses(engine)).find((b) => b.name === "Peak Trail Outfitters");
    if (!client) throw new Error("the demo has no Peak Trail Outfitters");
    window.location.hash = "#/clients";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: "Link a client" }));
    // The agency's client relationships, as Meta lists them, by name.
    await user.click(await screen.findByRole("radio", { name: /^Peak Trail Outfitters/ }));
    expect(screen.getByRole("radio", { name: /^Lucky Shrub Garden Supply/ })).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Next" }));
    await user.click(await screen.findByRole("button", { name: "Link with the demo client's admin" }));
    expect(await screen.findByText(/is linked$/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Make the system user and its token" }));
    await screen.findByRole("dialog", {}, { timeout: 10_000 });
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Close" }));
    await user.click(await screen.findByRole("button", { name: "Close without copying" }));
    await user.click(await screen.findByRole("button", { name: "Next: give it assets" }));

    // Ad accounts: narrowed by words, then every one shown chosen at once.
    const list = await screen.findByRole("listbox", { name: "The client's ad accounts" });
    const total = Number((await within(list).findAllByRole("option"))[0]?.getAttribute("aria-setsize"));
    expect(total).toBeGreaterThan(100);
    expect(within(list).getAllByRole("option").length).toBeLessThan(40);
    await user.type(screen.getByRole("textbox", { name: "Search the client's assets" }), "Prospecting");
    await waitFor(() => expect(Number(within(list).getAllByRole("option")[0]?.getAttribute("aria-setsize"))).toBeLessThan(total));
    const narrowed = Number(within(list).getAllByRole("option")[0]?.getAttribute("aria-setsize"));
    await user.click(screen.getByRole("button", { name: `Select the ${narrowed.toLocaleString()} shown` }));
    expect(screen.getByText(`${narrowed.toLocaleString()} of ${total.toLocaleString()} chosen`)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: `Give ${narrowed.toLocaleString()} ad accounts` }));
    expect(await screen.findByText(`${narrowed.toLocaleString()} of ${narrowed.toLocaleString()} given to “Peak Trail Outfitters SYSTEM USER”`, {}, { timeout: 10_000 })).toBeTruthy();

    // Another kind: the client's pixel, view only.
    await user.click(screen.getByRole("button", { name: /Kind of asset/ }));
    await user.click(await screen.findByRole("option", { name: "Pixels and datasets" }));
    const pixels = await screen.findByRole("listbox", { name: "The client's pixels" });
    await user.click((await within(pixels).findAllByRole("option"))[0] as HTMLElement);
    await user.click(screen.getByRole("radio", { name: "View only" }));
    await user.click(screen.getByRole("button", { name: "Give 1 pixel" }));
    expect(await screen.findByText(/^1 of 1 given to/)).toBeTruthy();
    await expectNoSeriousA11yViolations();
  });
});
