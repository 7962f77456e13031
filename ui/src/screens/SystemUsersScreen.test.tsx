import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import type { Backend } from "../backend/backend";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { demoBusiness, param, requestLog, systemUserId } from "../test/demoWorld";
import { freshEngine } from "../test/engine";
import { renderWithBackend } from "../test/render";

async function openDialog() {
  const user = userEvent.setup();
  window.location.hash = "#/system-users";
  await user.click(await screen.findByRole("button", { name: "Add system user" }));
  const dialog = await screen.findByRole("dialog", { name: "Add a system user" });
  return { user, dialog };
}

/** Opens a demo portfolio by its name before the app starts, as a later run would have it. */
async function openDemo(backend: Backend, label: string) {
  const list = await backend.listPortfolios();
  if (list.status === "error") throw new Error(list.error.message);
  const entry = list.data.portfolios.find((p) => p.label === label);
  if (!entry) throw new Error(`No demo portfolio called ${label}.`);
  const switched = await backend.switchPortfolio(entry.id);
  if (switched.status === "error") throw new Error(switched.error.message);
}

async function switchTo(user: UserEvent, name: RegExp) {
  await user.click(await screen.findByRole("button", { name: /Switch portfolio/ }));
  // The portfolios join the menu once the engine has listed them.
  await user.click(await within(await screen.findByRole("menu")).findByRole("menuitem", { name }));
}

