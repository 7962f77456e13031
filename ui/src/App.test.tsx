import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import { mockBackend, sampleOverview } from "./backend/mockBackend";
import { expectNoSeriousA11yViolations } from "./test/axe";
import { renderWithBackend } from "./test/render";

describe("app shell", () => {
  it("opens on the start screen with the main navigation", async () => {
    const { backend } = mockBackend();
    renderWithBackend(<App />, backend);
    expect(screen.getByRole("heading", { level: 1, name: "Welcome to Gatehouse" })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(nav.textContent).toContain("Start");
    expect(nav.textContent).toContain("System users");
    expect(nav.textContent).toContain("Inspect token");
    expect(nav.textContent).toContain("Settings");
    expect(await screen.findByText("Demo: nothing leaves this computer")).toBeTruthy();
    expect(await screen.findByText("Brightline Digital Partners")).toBeTruthy();
    expect(await screen.findByText("Version 0.0.0-test")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Connect your business portfolio" }).getAttribute("href")).toBe("#/connect");
    await expectNoSeriousA11yViolations();
  });

  it("opens a system user from the list by keyboard (Enter on its row)", async () => {
    const user = userEvent.setup();
    const { backend } = mockBackend();
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    await screen.findByRole("link", { name: "Conversions API server" });
    // Tab to the list (after "Add system user"), arrow down to the row, Enter opens it.
    screen.getByRole("button", { name: "Add system user" }).focus();
    await user.tab();
    const focused = () => document.activeElement?.textContent ?? "";
    for (let i = 0; i < 6 && !focused().startsWith("Conversions API server"); i++) await user.keyboard("{ArrowDown}");
    expect(focused()).toMatch(/^Conversions API server/);
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { level: 1, name: "Conversions API server" })).toBeTruthy();
    // Back to the list, by keyboard as well.
    const back = screen.getByRole("link", { name: "← All system users" });
    back.focus();
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { level: 1, name: "System users" })).toBeTruthy();
  });

  it("falls back to the start screen for an unknown address", async () => {
    const { backend } = mockBackend();
    window.location.hash = "#/nowhere/at/all";
    renderWithBackend(<App />, backend);
    expect(await screen.findByRole("heading", { level: 1, name: "Welcome to Gatehouse" })).toBeTruthy();
  });

  it("navigates to settings by keyboard and shows the keychain result", async () => {
    const user = userEvent.setup();
    const { backend, calls } = mockBackend();
    renderWithBackend(<App />, backend);
    await user.tab();
    expect(document.activeElement?.getAttribute("aria-label")).toMatch(/Switch portfolio/);
    for (const name of ["Start", "System users", "Inspect token", "Settings"]) {
      await user.tab();
      expect(document.activeElement?.textContent).toBe(name);
    }
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeTruthy();
    expect(await screen.findByText("The keychain is ready")).toBeTruthy();
    expect(screen.getByText("Secret Service answered in 12 ms.")).toBeTruthy();
    expect(calls.filter((c) => c === "keyringStatus")).toHaveLength(1);
    await expectNoSeriousA11yViolations();
  });

  it("explains a keychain that cannot be used, with its fix", async () => {
    const { backend } = mockBackend({
      keyring: {
        status: "error",
        error: {
          code: "keyring_unavailable",
          message: "No keychain service is running on this computer.",
          fix: "Install and start GNOME Keyring or KWallet, then check again.",
          detail: "no Secret Service is available: connection refused",
          field: null,
        },
      },
    });
    window.location.hash = "#/settings";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("The keychain is not usable")).toBeTruthy();
    expect(screen.getByText("No keychain service is running on this computer.")).toBeTruthy();
    expect(screen.getByText("Install and start GNOME Keyring or KWallet, then check again.")).toBeTruthy();
  });

  it("applies and remembers the chosen theme", async () => {
    const user = userEvent.setup();
    const { backend } = mockBackend();
    window.location.hash = "#/settings";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("radio", { name: "Dark" }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));
    expect(localStorage.getItem("gatehouse.theme")).toBe("dark");
    await user.click(screen.getByRole("radio", { name: "Match system" }));
    expect(localStorage.getItem("gatehouse.theme")).toBeNull();
  });
});

describe("system users", () => {
  it("lists the portfolio's system users with roles and the quota in plain words", async () => {
    const { backend } = mockBackend();
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    const table = await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(5);
    expect(within(rows[1] as HTMLElement).getByText("Gatehouse Admin")).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText("Admin")).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText("Regular")).toBeTruthy();
    expect(screen.getByText("3 of 10 regular system users and 1 of 1 admin on the Full tier.")).toBeTruthy();
    await expectNoSeriousA11yViolations();
  });

  it("explains what raising a Limited-tier quota takes", async () => {
    const { backend } = mockBackend({
      overview: {
        status: "ok",
        data: { ...sampleOverview, quota: { tier: "Limited", regular_used: 1, regular_allowed: 1, admin_used: 1, admin_allowed: 1 } },
      },
    });
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("1 of 1 regular system user and 1 of 1 admin on the Limited tier.")).toBeTruthy();
    expect(screen.getByText(/once one of your apps has Full access/)).toBeTruthy();
  });

  it("shows a load failure in plain words and retries", async () => {
    const user = userEvent.setup();
    const { backend, calls } = mockBackend({
      overview: {
        status: "error",
        error: {
          code: "token_expired",
          message: "The access token Gatehouse uses for this portfolio has expired.",
          fix: "Connect the portfolio again with a new token.",
          detail: "Error validating access token (Graph code 190, subcode 463, trace AbC)",
          field: null,
        },
      },
    });
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("The system users could not be loaded")).toBeTruthy();
    expect(screen.getByText("Connect the portfolio again with a new token.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(calls.filter((c) => c === "portfolioOverview")).toHaveLength(2));
  });
});
