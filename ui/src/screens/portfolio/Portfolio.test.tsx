import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../../App";
import { mockBackend } from "../../backend/mockBackend";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { renderWithBackend } from "../../test/render";

const goodForm = {
  business_id: "123456789012345",
  admin_token: "EAAGadminSystemUserToken0000000001",
  app_id: "800000000000001",
  app_secret: "0123456789abcdef0123456789abcdef",
};

async function openMenu(user: UserEvent) {
  await user.click(await screen.findByRole("button", { name: /Switch portfolio/ }));
  return screen.findByRole("menu");
}

async function fillConnectForm(user: UserEvent, form: typeof goodForm) {
  await user.type(screen.getByRole("textbox", { name: "Business ID" }), form.business_id);
  await user.type(screen.getByLabelText("Admin token"), form.admin_token);
  await user.type(screen.getByRole("textbox", { name: "App ID" }), form.app_id);
  await user.type(screen.getByLabelText("App secret"), form.app_secret);
}

describe("portfolio switcher", () => {
  it("lists the demo portfolios and reloads every screen after switching", async () => {
    const user = userEvent.setup();
    const { backend, calls } = mockBackend();
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" })).toBeTruthy();
    const menu = await openMenu(user);
    const items = within(menu).getAllByRole("menuitem");
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringContaining("Brightline Digital Partners"),
      expect.stringContaining("Harbor & Pine Outfitters"),
      expect.stringContaining("Copper Kettle Café"),
      expect.stringContaining("Connect your business portfolio…"),
      expect.stringContaining("Remove a saved portfolio…"),
    ]);
    // Nothing saved yet: nothing to remove.
    expect(within(menu).getByRole("menuitem", { name: /Remove a saved portfolio/ }).getAttribute("aria-disabled")).toBe("true");
    await expectNoSeriousA11yViolations();
    await user.click(within(menu).getByRole("menuitem", { name: /Harbor & Pine Outfitters/ }));
    const table = await screen.findByRole("grid", { name: "System users of Harbor & Pine Outfitters" });
    expect(within(table).getByText("Website events")).toBeTruthy();
    expect(screen.getByText("1 of 1 regular system user and 1 of 1 admin on the Limited tier.")).toBeTruthy();
    expect(calls).toContain("switchPortfolio:demo-client");
    expect(calls.filter((c) => c === "portfolioOverview")).toHaveLength(2);
    // The counts come from the new portfolio too.
    await waitFor(() => expect(calls.filter((c) => c === "accessCounts").length).toBeGreaterThanOrEqual(2));
  });

  it("shows why a switch failed and stays on the open portfolio", async () => {
    const user = userEvent.setup();
    const { backend } = mockBackend({
      errors: {
        switchPortfolio: [
          {
            code: "keyring_locked",
            message: "The keychain is locked, so Gatehouse cannot read this portfolio's token.",
            fix: "Unlock the keychain (log in again or open Passwords and Keys), then try again.",
            detail: "org.freedesktop.Secret.Error.IsLocked",
            field: null,
          },
        ],
      },
    });
    renderWithBackend(<App />, backend);
    const menu = await openMenu(user);
    await user.click(within(menu).getByRole("menuitem", { name: /Harbor & Pine/ }));
    expect(await screen.findByText("That portfolio could not be opened")).toBeTruthy();
    expect(screen.getByText(/Unlock the keychain/)).toBeTruthy();
    expect(screen.getByText("Details")).toBeTruthy();
    expect(screen.getByRole("button", { name: /Brightline Digital Partners/ })).toBeTruthy();
  });
});