describe("adding a system user", () => {
  it("adds a regular system user by keyboard and shows it in the list", async () => {
    const { backend, engine } = await freshEngine();
    renderWithBackend(<App />, backend);
    const { user, dialog } = await openDialog();
    expect(within(dialog).getByRole("radio", { name: /Regular \(recommended\)/ })).toHaveProperty("checked", true);
    await expectNoSeriousA11yViolations();
    await user.keyboard("CAPI Server{Enter}");
    expect(await screen.findByText("“CAPI Server” was added as a regular system user.")).toBeTruthy();
    // Meta was asked once, for a regular system user ("EMPLOYEE" in Graph's words).
    const creates = (await requestLog(engine)).filter((r) => r.method === "POST" && r.path.endsWith("/system_users"));
    expect(creates.map((r) => [param(r, "name"), param(r, "role")])).toEqual([["CAPI Server", "EMPLOYEE"]]);
    const table = await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" });
    await waitFor(() => expect(within(table).getByText("CAPI Server")).toBeTruthy());
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("explains the limit in plain words once the Limited tier's one regular system user exists, and keeps what was typed", async () => {
    const { backend, engine } = await freshEngine();
    // Lucky Shrub's app has Limited Marketing API access: 1 regular and 1 admin system user.
    await openDemo(backend, "Lucky Shrub Garden Supply");
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("0 of 1 regular system user and 1 of 1 admin on the Limited tier.")).toBeTruthy();
    // The one regular system user the tier allows.
    await (await openDialog()).user.keyboard("Website events{Enter}");
    expect(await screen.findByText("“Website events” was added as a regular system user.")).toBeTruthy();
    expect(await screen.findByText("1 of 1 regular system user and 1 of 1 admin on the Limited tier.")).toBeTruthy();

    // And one more.
    const { user, dialog } = await openDialog();
    await user.keyboard("Second server");
    await user.click(within(dialog).getByRole("button", { name: "Add system user" }));
    expect(await within(dialog).findByText("The system user was not added")).toBeTruthy();
    expect(within(dialog).getByText(/has reached its limit of system users \(1 of 1\) for an app with Limited Marketing API access/)).toBeTruthy();
    expect(within(dialog).getByText(/Reuse an existing system user/)).toBeTruthy();
    expect(within(dialog).getByRole("textbox", { name: "Name" })).toHaveProperty("value", "Second server");
    expect(within(dialog).getByRole("radio", { name: /Regular/ })).toHaveProperty("checked", true);
    // Meta's own code is in the details.
    await user.click(within(dialog).getByText("Details"));
    expect(within(dialog).getByText(/Graph code 3949/)).toBeTruthy();
    await expectNoSeriousA11yViolations();
    // Meta refused it: it holds one regular system user, not two.
    const lucky = await demoBusiness(engine, "Lucky Shrub Garden Supply");
    const refused = (await requestLog(engine)).filter((r) => r.method === "POST" && r.path.endsWith(`/${lucky.id}/system_users`));
    expect(refused.map((r) => [param(r, "name"), r.error_code])).toEqual([
      ["Website events", null],
      ["Second server", 3949],
    ]);
  });

  it("refuses a second admin where the quota allows one, keeping the chosen role", async () => {
    const { backend } = await freshEngine();
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("1 of 10 regular system users and 1 of 1 admin on the Full tier.")).toBeTruthy();
    const { user, dialog } = await openDialog();
    await user.keyboard("Access manager");
    await user.click(within(dialog).getByRole("radio", { name: /Admin/ }));
    await user.click(within(dialog).getByRole("button", { name: "Add system user" }));
    expect(await within(dialog).findByText(/has reached its limit of admin system users \(1 of 1\)/)).toBeTruthy();
    expect(within(dialog).getByRole("radio", { name: /Admin/ })).toHaveProperty("checked", true);
    expect(within(dialog).getByRole("textbox", { name: "Name" })).toHaveProperty("value", "Access manager");
  });

  it("marks the name field when the error is about the name, and sends nothing", async () => {
    const { backend, engine } = await freshEngine();
    renderWithBackend(<App />, backend);
    const { user, dialog } = await openDialog();
    await user.keyboard("   ");
    await user.click(within(dialog).getByRole("button", { name: "Add system user" }));
    const name = within(dialog).getByRole("textbox", { name: "Name" });
    await waitFor(() => expect(name.getAttribute("aria-invalid")).toBe("true"));
    expect(within(dialog).getByText(/Correct "name" and try again/)).toBeTruthy();
    // The engine refused the blank name itself: no system user was asked for.
    expect((await requestLog(engine)).some((r) => r.method === "POST" && r.path.endsWith("/system_users"))).toBe(false);
    // Typing clears the mark.
    await user.type(name, "Feed sync");
    expect(name.getAttribute("aria-invalid")).toBeNull();
  });

  it("closes with Escape without adding anything", async () => {
    const { backend, engine } = await freshEngine();
    renderWithBackend(<App />, backend);
    const { user } = await openDialog();
    await user.keyboard("Half typed{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect((await requestLog(engine)).some((r) => r.write)).toBe(false);
    const table = screen.getByRole("grid", { name: "System users of Brightline Digital Partners" });
    expect(within(table).queryByText("Half typed")).toBeNull();
  });
});

describe("renaming a system user", () => {
  it("renames from the row's action and confirms the change", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const id = await systemUserId(engine, "Reporting Server");
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: "Rename Reporting Server" }));
    const dialog = await screen.findByRole("dialog", { name: "Rename “Reporting Server”" });
    const field = within(dialog).getByRole("textbox", { name: "New name" });
    expect(field).toHaveProperty("value", "Reporting Server");
    await user.clear(field);
    await user.keyboard("Looker Studio export");
    // Saved with the button, not Enter: in Chromium the focused field loses focus while React
    // closes the dialog, and user-event's change event for it would then run inside React's
    // commit ("Should not already be working"). Enter submitting is covered when adding.
    await user.click(within(dialog).getByRole("button", { name: "Save name" }));
    expect(await screen.findByText("“Reporting Server” is now called “Looker Studio export”.")).toBeTruthy();
    // Graph renames through the business's system_users edge, naming the system user.
    const renames = (await requestLog(engine)).filter((r) => r.method === "POST" && param(r, "system_user_id") === id);
    expect(renames.map((r) => param(r, "name"))).toEqual(["Looker Studio export"]);
    await waitFor(() => expect(within(screen.getByRole("grid")).getByText("Looker Studio export")).toBeTruthy());
    expect(within(screen.getByRole("grid")).queryByText("Reporting Server")).toBeNull();
  });
});

