import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Backend } from "../../backend/backend";
import type { EngineSession } from "../../backend/devhostIpc";
import type { IssuedToken, TokenExpiry } from "../../backend/types";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { freshEngine } from "../../test/engine";
import { renderWithBackend } from "../../test/render";
import { CopyOnceDialog, maskToken } from "./CopyOnceDialog";

/** The open portfolio's "Reporting Server" (it holds five ad accounts and a Page) and its app. */
async function reportingServer(backend: Backend) {
  const overview = await backend.portfolioOverview();
  if (overview.status !== "ok") throw new Error(overview.error.message);
  const user = overview.data.system_users.find((u) => u.name === "Reporting Server");
  if (!user || !overview.data.app_id) throw new Error("the demo has no Reporting Server");
  return { user, appId: overview.data.app_id };
}

/** A token the engine really generated (it stays in Rust; we get its handle). */
async function generate(backend: Backend, scopes: string[] = ["ads_read"], expiry: TokenExpiry = "sixty_days") {
  const { user, appId } = await reportingServer(backend);
  const generated = await backend.generateToken({ system_user_id: user.id, app_id: appId, scopes, expiry }, () => undefined);
  if (generated.status !== "ok") throw new Error(generated.error.message);
  return generated.data;
}

function render(backend: Backend, token: IssuedToken) {
  let closed = 0;
  const user = userEvent.setup();
  renderWithBackend(
    <CopyOnceDialog token={token} systemUserName="Reporting Server" onClosed={() => closed++} />,
    backend,
  );
  return { user, closedCount: () => closed };
}

async function dialog() {
  return screen.findByRole("dialog", { name: "The new token for Reporting Server" });
}

/** Whether Rust still holds the token: after a close it must be gone. */
async function stillHeld(backend: Backend, token: IssuedToken) {
  const revealed = await backend.revealToken(token.handle);
  if (revealed.status === "ok") return true;
  expect(revealed.error.code).toBe("token_gone");
  return false;
}

/** Opens a saved portfolio (the demo agency, connected with its manifest credentials). The demo
 * portfolio itself cannot keep tokens in the keychain (see the report), a saved one can. */
async function openSavedPortfolio(backend: Backend, engine: EngineSession) {
  const manifest = (await engine.emulator("GET", "manifest")) as {
    businesses: { id: string; name: string; admin_token: string; apps: { id: string; secret: string }[] }[];
  };
  const agency = manifest.businesses[0];
  const app = agency?.apps[0];
  if (!agency || !app) throw new Error("the demo manifest has no agency");
  const saved = await backend.savePortfolio({
    label: agency.name,
    business_id: agency.id,
    app_id: app.id,
    admin_token: agency.admin_token,
    app_secret: app.secret,
  });
  if (saved.status !== "ok") throw new Error(saved.error.message);
}

