import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import type { Backend } from "../backend/backend";
import type { EngineSession } from "../backend/devhostIpc";
import type { TokenExpiry } from "../backend/types";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { freshEngine } from "../test/engine";
import { renderWithBackend } from "../test/render";

type Manifest = { businesses: { admin_token: string | null; user_token: string }[] };

/** The demo agency's own tokens, as the emulator issued them: its admin system user's token
 * (never expires) and its admin's personal token. */
async function manifestTokens(engine: EngineSession) {
  const agency = ((await engine.emulator("GET", "manifest")) as Manifest).businesses[0];
  if (!agency?.admin_token) throw new Error("the demo agency has no admin token");
  return { admin: agency.admin_token, person: agency.user_token };
}

/** A token the engine generates for "Reporting Server", revealed the one way a token reaches
 * the webview. */
async function generatedToken(backend: Backend, scopes: string[], expiry: TokenExpiry = "sixty_days") {
  const overview = await backend.portfolioOverview();
  if (overview.status !== "ok") throw new Error(overview.error.message);
  const owner = overview.data.system_users.find((u) => u.name === "Reporting Server");
  if (!owner || !overview.data.app_id) throw new Error("the demo has no Reporting Server");
  const issued = await backend.generateToken(
    { system_user_id: owner.id, app_id: overview.data.app_id, scopes, expiry },
    () => undefined,
  );
  if (issued.status !== "ok") throw new Error(issued.error.message);
  const revealed = await backend.revealToken(issued.data.handle);
  if (revealed.status !== "ok") throw new Error(revealed.error.message);
  await backend.forgetToken(issued.data.handle);
  return { token: revealed.data, owner };
}

function open(backend: Backend) {
  window.location.hash = "#/inspect-token";
  renderWithBackend(<App />, backend);
}

async function inspect(token: string) {
  const user = userEvent.setup();
  const field = await screen.findByLabelText<HTMLInputElement>("Access token");
  await user.click(field);
  await user.paste(token);
  await user.keyboard("{Enter}");
  return { user, field };
}

