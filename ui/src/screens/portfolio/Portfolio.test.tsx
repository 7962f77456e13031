import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../../App";
import type { Backend } from "../../backend/backend";
import type { EngineSession } from "../../backend/devhostIpc";
import type { ConnectForm } from "../../backend/types";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { demoBusiness, param, requestLog, type DemoApp, type DemoBusiness } from "../../test/demoWorld";
import { freshEngine } from "../../test/engine";
import { renderWithBackend } from "../../test/render";

async function openMenu(user: UserEvent) {
  await user.click(await screen.findByRole("button", { name: /Switch portfolio/ }));
  return screen.findByRole("menu");
}

async function openConnect(user: UserEvent) {
  const menu = await openMenu(user);
  await user.click(within(menu).getByRole("menuitem", { name: /Connect your business portfolio/ }));
  expect(await screen.findByRole("heading", { level: 1, name: "Connect your business portfolio" })).toBeTruthy();
}

/** What a person would type to connect `business` with `token` and `app` (from the demo's manifest). */
function formFor(business: DemoBusiness, token: string | null, app: DemoApp | undefined): ConnectForm {
  return { label: "", business_id: business.id, admin_token: token ?? "", app_id: app?.id ?? "", app_secret: app?.secret ?? "" };
}

async function fillConnectForm(user: UserEvent, form: ConnectForm) {
  // Signing in with Meta is offered first; pasting a token is the other tab.
  await user.click(screen.getByRole("tab", { name: "Paste an admin token" }));
  await user.type(screen.getByRole("textbox", { name: "Business ID" }), form.business_id);
  // Pasted, as people do with tokens and secrets (typing 200 characters is slow).
  await user.click(screen.getByLabelText("Admin token"));
  await user.paste(form.admin_token);
  await user.type(screen.getByRole("textbox", { name: "App ID" }), form.app_id);
  await user.click(screen.getByLabelText("App secret"));
  await user.paste(form.app_secret);
}

/** The Lucky Shrub client business, connected with its admin system user's token and its app. */
async function lucky(engine: EngineSession) {
  const business = await demoBusiness(engine, "Lucky Shrub Garden Supply");
  return { business, form: formFor(business, business.admin_token, business.apps[0]) };
}

async function savedIds(backend: Backend): Promise<string[]> {
  const list = await backend.listPortfolios();
  return list.status === "ok" ? list.data.portfolios.filter((p) => p.kind !== "demo").map((p) => p.id) : [];
}

describe("portfolio switcher", () => {
  it("lists the demo portfolios and reloads every screen after switching", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const { business } = await lucky(engine);
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" })).toBeTruthy();
    const menu = await openMenu(user);
    // The portfolios join the menu once the engine has listed them.
    await within(menu).findByRole("menuitem", { name: /Harbor & Vine Coffee Roasters/ });
    const items = within(menu).getAllByRole("menuitem");
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringContaining("Brightline Digital Partners"),
      expect.stringContaining("Lucky Shrub Garden Supply"),
      expect.stringContaining("Harbor & Vine Coffee Roasters"),
      expect.stringContaining("Connect your business portfolio…"),
      expect.stringContaining("Remove a saved portfolio…"),
    ]);
    // Nothing saved yet: nothing to remove.
    expect(within(menu).getByRole("menuitem", { name: /Remove a saved portfolio/ }).getAttribute("aria-disabled")).toBe("true");
    await expectNoSeriousA11yViolations();
    await user.click(within(menu).getByRole("menuitem", { name: /Lucky Shrub Garden Supply/ }));
    const table = await screen.findByRole("grid", { name: "System users of Lucky Shrub Garden Supply" });
    await waitFor(() => expect(within(table).getByText("Lucky Shrub Garden Supply Admin")).toBeTruthy());
    expect(screen.getByText("0 of 1 regular system user and 1 of 1 admin on the Limited tier.")).toBeTruthy();
    expect(screen.getByRole("button", { name: /Lucky Shrub Garden Supply.*Switch portfolio/ })).toBeTruthy();
    // The list and the counts come from the new portfolio: its admin's assets were read too.
    await waitFor(() => expect(within(table).queryAllByText("Loading")).toHaveLength(0));
    const log = await requestLog(engine);
    expect(log.some((r) => r.path.endsWith(`/${business.id}/system_users`))).toBe(true);
    expect(log.some((r) => r.path.includes(`/${business.admin_system_user_id ?? "?"}/assigned_`))).toBe(true);
  });
});

