import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import { FIRST_INTERACTIVE } from "./firstInteractive";
import { expectNoSeriousA11yViolations } from "./test/axe";
import { requestLog } from "./test/demoWorld";
import { freshEngine } from "./test/engine";
import { renderWithBackend } from "./test/render";

describe("app shell", () => {
  it("opens on the start screen with the main navigation", async () => {
    const { backend } = await freshEngine();
    const info = await backend.appInfo();
    if (info.status !== "ok") throw new Error("appInfo cannot fail");
    renderWithBackend(<App />, backend);
    expect(screen.getByRole("heading", { level: 1, name: "Welcome to Gatehouse" })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(nav.textContent).toContain("Start");
    expect(nav.textContent).toContain("System users");
    expect(nav.textContent).toContain("Inspect token");
    expect(nav.textContent).toContain("Settings");
    // The portfolio a first run opens: the demo agency.
    expect(await screen.findByText("Demo: nothing leaves this computer")).toBeTruthy();
    expect(await screen.findByText("Brightline Digital Partners")).toBeTruthy();
    expect(await screen.findByText(`Version ${info.data.version}`)).toBeTruthy();
    expect(screen.getByRole("link", { name: "Connect your business portfolio" }).getAttribute("href")).toBe("#/connect");
    await expectNoSeriousA11yViolations();
  });

  it("marks the first frame with the open portfolio on screen (the start-up benchmark reads it)", async () => {
    performance.clearMarks(FIRST_INTERACTIVE);
    const { backend } = await freshEngine();
    renderWithBackend(<App />, backend);
    expect(performance.getEntriesByName(FIRST_INTERACTIVE)).toHaveLength(0);
    await screen.findByText("Brightline Digital Partners");
    await waitFor(() => expect(performance.getEntriesByName(FIRST_INTERACTIVE)).toHaveLength(1));
    const [mark] = performance.getEntriesByName(FIRST_INTERACTIVE);
    expect(mark?.startTime).toBeGreaterThan(0);
  });

  it("opens a system user from the list by keyboard (Enter on its row)", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    await screen.findByRole("link", { name: "Reporting Server" });
    // Tab to the list (after "Add system user"), arrow down to the row, Enter opens it.
    screen.getByRole("button", { name: "Add system user" }).focus();
    await user.tab();
    const focused = () => document.activeElement?.textContent ?? "";
    for (let i = 0; i < 6 && !focused().startsWith("Reporting Server"); i++) await user.keyboard("{ArrowDown}");
    expect(focused()).toMatch(/^Reporting Server/);
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { level: 1, name: "Reporting Server" })).toBeTruthy();
    // Back to the list, by keyboard as well.
    const back = screen.getByRole("link", { name: "← All system users" });
    back.focus();
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { level: 1, name: "System users" })).toBeTruthy();
  });

  it("falls back to the start screen for an unknown address", async () => {
    const { backend } = await freshEngine();
    window.location.hash = "#/nowhere/at/all";
    renderWithBackend(<App />, backend);
    expect(await screen.findByRole("heading", { level: 1, name: "Welcome to Gatehouse" })).toBeTruthy();
  });

  it("navigates to settings by keyboard and shows the keychain result", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
    renderWithBackend(<App />, backend);
    await user.tab();
    expect(document.activeElement?.textContent).toMatch(/Switch portfolio/);
    for (const name of ["Start", "All portfolios", "System users", "Access matrix", "Clients", "Inspect token", "Tokens", "Audit log", "Settings"]) {
      await user.tab();
      expect(document.activeElement?.textContent).toBe(name);
    }
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeTruthy();
    expect(await screen.findByText("The keychain is ready")).toBeTruthy();
    // The session's keyring (in memory in the dev host) answered the probe.
    expect(screen.getByText(/^In-memory test store answered in \d+ ms\.$/)).toBeTruthy();
    await expectNoSeriousA11yViolations();
  });

  it("explains a keychain that cannot be used, with its fix", async () => {
    const { backend, engine } = await freshEngine();
    // The next keyring call fails as it does on a desktop without a keyring service.
    await engine.keyringFault("no_secret_service");
    window.location.hash = "#/settings";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("The keychain is not usable")).toBeTruthy();
    expect(screen.getByText("Gatehouse keeps tokens in your system keyring, but no keyring service is running in this session.")).toBeTruthy();
    expect(screen.getByText(/Start GNOME Keyring, KWallet or KeePassXC/)).toBeTruthy();
  });

  // Each way the keychain can fail is its own state with its own fix, from the engine; and
  // "Check again" finds it ready once the fault is gone (a fault lasts one call).
  it.each([
    ["no_secret_service", /no keyring service is running/],
    ["locked", /locked/i],
    ["prompt_dismissed", /dismissed|cancel/i],
    ["timeout", /did not answer/i],
  ] as const)("shows the %s keychain state with its fix, then checks again", async (fault, message) => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    await engine.keyringFault(fault);
    window.location.hash = "#/settings";
    renderWithBackend(<App />, backend);
    const title = await screen.findByText("The keychain is not usable", undefined, { timeout: 8000 });
    const callout = title.closest("[role='alert'], .callout") ?? document.body;
    expect(callout.textContent).toMatch(message);
    // A keyring that did not answer finishes its stuck call first (a moment after the limit).
    if (fault === "timeout") await new Promise((done) => setTimeout(done, 600));
    await user.click(screen.getByRole("button", { name: "Check again" }));
    expect(await screen.findByText("The keychain is ready", undefined, { timeout: 5000 })).toBeTruthy();
  });

  it("applies and remembers the chosen theme", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
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
    const { backend } = await freshEngine();
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    const table = await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" });
    // React Aria builds the table's rows in a second pass.
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(3));
    const rows = within(table).getAllByRole("row");
    expect(within(rows[1] as HTMLElement).getByText("Gatehouse Admin")).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText("Admin")).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText("Reporting Server")).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText("Regular")).toBeTruthy();
    expect(screen.getByText("1 of 10 regular system users and 1 of 1 admin on the Full tier.")).toBeTruthy();
    await expectNoSeriousA11yViolations();
  });

  it("explains what raising a Limited-tier quota takes", async () => {
    const { backend } = await freshEngine();
    // Lucky Shrub's app has Limited Marketing API access.
    const list = await backend.listPortfolios();
    const lucky = list.status === "ok" ? list.data.portfolios.find((p) => p.label === "Lucky Shrub Garden Supply") : undefined;
    expect((await backend.switchPortfolio(lucky?.id ?? "")).status).toBe("ok");
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("0 of 1 regular system user and 1 of 1 admin on the Limited tier.")).toBeTruthy();
    expect(screen.getByText(/once one of your apps has Full access/)).toBeTruthy();
  });

  it("shows a load failure in plain words and loads again on request", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    // Meta throttles the system-user list for an hour: Gatehouse does not wait that long.
    await engine.emulator("PUT", "faults", { throttle_for_secs: 3600, path_contains: "/system_users" });
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    expect(await screen.findByText("The system users could not be loaded")).toBeTruthy();
    expect(screen.getByText(/Meta is throttling requests/)).toBeTruthy();
    expect(screen.getByText(/Wait about 60 minutes, then try again/)).toBeTruthy();
    await expectNoSeriousA11yViolations();
    // Access is back: "Try again" reads the list again, and Meta answers this time.
    await engine.emulator("DELETE", "faults");
    const reads = async () => (await requestLog(engine)).filter((r) => r.method === "GET" && r.path.endsWith("/system_users"));
    const before = await reads();
    expect(before.map((r) => r.error_code)).toEqual([80004]);
    await user.click(screen.getByRole("button", { name: "Try again" }));
    // Gatehouse paces itself after a throttle, so the list may take a few seconds.
    expect(await screen.findByRole("grid", { name: "System users of Brightline Digital Partners" }, { timeout: 15_000 })).toBeTruthy();
    const again = (await reads()).slice(before.length);
    expect(again[0]?.status).toBe(200);
  });
});