describe("the copy-once dialog", () => {
  it("shows the token masked with what Meta says it can do, copies through Rust, then forgets it on close", async () => {
    const { backend, engine } = await freshEngine();
    const token = await generate(backend, ["ads_read", "pages_show_list"]);
    const { user, closedCount } = render(backend, token);
    const shown = await dialog();
    expect(within(shown).getByText(`${"•".repeat(24)}${token.last_chars}`)).toBeTruthy();
    expect(within(shown).queryByText(/EAA/)).toBeNull();
    // The engine's post-check, in its own words: the kind's label, never the raw `system_user`.
    expect(within(shown).getByText("System user token")).toBeTruthy();
    expect(within(shown).queryByText("system_user")).toBeNull();
    expect(within(shown).getByText("Brightline Ads Manager")).toBeTruthy();
    expect(within(shown).getByText(/\(in 59 days\)$/)).toBeTruthy();
    // The assets each permission reaches, named after the system user's own assets (Meta lists
    // ad accounts without their act_ prefix).
    const table = within(shown).getByRole("table");
    const adsRead = within(table).getByRole("row", { name: /ads_read/ });
    expect(
      await within(adsRead).findByText(/^5 assets: Aurora Skincare – US – Prospecting 0001, Bluebird Travel – US – Prospecting 0001, /),
    ).toBeTruthy();
    expect(within(table).getByRole("row", { name: /pages_show_list/ }).textContent).toContain("1 asset: Aurora Skincare US");
    await expectNoSeriousA11yViolations();

    await user.click(within(shown).getByRole("button", { name: "Copy" }));
    expect(await within(shown).findByText(/^Copied · Clipboard clears in (30|29) s$/)).toBeTruthy();
    expect(within(shown).getByText("Copied. The clipboard clears in 30 seconds.")).toBeTruthy();
    expect(within(shown).getByRole("button", { name: "Copy again" })).toBeTruthy();
    // The engine's clipboard holds it (the webview never did).
    expect(await engine.clipboardHoldsSecret()).toBe(true);

    await user.click(within(shown).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(closedCount()).toBe(1));
    expect(await stillHeld(backend, token)).toBe(false);
    // Closing cleared the clipboard that still held the token.
    expect(await engine.clipboardHoldsSecret()).toBe(false);
  });

  it("asks before closing a token that was never copied; Escape asks too and is not an outside click", async () => {
    const { backend } = await freshEngine();
    const token = await generate(backend);
    const { user, closedCount } = render(backend, token);
    await dialog();
    await user.keyboard("{Escape}");
    const confirm = await screen.findByRole("alertdialog", { name: "Close without copying?" });
    expect(within(confirm).getByText("You have not copied this token. Once closed it cannot be shown again.")).toBeTruthy();
    await expectNoSeriousA11yViolations();
    await user.click(within(confirm).getByRole("button", { name: "Go back" }));
    expect(await dialog()).toBeTruthy();
    expect(await stillHeld(backend, token)).toBe(true);
    await user.click(document.body);
    expect(screen.getByRole("dialog")).toBeTruthy();

    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Close" }));
    await user.click(await screen.findByRole("button", { name: "Close without copying" }));
    await waitFor(() => expect(closedCount()).toBe(1));
    expect(await stillHeld(backend, token)).toBe(false);
  });

  it("sends a copy made by hand from the revealed token through Rust, with the countdown", async () => {
    const { backend, engine } = await freshEngine();
    const token = await generate(backend);
    const { user } = render(backend, token);
    const shown = await dialog();
    await user.click(within(shown).getByRole("button", { name: "Reveal" }));
    const field = await within(shown).findByRole<HTMLTextAreaElement>("textbox", { name: "The token" });
    expect(await engine.clipboardHoldsSecret()).toBe(false);
    field.select();
    const handled = !field.dispatchEvent(new ClipboardEvent("copy", { bubbles: true, cancelable: true }));
    expect(handled).toBe(true);
    await waitFor(async () => expect(await engine.clipboardHoldsSecret()).toBe(true));
    expect(await within(shown).findByText(/Clipboard clears in/)).toBeTruthy();
  });

  it("reveals the token in a read-only field and hides it again", async () => {
    const { backend } = await freshEngine();
    const token = await generate(backend);
    const { user, closedCount } = render(backend, token);
    const shown = await dialog();
    await user.click(within(shown).getByRole("button", { name: "Reveal" }));
    const field = await within(shown).findByRole<HTMLTextAreaElement>("textbox", { name: "The token" });
    expect(field.value).toMatch(/^EAA/);
    expect(field.value.endsWith(token.last_chars)).toBe(true);
    expect(field.value).toHaveLength(token.length);
    expect(field.hasAttribute("readonly")).toBe(true);
    const text = field.value;
    await user.click(within(shown).getByRole("button", { name: "Hide" }));
    expect(within(shown).queryByRole("textbox", { name: "The token" })).toBeNull();
    // The engine hands a token over once: showing it again uses what the dialog was given, and
    // a script asking the engine again gets nothing.
    await user.click(within(shown).getByRole("button", { name: "Reveal" }));
    const again = await within(shown).findByRole<HTMLTextAreaElement>("textbox", { name: "The token" });
    expect(again.value).toBe(text);
    const second = await backend.revealToken(token.handle);
    expect(second.status === "error" ? second.error.code : "revealed twice").toBe("token_already_revealed");
    await user.click(within(shown).getByRole("button", { name: "Hide" }));
    // Revealed counts as seen: closing does not ask.
    await user.click(within(shown).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(closedCount()).toBe(1));
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });

  it("writes to the keychain only when asked, and keeps the token when the keychain refuses", async () => {
    const { backend, engine } = await freshEngine();
    await openSavedPortfolio(backend, engine);
    const token = await generate(backend);
    const { user, closedCount } = render(backend, token);
    const shown = await dialog();
    const keep = within(shown).getByRole("checkbox", { name: /Keep a copy in this computer's keychain/ });
    expect(keep).toHaveProperty("checked", false);
    await user.click(keep);
    // The OS keyring is locked this once: the engine's own error, and the token is still here.
    await engine.keyringFault("locked");
    await user.click(within(shown).getByRole("button", { name: "Close" }));
    const alert = await within(shown).findByRole("alert");
    expect(within(alert).getByText("The token was not saved in the keychain, and it is still here")).toBeTruthy();
    expect(within(alert).getByText("Your keyring is locked.")).toBeTruthy();
    expect(within(alert).getByText(/^Unlock it when your system asks/)).toBeTruthy();
    expect(closedCount()).toBe(0);
    expect(await stillHeld(backend, token)).toBe(true);
    await expectNoSeriousA11yViolations();
    // Unlocked now: Close keeps the copy and forgets the token.
    await user.click(within(shown).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(closedCount()).toBe(1));
    expect(await stillHeld(backend, token)).toBe(false);
  });

  it("does not touch the keychain when keeping a copy is left off", async () => {
    const { backend, engine } = await freshEngine();
    await openSavedPortfolio(backend, engine);
    const token = await generate(backend);
    const { user, closedCount } = render(backend, token);
    const shown = await dialog();
    await user.click(within(shown).getByRole("button", { name: "Copy" }));
    await within(shown).findByText(/^Copied · /);
    await engine.keyringFault("locked");
    await user.click(within(shown).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(closedCount()).toBe(1));
    // The one-time fault is still waiting: nothing reached the keyring.
    const probe = await backend.keyringStatus();
    expect(probe.status === "error" ? probe.error.code : probe.status).toBe("keyring_locked");
  });

  it("says the token was issued when the post-check failed", async () => {
    const { backend, engine } = await freshEngine();
    // Meta fails every debug_token: the token is issued, the check after it is not.
    await engine.emulator("PUT", "faults", { transient_error_rate: 1, path_contains: "debug_token" });
    const token = await generate(backend);
    await engine.emulator("DELETE", "faults");
    expect(token.post_check_error).toMatch(/^The token was issued, but Gatehouse could not ask Meta what it contains: /);
    render(backend, token);
    const shown = await dialog();
    expect(within(shown).getByText("The token was issued, but Gatehouse could not check what it can do.")).toBeTruthy();
    expect(within(shown).getByText(token.post_check_error ?? "")).toBeTruthy();
    expect(within(shown).queryByRole("heading", { name: "What this token can do" })).toBeNull();
    await expectNoSeriousA11yViolations();
  });

  it("masks by length, capped", () => {
    expect(maskToken({ last_chars: "abcd", length: 10 })).toBe("••••••abcd");
    expect(maskToken({ last_chars: "abcd", length: 300 })).toBe(`${"•".repeat(24)}abcd`);
  });
});