describe("inspect a token", () => {
  it("keeps the pasted token out of view and out of every store", async () => {
    const { backend, engine } = await freshEngine();
    const { admin } = await manifestTokens(engine);
    open(backend);
    const field = await screen.findByLabelText<HTMLInputElement>("Access token");
    expect(field.type).toBe("password");
    expect(field.getAttribute("autocomplete")).toBe("off");
    expect(field.getAttribute("spellcheck")).toBe("false");
    await inspect(admin);
    await screen.findByRole("region", { name: "About this token" });
    const stored = [
      ...Object.keys(localStorage).map((k) => localStorage.getItem(k)),
      ...Object.keys(sessionStorage).map((k) => sessionStorage.getItem(k)),
    ];
    expect(stored.some((v) => v?.includes(admin))).toBe(false);
    expect(window.location.href).not.toContain(admin);
    expect(document.body.textContent).not.toContain(admin);
  });

  it("shows type, app, owner, expiry with a countdown, and each permission's assets by name", async () => {
    const { backend, engine } = await freshEngine();
    // Issued 2 days 5½ hours ago (Meta's clock set back for it): 57 days 18½ hours are left, far
    // from any rounding edge of the countdown.
    await engine.emulator("POST", "clock", { advance_secs: -(2 * 86_400 + 5 * 3600 + 1800) });
    const { token, owner } = await generatedToken(backend, ["ads_read", "pages_show_list"]);
    open(backend);
    await inspect(token);
    const about = await screen.findByRole("region", { name: "About this token" });
    expect(within(about).getByText("Works")).toBeTruthy();
    expect(within(about).getByText("System user token")).toBeTruthy();
    expect(within(about).getByText("Brightline Ads Manager")).toBeTruthy();
    // The owner is named, with a way to its screen.
    expect((await within(about).findByRole("link", { name: "Reporting Server" })).getAttribute("href")).toBe(
      `#/system-users/${owner.id}`,
    );
    expect(within(about).getByText("57 days 18 hours left")).toBeTruthy();
    // Meta was asked (debug_token), with the pasted token.
    const log = (await engine.emulator("GET", "requests")) as { requests: { path: string }[] };
    expect(log.requests.some((r) => r.path.endsWith("/debug_token"))).toBe(true);

    const permissions = screen.getByRole("grid", { name: "Permissions of the token" });
    const ads = within(permissions).getByRole("row", { name: /ads_read/ });
    // Assets the owner holds are named (Meta lists ad accounts without act_); IDs stay in the tooltip.
    const account = await within(ads).findByText("Aurora Skincare – US – Prospecting 0001");
    expect(account.getAttribute("title")).toMatch(/^\d+$/);
    expect(within(ads).getAllByText(/ – Prospecting 0001$/)).toHaveLength(5);
    // Each permission carries its plain sentence from the engine's catalog.
    expect(within(ads).getByText("Read campaigns, ads and their results. Changes nothing.")).toBeTruthy();
    const list = within(permissions).getByRole("row", { name: /pages_show_list/ });
    await waitFor(() => expect(within(list).getByText("Aurora Skincare US")).toBeTruthy());
    expect(screen.getByRole("button", { name: "Refresh for 60 days" })).toBeTruthy();
    await expectNoSeriousA11yViolations();
  });

  it("says a never-expiring token never expires and offers no refresh", async () => {
    const { backend, engine } = await freshEngine();
    const { admin } = await manifestTokens(engine);
    open(backend);
    await inspect(admin);
    const about = await screen.findByRole("region", { name: "About this token" });
    expect(within(about).getByText("Never")).toBeTruthy();
    // Named once the open portfolio's system users are known.
    expect(await within(about).findByRole("link", { name: "Gatehouse Admin" })).toBeTruthy();
    // Granted on every asset the system user can reach.
    const permissions = screen.getByRole("grid", { name: "Permissions of the token" });
    const ads = await within(permissions).findByRole("row", { name: /ads_management/ });
    expect(within(ads).getByText("All assets the system user can reach")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Refresh for 60 days" })).toBeNull();
    expect(screen.getByRole("button", { name: "Revoke…" })).toBeTruthy();
  });

  it("names a person's token and says its owner is not a system user of the portfolio", async () => {
    const { backend, engine } = await freshEngine();
    const { person } = await manifestTokens(engine);
    open(backend);
    await inspect(person);
    const about = await screen.findByRole("region", { name: "About this token" });
    expect(within(about).getByText("A person's token")).toBeTruthy();
    expect(await within(about).findByText("(not a system user of the open portfolio)")).toBeTruthy();
    expect(within(about).queryByRole("link")).toBeNull();
  });

  it("explains a token Meta does not accept, with the fix and details", async () => {
    const { backend } = await freshEngine();
    open(backend);
    const { field, user } = await inspect("EAAGnotAToken");
    // The pasted token is what is wrong: said on the field, with a fix about that token (not
    // about Gatehouse's own connection).
    await waitFor(() => expect(field.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText(/^Meta does not accept this access token: it is malformed, was revoked/)).toBeTruthy();
    expect(screen.getByText(/Generate a new token for its system user/)).toBeTruthy();
    expect(screen.queryByText(/connect the portfolio again/)).toBeNull();
    await user.click(screen.getByText("Details"));
    expect(screen.getByText("token_invalid")).toBeTruthy();
    expect(screen.getByText(/Graph code 190/)).toBeTruthy();
    expect(screen.queryByRole("region", { name: "About this token" })).toBeNull();
    // What was pasted stays, to be corrected.
    expect(field.value).toBe("EAAGnotAToken");
    await expectNoSeriousA11yViolations();
  });

  it("revokes after a confirmation, then shows the token no longer works", async () => {
    const { backend, engine } = await freshEngine();
    const { token } = await generatedToken(backend, ["ads_read"]);
    open(backend);
    const { user } = await inspect(token);
    await user.click(await screen.findByRole("button", { name: "Revoke…" }));
    const dialog = await screen.findByRole("dialog", { name: "Revoke this token?" });
    expect(within(dialog).getByText(/stops working at once/)).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "Revoke token" }));
    expect(await screen.findByText("The token is revoked. Integrations that used it stop working now.")).toBeTruthy();
    const about = screen.getByRole("region", { name: "About this token" });
    await waitFor(() => expect(within(about).getByText("Does not work")).toBeTruthy());
    expect(screen.queryByRole("button", { name: "Revoke…" })).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
    // Meta agrees: the token is revoked there.
    const revoked = await backend.inspectToken(token);
    expect(revoked.status === "error" ? revoked.error.code : revoked.status).toBe("token_invalid");
    const state = (await engine.emulator("GET", "state")) as { tokens: { token_prefix: string; status: string }[] };
    expect(state.tokens.find((t) => token.startsWith(t.token_prefix))?.status).not.toBe("valid");
  });

  it("refreshes a 60-day token and hands the new one over once", async () => {
    const { backend } = await freshEngine();
    const { token } = await generatedToken(backend, ["ads_read"]);
    open(backend);
    const { user } = await inspect(token);
    await user.click(await screen.findByRole("button", { name: "Refresh for 60 days" }));
    const dialog = await screen.findByRole("dialog", { name: "Your new token" });
    expect(within(dialog).getByText("System user token")).toBeTruthy();
    // The new token goes to the clipboard from Rust, never through this screen.
    await user.click(within(dialog).getByRole("button", { name: "Copy" }));
    expect(await within(dialog).findByText(/^Copied · Clipboard clears in (30|29) s$/)).toBeTruthy();
    expect(within(dialog).queryByText("The token was not copied")).toBeNull();
    // It is a new token, and the old one still works.
    await user.click(within(dialog).getByRole("button", { name: "Reveal" }));
    const fresh = (await within(dialog).findByRole<HTMLTextAreaElement>("textbox", { name: "The token" })).value;
    expect(fresh).toMatch(/^EAA/);
    expect(fresh).not.toBe(token);
    expect((await backend.inspectToken(token)).status).toBe("ok");
    expect((await backend.inspectToken(fresh)).status).toBe("ok");
    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(
      await screen.findByText(
        "The new token lasts 60 days. The old one keeps working until it expires; paste the new one where the old one is used.",
      ),
    ).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("clears the pasted token when leaving the screen", async () => {
    const { backend, engine } = await freshEngine();
    const { admin } = await manifestTokens(engine);
    open(backend);
    const { user } = await inspect(admin);
    await screen.findByRole("region", { name: "About this token" });
    await user.click(screen.getByRole("link", { name: "Settings" }));
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    await user.click(screen.getByRole("link", { name: "Inspect token" }));
    const field = await screen.findByLabelText<HTMLInputElement>("Access token");
    expect(field.value).toBe("");
    expect(screen.queryByRole("region", { name: "About this token" })).toBeNull();
  });
});