describe("a business that owns no app", () => {
  it("says why it cannot have system users and adds the app by its ID", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const harbor = await demoBusiness(engine, "Harbor & Vine Coffee Roasters");
    const ownApp = harbor.developer_apps[0]?.id ?? "";
    const otherApp = (await demoBusiness(engine, "Lucky Shrub Garden Supply")).apps[0]?.id ?? "";
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    await switchTo(user, /Harbor & Vine Coffee Roasters/);
    expect(
      await screen.findByText("The business owns no app, and Meta allows system users only in a business that owns one."),
    ).toBeTruthy();
    expect(screen.getByRole("button", { name: "Add system user" }).hasAttribute("disabled")).toBe(true);
    // No app, no system users: no quota is shown (not even another business's tier).
    expect(screen.queryByRole("region", { name: "System-user quota" })).toBeNull();
    const form = screen.getByRole("form", { name: "Add an app to the business" });
    const appId = within(form).getByRole("textbox", { name: "App ID" });
    // Prefilled with the app Gatehouse signs in with (one its admin develops).
    expect(appId).toHaveProperty("value", ownApp);
    await expectNoSeriousA11yViolations();

    // Another business's app: refused in plain words, on the field, keeping what was typed.
    await user.clear(appId);
    await user.type(appId, `${otherApp}{Enter}`);
    await waitFor(() => expect(appId.getAttribute("aria-invalid")).toBe("true"));
    expect(within(form).getByText(/Only an admin of the app can add it/)).toBeTruthy();
    expect(appId).toHaveProperty("value", otherApp);

    await user.clear(appId);
    await user.type(appId, ownApp);
    await user.click(within(form).getByRole("button", { name: "Add app to the business" }));
    expect(await screen.findByText(`App ${ownApp} now belongs to the business: it can have system users.`)).toBeTruthy();
    await waitFor(() => expect(screen.queryByText(/owns no app, and Meta allows/)).toBeNull());
    await waitFor(() => expect(screen.getByRole("button", { name: "Add system user" }).hasAttribute("disabled")).toBe(false));
    expect(screen.getByText("This portfolio has no system users yet.")).toBeTruthy();
    // Meta holds the app as the business's now.
    const owned = await backend.portfolioOverview();
    expect(owned.status === "ok" && owned.data.apps?.map((a) => a.id)).toEqual([ownApp]);
  });
});

describe("the quota", () => {
  it("says what it depends on while Meta has not reported the tier", async () => {
    const { backend, engine } = await freshEngine();
    // Meta reports the access tier in usage headers, and only "once enough calls have been
    // made": until then a connected portfolio's quota is unknown.
    await engine.emulator("PUT", "limits", { usage_headers_after_calls: 1_000_000 });
    const lucky = await demoBusiness(engine, "Lucky Shrub Garden Supply");
    const app = lucky.apps[0];
    const saved = await backend.savePortfolio({
      label: "",
      business_id: lucky.id,
      admin_token: lucky.admin_token ?? "",
      app_id: app?.id ?? "",
      app_secret: app?.secret ?? "",
    });
    expect(saved.status).toBe("ok");
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    const quota = await screen.findByRole("region", { name: "System-user quota" });
    expect(within(quota).getByText("Meta has not said yet how many system users this portfolio may have.")).toBeTruthy();
    expect(within(quota).getByText(/Limited allows 1 regular and 1 admin system user, Full allows 10 and 1/)).toBeTruthy();
    expect(screen.getByRole("grid", { name: "System users of Lucky Shrub Garden Supply" })).toBeTruthy();
  });
});