describe("a saved portfolio that does not talk to Meta", () => {
  // As a hand-edited profiles.json would hold it: its tokens would go to this URL.
  const edited = {
    id: "edited",
    label: "Edited",
    business_id: "1234",
    app_id: "5678",
    base_url: "https://graph.example.net",
    admin_token: "EAAB-edited",
    app_secret: "app-secret",
  };

  it("is marked in the menu and opens only once the person confirms its URL", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    await engine.writeProfile(edited);
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" })).toBeTruthy();

    // The menu shows where its tokens would go, as a warning; the demo portfolios have no such line.
    let menu = await openMenu(user);
    const item = await within(menu).findByRole("menuitem", { name: /Edited/ });
    expect(within(item).getByText("Not Meta").className).toContain("badge--warning");
    expect(item.textContent).toContain("Sends its tokens to https://graph.example.net, not to Meta");
    expect(within(menu).getByRole("menuitem", { name: /Brightline Digital Partners/ }).textContent).not.toContain("not to Meta");
    await expectNoSeriousA11yViolations();

    // Picked: the engine refuses it until confirmed, and the dialog says why in its words.
    await user.click(item);
    const dialog = await screen.findByRole("dialog", { name: "This portfolio does not talk to Meta" });
    expect(within(dialog).getByText(/set to send its admin token to https:\/\/graph\.example\.net instead of Meta/)).toBeTruthy();
    expect(within(dialog).getByText(/Continue only if you set up https:\/\/graph\.example\.net yourself/)).toBeTruthy();
    expect(within(dialog).getByText("https://graph.example.net", { selector: "code" })).toBeTruthy();
    // Cancel has the focus, so Enter never sends a token elsewhere by accident.
    expect(document.activeElement?.textContent).toBe("Cancel");
    await expectNoSeriousA11yViolations();

    // Cancelled: nothing opened, the demo stays, and no error is left behind.
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByRole("grid", { name: "System users of Brightline Digital Partners" })).toBeTruthy();
    expect(screen.getByRole("button", { name: /Brightline Digital Partners.*Switch portfolio/ })).toBeTruthy();
    expect(screen.queryByText("That portfolio could not be opened")).toBeNull();
    const before = await backend.listPortfolios();
    expect(before.status === "ok" && before.data.active_id).toBe("demo:agency");

    // Escape cancels too.
    menu = await openMenu(user);
    await user.click(within(menu).getByRole("menuitem", { name: /Edited/ }));
    await screen.findByRole("dialog", { name: "This portfolio does not talk to Meta" });
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByRole("button", { name: /Brightline Digital Partners.*Switch portfolio/ })).toBeTruthy();

    // Picked again and confirmed, by keyboard: it opens.
    menu = await openMenu(user);
    await user.click(within(menu).getByRole("menuitem", { name: /Edited/ }));
    await screen.findByRole("dialog", { name: "This portfolio does not talk to Meta" });
    await user.tab();
    expect(document.activeElement?.textContent).toBe("Use it this session");
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    // Its URL cannot be reached from the tests: the screen says so rather than loading forever.
    expect(await screen.findByText("The system users could not be loaded", undefined, { timeout: 20_000 })).toBeTruthy();
    expect(screen.getByText(/Could not reach the Graph API/)).toBeTruthy();
    const after = await backend.listPortfolios();
    expect(after.status === "ok" && after.data.active_id).toBe("edited");
    // The card names it, with its warning, and the menu marks it as the open one.
    expect(screen.getByRole("button", { name: /Edited Not Meta Sends its tokens to .* Could not be opened Switch portfolio/ })).toBeTruthy();
    menu = await openMenu(user);
    expect(within(menu).getByRole("menuitem", { name: /Edited.*\(open now\)/ })).toBeTruthy();
    await user.keyboard("{Escape}");
    // The confirmation is the engine's, for this session: nothing of it is kept in the webview.
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });
});

