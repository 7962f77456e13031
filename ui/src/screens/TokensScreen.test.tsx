import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import type { Backend } from "../backend/backend";
import type { TokenExpiry } from "../backend/types";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { freshEngine } from "../test/engine";
import { renderWithBackend } from "../test/render";

/** Generates a token for "Reporting Server" through the engine (keeping a copy in the keychain
 * when `keep`); returns its last characters. */
async function generate(backend: Backend, expiry: TokenExpiry, keep = false): Promise<string> {
  const overview = await backend.portfolioOverview();
  if (overview.status !== "ok") throw new Error(overview.error.message);
  const owner = overview.data.system_users.find((u) => u.name === "Reporting Server");
  if (!owner || !overview.data.app_id) throw new Error("the demo has no Reporting Server");
  const issued = await backend.generateToken({ system_user_id: owner.id, app_id: overview.data.app_id, scopes: ["ads_read"], expiry }, () => undefined);
  if (issued.status !== "ok") throw new Error(issued.error.message);
  if (keep) {
    const kept = await backend.keepTokenInKeychain(issued.data.handle);
    if (kept.status !== "ok") throw new Error(kept.error.message);
  }
  const revealed = await backend.revealToken(issued.data.handle);
  if (revealed.status !== "ok") throw new Error(revealed.error.message);
  await backend.forgetToken(issued.data.handle);
  return revealed.data.slice(-6);
}

function rows(table: HTMLElement) {
  return within(table).getAllByRole("row").slice(1);
}