describe("connect your business portfolio", () => {
  it("checks, shows what was found and every problem, and saves only when nothing blocks", async () => {
    const user = userEvent.setup();
    const { backend, calls } = mockBackend();
    renderWithBackend(<App />, backend);
    const menu = await openMenu(user);
    await user.click(within(menu).getByRole("menuitem", { name: /Connect your business portfolio/ }));
    expect(await screen.findByRole("heading", { level: 1, name: "Connect your business portfolio" })).toBeTruthy();
    // The secrets are masked and never remembered by the webview.
    const secret = screen.getByLabelText("App secret");
    expect(secret.getAttribute("type")).toBe("password");
    expect(secret.getAttribute("autocomplete")).toBe("off");
    expect(secret.getAttribute("spellcheck")).toBe("false");
    expect(screen.getByText(/App settings › Basic › App secret/)).toBeTruthy();

    await fillConnectForm(user, { ...goodForm, app_id: "999" });
    // Nothing can be saved before a check.
    expect(screen.queryByRole("button", { name: "Save portfolio" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Check" }));

    const found = await screen.findByRole("region", { name: "What Gatehouse found" });
    expect(within(found).getByText("Northwind Media Group")).toBeTruthy();
    expect(within(found).getByText("Verified")).toBeTruthy();
    expect(found.textContent).toContain("System user token, of Gatehouse Admin");
    expect(within(found).getByText("Northwind Insights")).toBeTruthy();
    expect(within(found).getByText("0 regular, 1 admin")).toBeTruthy();
    // The result takes the focus, so keyboard users land on it.
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Result of the check");
    const problems = screen.getByRole("region", { name: "Problems found" });
    expect(within(problems).getByText(/Must be fixed: The app 999 does not belong/)).toBeTruthy();
    expect(within(problems).getByText(/Worth knowing: Two-factor authentication is not required/)).toBeTruthy();
    const save = screen.getByRole("button", { name: "Save portfolio" });
    expect(save.hasAttribute("disabled")).toBe(true);
    await expectNoSeriousA11yViolations();

    // Fixing the app ID needs a new check before saving.
    const appId = screen.getByRole("textbox", { name: "App ID" });
    await user.clear(appId);
    await user.type(appId, goodForm.app_id);
    expect(screen.getAllByText("You changed the details: check again before saving.").length).toBeGreaterThan(0);
    expect(save.hasAttribute("disabled")).toBe(true);
    await user.click(screen.getByRole("button", { name: "Check again" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Save portfolio" }).hasAttribute("disabled")).toBe(false));
    expect(screen.queryByText(/Must be fixed/)).toBeNull();
    await user.click(screen.getByRole("button", { name: "Save portfolio" }));

    // Saved, opened, and every screen shows the new portfolio.
    expect(await screen.findByRole("grid", { name: "System users of Northwind Media Group" })).toBeTruthy();
    expect(calls).toContain("savePortfolio:123456789012345");
    expect(calls.some((c) => c.startsWith("switchPortfolio:saved-"))).toBe(true);
    expect(window.location.hash).toBe("#/system-users");
    expect(screen.getByRole("button", { name: /Northwind Media Group/ })).toBeTruthy();
  });

  it("adds the typed app to the business when the check finds the business does not own it", async () => {
    const user = userEvent.setup();
    const { backend, calls } = mockBackend();
    renderWithBackend(<App />, backend);
    const menu = await openMenu(user);
    await user.click(within(menu).getByRole("menuitem", { name: /Connect your business portfolio/ }));
    await screen.findByRole("heading", { level: 1, name: "Connect your business portfolio" });
    await fillConnectForm(user, { ...goodForm, app_id: "800000000000777" });
    await user.click(screen.getByRole("button", { name: "Check" }));
    const problems = await screen.findByRole("region", { name: "Problems found" });
    expect(within(problems).getByText(/Must be fixed: The app 800000000000777 does not belong/)).toBeTruthy();
    expect(within(problems).getByText(/Gatehouse can do it for you/)).toBeTruthy();
    await expectNoSeriousA11yViolations();
    await user.click(within(problems).getByRole("button", { name: "Add app 800000000000777 to the business" }));

    // Added, checked again by itself, and now it can be saved.
    expect(await screen.findByText("App 800000000000777 now belongs to the business: it can have system users.")).toBeTruthy();
    expect(calls).toContain("claimAppForConnection:123456789012345:800000000000777");
    await waitFor(() => expect(screen.getByRole("button", { name: "Save portfolio" }).hasAttribute("disabled")).toBe(false));
    expect(calls.filter((c) => c.startsWith("checkConnection"))).toHaveLength(2);
    expect(screen.queryByText(/Must be fixed/)).toBeNull();
    const found = screen.getByRole("region", { name: "What Gatehouse found" });
    expect(within(found).getByText("The app you typed")).toBeTruthy();
  });

  it("says in plain words when Meta refuses to add the app", async () => {
    const user = userEvent.setup();
    const { backend } = mockBackend();
    renderWithBackend(<App />, backend);
    const menu = await openMenu(user);
    await user.click(within(menu).getByRole("menuitem", { name: /Connect your business portfolio/ }));
    await screen.findByRole("heading", { level: 1, name: "Connect your business portfolio" });
    await fillConnectForm(user, { ...goodForm, app_id: "999000000000001" });
    await user.click(screen.getByRole("button", { name: "Check" }));
    const problems = await screen.findByRole("region", { name: "Problems found" });
    await user.click(within(problems).getByRole("button", { name: "Add app 999000000000001 to the business" }));
    expect(await within(problems).findByText("The app was not added")).toBeTruthy();
    expect(within(problems).getByText(/Only an admin of the app can add it to a business/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Save portfolio" }).hasAttribute("disabled")).toBe(true);
    expect(screen.getByRole("textbox", { name: "App ID" })).toHaveProperty("value", "999000000000001");
  });

  it("marks the field an error is about and keeps everything typed", async () => {
    const user = userEvent.setup();
    const { backend } = mockBackend();
    window.location.hash = "#/connect";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "Connect your business portfolio" });
    await fillConnectForm(user, { ...goodForm, admin_token: "EAAGexpiredAdminToken000000000001" });
    await user.keyboard("{Enter}");
    const token = screen.getByLabelText<HTMLInputElement>("Admin token");
    await waitFor(() => expect(token.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText(/This admin token has expired/)).toBeTruthy();
    await user.click(screen.getByText("Details"));
    expect(screen.getByText(/Graph code 190, subcode 463/)).toBeTruthy();
    expect(token.value).toBe("EAAGexpiredAdminToken000000000001");
    expect(screen.getByRole<HTMLInputElement>("textbox", { name: "Business ID" }).value).toBe(goodForm.business_id);
    expect(screen.getByLabelText<HTMLInputElement>("App secret").value).toBe(goodForm.app_secret);
    // The Show button reveals what was typed, for checking it.
    await user.click(screen.getByRole("button", { name: "Show App secret" }));
    expect(screen.getByLabelText("App secret").getAttribute("type")).toBe("text");
  });

  it("removes a saved portfolio after a confirmation that mentions the keychain", async () => {
    const user = userEvent.setup();
    const { backend, calls } = mockBackend();
    await backend.savePortfolio({ label: "Northwind", ...goodForm });
    await backend.switchPortfolio("saved-1");
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByRole("grid", { name: "System users of Northwind Media Group" })).toBeTruthy();
    const menu = await openMenu(user);
    await user.click(within(menu).getByRole("menuitem", { name: /Remove a saved portfolio/ }));
    const dialog = await screen.findByRole("dialog", { name: "Remove “Northwind”?" });
    expect(within(dialog).getByText(/deletes its admin token and app secret from this computer's keychain/)).toBeTruthy();
    await expectNoSeriousA11yViolations();
    // Cancel has the focus, so Enter never removes by accident.
    expect(document.activeElement?.textContent).toBe("Cancel");
    await user.click(within(dialog).getByRole("button", { name: "Remove portfolio" }));
    expect(await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" })).toBeTruthy();
    expect(calls).toContain("removePortfolio:saved-1");
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});