describe("connect your business portfolio", () => {
  it("checks, shows what was found, asks for a new check after a change, and saves", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const { business, form } = await lucky(engine);
    renderWithBackend(<App />, backend);
    await openConnect(user);
    // The secrets are masked and never remembered by the webview.
    const secret = screen.getByLabelText("App secret");
    expect(secret.getAttribute("type")).toBe("password");
    expect(secret.getAttribute("autocomplete")).toBe("off");
    expect(secret.getAttribute("spellcheck")).toBe("false");
    expect(screen.getByText(/App settings › Basic › App secret/)).toBeTruthy();

    await fillConnectForm(user, form);
    // Nothing can be saved before a check.
    expect(screen.queryByRole("button", { name: "Save portfolio" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Check" }));

    const found = await screen.findByRole("region", { name: "What Gatehouse found" });
    expect(within(found).getByText("Lucky Shrub Garden Supply")).toBeTruthy();
    expect(within(found).getByText("Verified")).toBeTruthy();
    expect(found.textContent).toContain("System user token, of Lucky Shrub Garden Supply Admin");
    expect(within(found).getByText("Lucky Shrub Shop Sync")).toBeTruthy();
    expect(within(found).getByText("The app you typed")).toBeTruthy();
    expect(within(found).getByText("0 regular, 1 admin")).toBeTruthy();
    // The check went to the session's emulator, and says so (in the engine's words).
    expect(within(found).getByText(/^Talks to an emulator on this computer \(http:\/\/127\.0\.0\.1:\d+\), not to Meta$/)).toBeTruthy();
    // The result takes the focus (once it is on screen), so keyboard users land on it.
    await waitFor(() => expect(document.activeElement?.getAttribute("aria-label")).toBe("Result of the check"));
    // Nothing blocks; what is worth knowing is said.
    const problems = screen.getByRole("region", { name: "Problems found" });
    expect(within(problems).queryByText(/Must be fixed/)).toBeNull();
    expect(within(problems).getByText(/Worth knowing: The business does not require two-factor authentication/)).toBeTruthy();
    const save = () => screen.getByRole("button", { name: "Save portfolio" });
    expect(save().hasAttribute("disabled")).toBe(false);
    await expectNoSeriousA11yViolations();

    // Any change needs a new check before saving.
    await user.type(screen.getByRole("textbox", { name: "Name in Gatehouse (optional)" }), "Lucky Shrub (client)");
    expect(screen.getAllByText("You changed the details: check again before saving.").length).toBeGreaterThan(0);
    expect(save().hasAttribute("disabled")).toBe(true);
    await user.click(screen.getByRole("button", { name: "Check again" }));
    await waitFor(() => expect(save().hasAttribute("disabled")).toBe(false));
    expect(await savedIds(backend)).toEqual([]);
    await user.click(save());

    // Saved, opened, and every screen shows the new portfolio.
    expect(await screen.findByRole("grid", { name: "System users of Lucky Shrub Garden Supply" })).toBeTruthy();
    expect(window.location.hash).toBe("#/system-users");
    // Its card names it; once the list is read again (before or after this line) it also says,
    // between the name and the ID, where its requests go (the dev host's own emulator).
    expect(screen.getByRole("button", { name: new RegExp(`^Portfolio Lucky Shrub Garden Supply .*Business ID ${business.id} Switch portfolio$`) })).toBeTruthy();
    expect((await screen.findAllByText(/Talks to an emulator on this computer \(http:\/\/127\.0\.0\.1:\d+\), not to Meta/)).length).toBeGreaterThan(0);
    expect(await savedIds(backend)).toEqual([`business-${business.id}`]);
    const menu = await openMenu(user);
    expect(await within(menu).findByRole("menuitem", { name: /Lucky Shrub \(client\)/ })).toBeTruthy();
  });

  it("adds the typed app to the business when the check finds the business owns none", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    // Harbor & Vine owns no app; its admin (a person) develops one.
    const harbor = await demoBusiness(engine, "Harbor & Vine Coffee Roasters");
    const app = harbor.developer_apps[0];
    const appId = app?.id ?? "";
    renderWithBackend(<App />, backend);
    await openConnect(user);
    await fillConnectForm(user, formFor(harbor, harbor.user_token, app));
    await user.click(screen.getByRole("button", { name: "Check" }));
    const problems = await screen.findByRole("region", { name: "Problems found" });
    expect(within(problems).getByText(/Must be fixed: The business owns no app/)).toBeTruthy();
    expect(within(problems).getByText(/Gatehouse can do it for you/)).toBeTruthy();
    expect(within(problems).getByText(/Worth knowing: This is a person's token/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Save portfolio" }).hasAttribute("disabled")).toBe(true);
    await expectNoSeriousA11yViolations();
    await user.click(within(problems).getByRole("button", { name: `Add app ${appId} to the business` }));

    // Added, checked again by itself, and now it can be saved.
    expect(await screen.findByText(`App ${appId} now belongs to the business: it can have system users.`)).toBeTruthy();
    await waitFor(() => expect(screen.getByRole("button", { name: "Save portfolio" }).hasAttribute("disabled")).toBe(false));
    expect(screen.queryByText(/Must be fixed/)).toBeNull();
    const found = screen.getByRole("region", { name: "What Gatehouse found" });
    expect(within(found).getByText("The app you typed")).toBeTruthy();
    expect(within(found).getByText("Harbor & Vine Orders")).toBeTruthy();
    // One claim, then a second check (each check reads who the token is).
    const log = await requestLog(engine);
    expect(log.filter((r) => r.method === "POST" && param(r, "app_id") === appId)).toHaveLength(1);
    expect(log.filter((r) => r.path.endsWith("/me"))).toHaveLength(2);
    // Nothing was saved by the fix.
    expect(await savedIds(backend)).toEqual([]);
  });

  it("says in plain words when Meta refuses to add the app", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    // Peak Trail owns no app; its admin's token was issued for Brightline's app, which another
    // business owns and so cannot be added to Peak Trail.
    const peak = await demoBusiness(engine, "Peak Trail Outfitters");
    const agencyApp = (await demoBusiness(engine, "Brightline Digital Partners")).apps[0];
    const appId = agencyApp?.id ?? "";
    renderWithBackend(<App />, backend);
    await openConnect(user);
    await fillConnectForm(user, formFor(peak, peak.user_token, agencyApp));
    await user.click(screen.getByRole("button", { name: "Check" }));
    const problems = await screen.findByRole("region", { name: "Problems found" });
    await user.click(within(problems).getByRole("button", { name: `Add app ${appId} to the business` }));
    expect(await within(problems).findByText("The app was not added")).toBeTruthy();
    expect(within(problems).getByText(/Only an admin of the app can add it to a business/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Save portfolio" }).hasAttribute("disabled")).toBe(true);
    expect(screen.getByRole("textbox", { name: "App ID" })).toHaveProperty("value", appId);
    expect(within(problems).getByText(/Must be fixed: The business owns no app/)).toBeTruthy();
  });

  it("marks the field an error is about and keeps everything typed", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const { business, form } = await lucky(engine);
    window.location.hash = "#/connect";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "Connect your business portfolio" });
    // A letter l for a one in the business ID.
    const typo = business.id.replace("1", "l");
    await fillConnectForm(user, { ...form, business_id: typo });
    await user.keyboard("{Enter}");
    const businessId = screen.getByRole<HTMLInputElement>("textbox", { name: "Business ID" });
    await waitFor(() => expect(businessId.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText(new RegExp(`invalid business id: "${typo}" is not a Meta id \\(digits only\\)`))).toBeTruthy();
    // Refused before anything was sent to Meta (a check starts by asking who the token is).
    expect((await requestLog(engine)).some((r) => r.path.endsWith("/me"))).toBe(false);
    expect(businessId.value).toBe(typo);
    expect(screen.getByLabelText<HTMLInputElement>("Admin token").value).toBe(form.admin_token);
    expect(screen.getByLabelText<HTMLInputElement>("App secret").value).toBe(form.app_secret);
    // The Show button reveals what was typed, for checking it.
    await user.click(screen.getByRole("button", { name: "Show App secret" }));
    expect(screen.getByLabelText("App secret").getAttribute("type")).toBe("text");
    await expectNoSeriousA11yViolations();
  });

  it("explains an expired admin token on its field, with Meta's code in the details", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const { form } = await lucky(engine);
    await engine.emulator("POST", "expire_tokens", { token: form.admin_token });
    window.location.hash = "#/connect";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "Connect your business portfolio" });
    await fillConnectForm(user, form);
    await user.keyboard("{Enter}");
    // The error is about the token typed: it is marked on that field, with the engine's words.
    const token = screen.getByLabelText<HTMLInputElement>("Admin token");
    await waitFor(() => expect(token.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText(/The access token has expired\. Meta no longer accepts it\./)).toBeTruthy();
    expect(screen.getByText(/Generate a new token for the system user/)).toBeTruthy();
    await user.click(screen.getByText("Details"));
    expect(screen.getByText(/Graph code 190, subcode 463/)).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>("Admin token").value).toBe(form.admin_token);
    expect(screen.queryByRole("button", { name: "Save portfolio" })).toBeNull();
  });

  it("removes a saved portfolio after a confirmation that mentions the keychain", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const { business, form } = await lucky(engine);
    const saved = await backend.savePortfolio({ ...form, label: "Lucky Shrub (client)" });
    expect(saved.status).toBe("ok");
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByRole("grid", { name: "System users of Lucky Shrub Garden Supply" })).toBeTruthy();
    const menu = await openMenu(user);
    const remove = () => within(menu).getByRole("menuitem", { name: /Remove a saved portfolio/ });
    // Enabled once the engine has listed the saved portfolio.
    await waitFor(() => expect(remove().getAttribute("aria-disabled")).toBeNull());
    await user.click(remove());
    const dialog = await screen.findByRole("dialog", { name: "Remove “Lucky Shrub (client)”?" });
    expect(within(dialog).getByText(/deletes its admin token and app secret from this computer's keychain/)).toBeTruthy();
    await expectNoSeriousA11yViolations();
    // Cancel has the focus, so Enter never removes by accident.
    expect(document.activeElement?.textContent).toBe("Cancel");

    // A locked keychain: nothing is removed, and the dialog says why.
    await engine.keyringFault("locked");
    await user.click(within(dialog).getByRole("button", { name: "Remove portfolio" }));
    expect(await within(dialog).findByText("The portfolio was not removed")).toBeTruthy();
    expect(within(dialog).getByText("Your keyring is locked.")).toBeTruthy();
    expect(await savedIds(backend)).toEqual([`business-${business.id}`]);

    // Unlocked: removed, and the demo opens again.
    await user.click(within(dialog).getByRole("button", { name: "Remove portfolio" }));
    expect(await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" })).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(await savedIds(backend)).toEqual([]);
  });
});

