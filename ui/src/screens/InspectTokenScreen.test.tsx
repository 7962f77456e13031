import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { mockBackend, sampleTokens } from "../backend/mockBackend";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { renderWithBackend } from "../test/render";

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
    const { backend } = mockBackend();
    window.location.hash = "#/inspect-token";
    renderWithBackend(<App />, backend);
    const field = await screen.findByLabelText<HTMLInputElement>("Access token");
    expect(field.type).toBe("password");
    expect(field.getAttribute("autocomplete")).toBe("off");
    expect(field.getAttribute("spellcheck")).toBe("false");
    await inspect(sampleTokens.sixtyDays);
    await screen.findByRole("region", { name: "About this token" });
    const stored = [...Object.keys(localStorage).map((k) => localStorage.getItem(k)), ...Object.keys(sessionStorage).map((k) => sessionStorage.getItem(k))];
    expect(stored.some((v) => v?.includes(sampleTokens.sixtyDays))).toBe(false);
    expect(window.location.href).not.toContain(sampleTokens.sixtyDays);
  });

  it("shows type, app, owner, expiry with a countdown, and each permission's assets", async () => {
    const { backend, calls } = mockBackend();
    window.location.hash = "#/inspect-token";
    renderWithBackend(<App />, backend);
    await inspect(sampleTokens.sixtyDays);
    const about = await screen.findByRole("region", { name: "About this token" });
    expect(within(about).getByText("Works")).toBeTruthy();
    expect(within(about).getByText("System user token")).toBeTruthy();
    expect(within(about).getByText("Brightline Reporting")).toBeTruthy();
    // The owner is named, with a way to its screen.
    expect(within(about).getByRole("link", { name: "Reporting Bot" }).getAttribute("href")).toBe("#/system-users/610000000000002");
    expect(within(about).getByText(/^57 days (4|5) hours left$/)).toBeTruthy();
    const permissions = screen.getByRole("grid", { name: "Permissions of the token" });
    const ads = within(permissions).getByRole("row", { name: /ads_read/ });
    // Assets the owner holds are named; the IDs stay in the tooltip.
    await waitFor(() => expect(within(ads).getByText("Lumen Dental – Prospecting")).toBeTruthy());
    // Each permission carries its plain sentence from the catalog.
    const catalog = await backend.scopeCatalog();
    const sentence = catalog.status === "ok" ? catalog.data.groups.flatMap((g) => g.scopes).find((x) => x.name === "ads_read")?.sentence : null;
    expect(within(ads).getByText(sentence ?? "missing")).toBeTruthy();
    const list = within(permissions).getByRole("row", { name: /pages_show_list/ });
    expect(within(list).getByText("All assets the system user can reach")).toBeTruthy();
    expect(calls).toContain("inspectToken");
    expect(screen.getByRole("button", { name: "Refresh for 60 days" })).toBeTruthy();
    await expectNoSeriousA11yViolations();
  });

  it("says a never-expiring token never expires and offers no refresh", async () => {
    const { backend } = mockBackend();
    window.location.hash = "#/inspect-token";
    renderWithBackend(<App />, backend);
    await inspect(sampleTokens.never);
    const about = await screen.findByRole("region", { name: "About this token" });
    expect(within(about).getByText("Never")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Refresh for 60 days" })).toBeNull();
  });

  it("explains a token Meta does not recognise, with the fix and details", async () => {
    const { backend } = mockBackend();
    window.location.hash = "#/inspect-token";
    renderWithBackend(<App />, backend);
    const { field, user } = await inspect("EAAGnotAToken");
    expect(await screen.findByText(/Meta does not recognise this token/)).toBeTruthy();
    await user.click(screen.getByText("Details"));
    expect(screen.getByText(/Graph code 190/)).toBeTruthy();
    expect(screen.getByText(/Check that you pasted the whole token/)).toBeTruthy();
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(field.value).toBe("EAAGnotAToken");
  });

  it("revokes after a confirmation, then shows the token no longer works", async () => {
    const { backend, calls } = mockBackend();
    window.location.hash = "#/inspect-token";
    renderWithBackend(<App />, backend);
    const { user } = await inspect(sampleTokens.sixtyDays);
    await user.click(await screen.findByRole("button", { name: "Revoke…" }));
    const dialog = await screen.findByRole("dialog", { name: "Revoke this token?" });
    expect(within(dialog).getByText(/stops working at once/)).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "Revoke token" }));
    expect(await screen.findByText("The token is revoked. Integrations that used it stop working now.")).toBeTruthy();
    expect(calls).toContain("revokeToken");
    await waitFor(() => expect(screen.getByText("Does not work")).toBeTruthy());
  });

  it("refreshes a 60-day token and hands the new one over once", async () => {
    const { backend, calls } = mockBackend();
    window.location.hash = "#/inspect-token";
    renderWithBackend(<App />, backend);
    const { user } = await inspect(sampleTokens.sixtyDays);
    await user.click(await screen.findByRole("button", { name: "Refresh for 60 days" }));
    const dialog = await screen.findByRole("dialog");
    expect(calls).toContain("refreshToken");
    // The new token is copied through the backend, never handed to this screen.
    await user.click(within(dialog).getByRole("button", { name: /^Copy/ }));
    await waitFor(() => expect(calls.some((c) => c.startsWith("copyToken:refreshed-1:"))).toBe(true));
    expect(within(dialog).queryByText("The token was not copied")).toBeNull();
  });

  it("clears the pasted token when leaving the screen", async () => {
    const { backend } = mockBackend();
    window.location.hash = "#/inspect-token";
    renderWithBackend(<App />, backend);
    const { user } = await inspect(sampleTokens.never);
    await screen.findByRole("region", { name: "About this token" });
    await user.click(screen.getByRole("link", { name: "Settings" }));
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    await user.click(screen.getByRole("link", { name: "Inspect token" }));
    const field = await screen.findByLabelText<HTMLInputElement>("Access token");
    expect(field.value).toBe("");
    expect(screen.queryByRole("region", { name: "About this token" })).toBeNull();
  });
});