describe("the token inventory", () => {
  it("lists generated tokens by their last characters, the soonest expiry first, and exports the dates", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
    const forever = await generate(backend, "never");
    const sixty = await generate(backend, "sixty_days");
    window.location.hash = "#/tokens";
    renderWithBackend(<App />, backend);
    await screen.findByRole("heading", { level: 1, name: "Tokens" });

    const table = await screen.findByRole("grid", { name: "Tokens" });
    await waitFor(() => expect(rows(table)).toHaveLength(2));
    // The 60-day token first, named by its system user (once the portfolio's list is read),
    // app and permission.
    await waitFor(() =>
      expect(rows(table)[0]?.textContent).toMatch(/Reporting Server.*System user token.*ads_read.*Expires in (59|60) days.*Meta said it works.*Generated here/),
    );
    const [first, second] = rows(table);
    expect(first?.textContent).toContain(`…${sixty}`);
    expect(second?.textContent).toContain(`…${forever}`);
    expect(second?.textContent).toContain("Never expires");
    // No token in the page: only the last characters.
    expect(document.body.textContent).not.toMatch(/EAA\w{20,}/);
    await expectNoSeriousA11yViolations();

    await user.click(screen.getByRole("button", { name: "Export expiry dates (.ics)" }));
    expect(await screen.findByText(/Saved 1 expiry date for your calendar/)).toBeTruthy();
    expect(screen.getByText(/gatehouse-token-expiry-\d{4}-\d{2}-\d{2}\.ics/)).toBeTruthy();
  });

  it("refreshes a kept 60-day token from the list, guides a lost one (replace, then revoke by its copy) and a leaked one (stop first)", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
    const loose = await generate(backend, "never");
    const kept = await generate(backend, "sixty_days", true);
    window.location.hash = "#/tokens";
    renderWithBackend(<App />, backend);
    const table = await screen.findByRole("grid", { name: "Tokens" });
    await waitFor(() => expect(rows(table)).toHaveLength(2));
    // Only the kept 60-day token can be refreshed from here.
    expect(within(table).queryByRole("button", { name: `Refresh token …${loose}` })).toBeNull();
    await user.click(within(table).getByRole("button", { name: `Refresh token …${kept}` }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    await user.click(await screen.findByRole("button", { name: "Close without copying" }));
    await waitFor(() => expect(rows(table)).toHaveLength(3));
    expect(table.textContent).toContain("Refreshed here");

    // The refreshed one is lost: its copy is in the keychain, so the engine's guide replaces it
    // first and then revokes the old one by its copy.
    const refreshButton = within(table).getByRole("button", { name: /^Refresh token …/ });
    const renewed = (refreshButton.getAttribute("aria-label") ?? "").replace("Refresh token …", "");
    expect(renewed).not.toBe(kept);
    await user.click(within(table).getByRole("button", { name: `I lost it… token …${renewed}` }));
    const lost = await screen.findByRole("dialog", { name: `Lost: token …${renewed}` });
    const steps = within(lost).getAllByRole("listitem").map((li) => li.textContent);
    // Each step numbered, then its words.
    expect(steps[0]).toMatch(/^1Make a replacement/);
    expect(steps[steps.length - 1]).toMatch(new RegExp(`^${String(steps.length)}Revoke the old one`));
    expect(within(lost).getByRole("link", { name: "Open the system user" })).toBeTruthy();
    await user.click(within(lost).getByRole("button", { name: "Revoke it now" }));
    expect(await within(lost).findByText(`Token …${renewed} is revoked.`)).toBeTruthy();
    await user.click(within(lost).getByRole("button", { name: "Close" }));
    // Asked again, the engine's guide follows: it no longer works, nothing to stop.
    await waitFor(() => expect(within(table).getAllByText("Revoked").length).toBeGreaterThan(0));
    await user.click(within(table).getByRole("button", { name: `I lost it… token …${renewed}` }));
    const again = await screen.findByRole("dialog", { name: `Lost: token …${renewed}` });
    expect((await within(again).findAllByText(/It no longer works/)).length).toBeGreaterThan(0);
    expect(within(again).getByText(/^Nothing to stop/)).toBeTruthy();
    expect(within(again).queryByRole("button", { name: "Revoke it now" })).toBeNull();
    await user.click(within(again).getByRole("button", { name: "Close" }));

    // The never-expiring one leaked: no copy, so it is stopped first by invalidating every token
    // of Reporting Server, which the guide says stops the other working one too.
    await user.click(within(table).getByRole("button", { name: `I leaked it… token …${loose}` }));
    const rescue = await screen.findByRole("dialog", { name: `Leaked: token …${loose}` });
    expect(within(rescue).getAllByRole("listitem")[0]?.textContent).toMatch(/^1Stop it now\. Gatehouse keeps no copy of it/);
    expect(within(rescue).getByText(/The 1 other working token Gatehouse knows of for it stops too/)).toBeTruthy();
    await user.click(within(rescue).getByRole("button", { name: "Invalidate every token of Reporting Server" }));
    expect(await within(rescue).findByText("Every token of Reporting Server is invalidated.")).toBeTruthy();
    await user.click(within(rescue).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(within(table).getAllByText("Invalidated with all its system user's tokens").length).toBe(2));
    await expectNoSeriousA11yViolations();
  });

  it("starts empty and says what it will list", async () => {
    const { backend } = await freshEngine();
    window.location.hash = "#/tokens";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText(/No token yet/)).toBeTruthy();
  });
});

describe("the expiry reminder", () => {
  it("is set in Settings (on by default, the engine's default days), and off means no notice", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
    window.location.hash = "#/settings";
    renderWithBackend(<App />, backend);
    const toggle = await screen.findByRole("checkbox", { name: "Remind me before a token expires" });
    expect(toggle).toHaveProperty("checked", true);
    const days = await screen.findByRole("textbox", { name: /Remind me this many days before/ });
    expect((days as HTMLInputElement).value).toBe("7");
    await user.click(toggle);
    expect(toggle).toHaveProperty("checked", false);
    expect(JSON.parse(localStorage.getItem("gatehouse.expiryReminder") ?? "{}")).toMatchObject({ on: false });
    // The engine's notice for 60 days ahead names a 60-day token (none expire within 7 now).
    await generate(backend, "sixty_days");
    const notice = await backend.notifyTokenExpiry(60);
    expect(notice.status === "ok" && notice.data?.title).toBe("A token expires within 60 days");
    const none = await backend.notifyTokenExpiry(7);
    expect(none.status === "ok" && none.data).toBeNull();
  });
});