/** What a person types to sign in with `app`. */
async function fillSignInForm(user: UserEvent, app: DemoApp | undefined) {
  await user.type(screen.getByRole("textbox", { name: "App ID" }), app?.id ?? "");
  await user.click(screen.getByLabelText("App secret"));
  await user.paste(app?.secret ?? "");
}

describe("sign in with Meta", () => {
  it("signs in, picks the business, sets Gatehouse up with an admin of its own and opens it", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    // Harbor & Vine has no admin system user; its admin develops an app.
    const harbor = await demoBusiness(engine, "Harbor & Vine Coffee Roasters");
    renderWithBackend(<App />, backend);
    await openConnect(user);
    // Signing in is offered first, and the paste form stays one tab away.
    expect(screen.getByRole("tab", { name: "Sign in with Meta (recommended)" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("tab", { name: "Paste an admin token" })).toBeTruthy();
    const secret = screen.getByLabelText("App secret");
    expect(secret.getAttribute("type")).toBe("password");
    expect(secret.getAttribute("autocomplete")).toBe("off");
    expect(screen.getByText(/App Dashboard › Facebook Login for Business › Configurations/)).toBeTruthy();
    await expectNoSeriousA11yViolations();

    await fillSignInForm(user, harbor.developer_apps[0]);
    await user.click(screen.getByRole("button", { name: "Sign in with Meta" }));

    // Signed in: the only business is chosen, and the focus is on it.
    const signedIn = await screen.findByRole("region", { name: /^Signed in/ });
    const business = within(signedIn).getByRole("radio", { name: /Harbor & Vine Coffee Roasters/ });
    await waitFor(() => expect(business).toHaveProperty("checked", true));
    await waitFor(() => expect(document.activeElement).toBe(business));
    // The business is checked with the person's token first: the app Gatehouse adds to it, what
    // Meta says about it, and the ways Gatehouse can work there (no admin yet: a new one).
    const app = harbor.developer_apps[0]?.id ?? "";
    expect(await within(signedIn).findByText(`Gatehouse adds app ${app} to the business first`)).toBeTruthy();
    expect(within(signedIn).getByText("What Gatehouse found")).toBeTruthy();
    const ways = within(signedIn).getByRole("radiogroup", { name: "How Gatehouse works in this business" });
    const create = within(ways).getByRole("radio", { name: /As a new admin system user named “Gatehouse”/ });
    expect(create).toHaveProperty("checked", true);
    // Keeping one's own sign-in is offered with the check's warning about a person's token.
    expect(within(ways).getByRole("radio", { name: /With your own sign-in/ }).getAttribute("aria-describedby")).toBeTruthy();
    expect(within(ways).getByText(/person's/i)).toBeTruthy();
    await expectNoSeriousA11yViolations();
    expect(await savedIds(backend)).toEqual([]);

    // By keyboard from there: past what is worth knowing (each with its details) to the way
    // (already chosen), the name, then Set up.
    for (let stop = 0; stop < 6 && document.activeElement !== create; stop++) {
      await user.tab();
      if (document.activeElement !== create) expect(document.activeElement?.tagName).toBe("SUMMARY");
    }
    expect(document.activeElement).toBe(create);
    await user.tab();
    expect(document.activeElement).toBe(within(signedIn).getByRole("textbox", { name: "Name in Gatehouse (optional)" }));
    await user.keyboard("Harbor (client)");
    await user.tab();
    expect(document.activeElement).toBe(within(signedIn).getByRole("button", { name: "Set up Gatehouse" }));
    await user.keyboard("{Enter}");

    // Set up and opened, like after Save: its system users, with Gatehouse's own admin.
    const table = await screen.findByRole("grid", { name: "System users of Harbor & Vine Coffee Roasters" }, { timeout: 20_000 });
    expect(window.location.hash).toBe("#/system-users");
    await waitFor(() => expect(within(table).getByText("Gatehouse")).toBeTruthy());
    expect(screen.getByRole("button", { name: /Harbor & Vine Coffee Roasters.*Switch portfolio/ })).toBeTruthy();
    expect(await savedIds(backend)).toEqual([`business-${harbor.id}`]);
    const list = await backend.listPortfolios();
    expect(list.status === "ok" && list.data.active_id).toBe(`business-${harbor.id}`);
    // The engine's words on what it did are shown over the portfolio's system users.
    expect(screen.getByText(/^Gatehouse added the admin system user “Gatehouse” with the app installed and a token that never expires/)).toBeTruthy();
    const menu = await openMenu(user);
    expect(await within(menu).findByRole("menuitem", { name: /Harbor \(client\).*\(open now\)/ })).toBeTruthy();
  });

  it("shows why a second admin cannot be added, then reuses the business's admin", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    // Brightline already has its one admin system user (Meta allows one).
    const agency = await demoBusiness(engine, "Brightline Digital Partners");
    window.location.hash = "#/connect";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "Connect your business portfolio" });
    await fillSignInForm(user, agency.apps[0]);
    await user.keyboard("{Enter}");

    const signedIn = await screen.findByRole("region", { name: /^Signed in/ });
    await waitFor(() => expect(within(signedIn).getByRole("radio", { name: /Brightline Digital Partners/ })).toHaveProperty("checked", true));
    const admins = await within(signedIn).findByRole("radiogroup", { name: "How Gatehouse works in this business" });
    const reuse = within(admins).getByRole("radio", { name: /^As the admin system user Gatehouse Admin/ });
    const create = within(admins).getByRole("radio", { name: /As a new admin system user named “Gatehouse”/ });
    // What the engine suggests is chosen at first: the admin the business has.
    expect(reuse).toHaveProperty("checked", true);
    await expectNoSeriousA11yViolations();

    // Creating a second one anyway: Meta refuses, and the engine's words say so; the choice stays.
    await user.click(create);
    await user.click(within(signedIn).getByRole("button", { name: "Set up Gatehouse" }));
    const failure = (await within(signedIn).findByText("Gatehouse was not set up")).closest<HTMLElement>(".callout");
    if (!failure) throw new Error("the failure is a callout");
    await user.click(within(failure).getByText("Details"));
    expect(within(signedIn).getByText(/reached its limit of admin system users/)).toBeTruthy();
    expect(within(signedIn).getByText(/Reuse an existing system user/)).toBeTruthy();
    expect(within(signedIn).getByText("system_user_limit")).toBeTruthy();
    expect(create).toHaveProperty("checked", true);
    expect(screen.getByRole("textbox", { name: "App ID" })).toHaveProperty("value", agency.apps[0]?.id ?? "");
    expect(await savedIds(backend)).toEqual([]);

    // Reusing it works.
    await user.click(reuse);
    await user.click(within(signedIn).getByRole("button", { name: "Set up Gatehouse" }));
    const table = await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" }, { timeout: 20_000 });
    expect(await savedIds(backend)).toEqual([`business-${agency.id}`]);
    const list = await backend.listPortfolios();
    expect(list.status === "ok" && list.data.active_id).toBe(`business-${agency.id}`);
    await waitFor(() => expect(within(table).getByText("Gatehouse Admin")).toBeTruthy());
    expect(screen.getByText(/^Gatehouse works as this admin system user, with a new token that never expires/)).toBeTruthy();
  });

  it("keeps the person's own sign-in when they choose it, and the portfolio says it is a person's token", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    const harbor = await demoBusiness(engine, "Harbor & Vine Coffee Roasters");
    window.location.hash = "#/connect";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "Connect your business portfolio" });
    await fillSignInForm(user, harbor.developer_apps[0]);
    await user.keyboard("{Enter}");
    const signedIn = await screen.findByRole("region", { name: /^Signed in/ });
    const ways = await within(signedIn).findByRole("radiogroup", { name: "How Gatehouse works in this business" });
    await user.click(within(ways).getByRole("radio", { name: /With your own sign-in/ }));
    await user.click(within(signedIn).getByRole("button", { name: "Set up Gatehouse" }));
    const table = await screen.findByRole("grid", { name: "System users of Harbor & Vine Coffee Roasters" }, { timeout: 20_000 });
    expect(screen.getByText(/^Gatehouse works with your own sign-in/)).toBeTruthy();
    expect(await savedIds(backend)).toEqual([`business-${harbor.id}`]);
    // No system user was added for it.
    expect(within(table).queryByText("Gatehouse")).toBeNull();
  });

  it("says why the sign-in failed and keeps what was typed", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
    window.location.hash = "#/connect";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "Connect your business portfolio" });
    await fillSignInForm(user, { id: "12x4", name: "", secret: "not-a-secret" });
    await user.click(screen.getByRole("button", { name: "Sign in with Meta" }));
    const appId = screen.getByRole<HTMLInputElement>("textbox", { name: "App ID" });
    // The engine's words, on the field they are about.
    await waitFor(() => expect(appId.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText(/invalid app id: "12x4" is not a Meta id \(digits only\)/)).toBeTruthy();
    expect(appId.value).toBe("12x4");
    expect(screen.getByLabelText<HTMLInputElement>("App secret").value).toBe("not-a-secret");
    expect(screen.queryByRole("region", { name: /^Signed in/ })).toBeNull();
    await expectNoSeriousA11yViolations();
  });
});
