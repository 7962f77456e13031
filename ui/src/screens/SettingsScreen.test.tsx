import { act, renderHook, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { useClipboardClearSeconds } from "../settings";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { freshEngine } from "../test/engine";
import { renderWithBackend } from "../test/render";

describe("clipboard setting", () => {
  it("defaults to 30 seconds and stores a changed number (never anything else)", async () => {
    const user = userEvent.setup();
    const { backend } = await freshEngine();
    window.location.hash = "#/settings";
    renderWithBackend(<App />, backend);
    const field = await screen.findByRole<HTMLInputElement>("textbox", { name: "Clear the clipboard after" });
    expect(field.value).toBe("30");
    // The field's own Increase button (the expiry reminder has one too).
    const group = field.closest<HTMLElement>(".field");
    if (!group) throw new Error("the field is in a group");
    await user.click(within(group).getByRole("button", { name: /Increase/ }));
    expect(field.value).toBe("31");
    expect(localStorage.getItem("gatehouse.clipboardClearSeconds")).toBe("31");
    await user.clear(field);
    await user.type(field, "1");
    await user.tab();
    // Clamped to the engine's minimum.
    expect(field.value).toBe("3");
    expect(localStorage.getItem("gatehouse.clipboardClearSeconds")).toBe("3");
    await expectNoSeriousA11yViolations();
  });

  it("gives the copy dialog the stored value, which the engine holds to its bounds", async () => {
    localStorage.setItem("gatehouse.clipboardClearSeconds", "45");
    const { result } = renderHook(() => useClipboardClearSeconds());
    expect(result.current[0]).toBe(45);
    act(() => result.current[1](1000));
    expect(result.current[0]).toBe(1000);
    localStorage.setItem("gatehouse.clipboardClearSeconds", "not a number");
    const again = renderHook(() => useClipboardClearSeconds());
    expect(again.result.current[0]).toBeNull();

    // The engine applies its bounds and its default to every copy.
    const { backend } = await freshEngine();
    const overview = await backend.portfolioOverview();
    if (overview.status !== "ok" || !overview.data.app_id) throw new Error("the demo has no app");
    const owner = overview.data.system_users.find((u) => u.name === "Reporting Server");
    if (!owner) throw new Error("the demo has no Reporting Server");
    const issued = await backend.generateToken(
      { system_user_id: owner.id, app_id: overview.data.app_id, scopes: ["ads_read"], expiry: "sixty_days" },
      () => undefined,
    );
    if (issued.status !== "ok") throw new Error(issued.error.message);
    const copied = async (seconds: number | null) => {
      const receipt = await backend.copyToken(issued.data.handle, seconds);
      return receipt.status === "ok" ? receipt.data.clear_after_secs : receipt.error.code;
    };
    expect(await copied(1000)).toBe(300);
    expect(await copied(null)).toBe(30);
    await backend.forgetToken(issued.data.handle);
  });
});

describe("compatibility check", () => {
  it("runs on request and shows what the engine reported, with the report to copy", async () => {
    const user = userEvent.setup();
    const { backend, engine } = await freshEngine();
    window.location.hash = "#/settings";
    renderWithBackend(<App />, backend);
    const button = await screen.findByRole("button", { name: "Check compatibility" });
    // Nothing is probed until asked: the emulator has seen no debug_token yet.
    const probed = async () => JSON.stringify(await engine.emulator("GET", "requests")).includes("debug_token");
    expect(await probed()).toBe(false);
    await user.click(button);
    expect(await screen.findByText("Every read Gatehouse relies on answered as expected", {}, { timeout: 15_000 })).toBeTruthy();
    expect(await probed()).toBe(true);
    // Only what needs attention is listed: here the batch form of debug_token, which Meta does
    // not document and the emulator refuses.
    const table = screen.getByRole("grid", { name: "What each read answered" });
    expect(table.textContent).toContain("POST / (batch) with GET /debug_token");
    expect(table.textContent).toContain("Refused");
    expect(table.textContent).toContain("informational");
    await user.click(screen.getByText(/The whole report/));
    const report = screen.getByRole<HTMLTextAreaElement>("textbox", { name: "Compatibility report" });
    expect(report.value).toContain("GET /{system-user}/assigned_ads_pixels");
    expect(screen.getByRole("button", { name: "Check compatibility again" })).toBeTruthy();
    await expectNoSeriousA11yViolations();
  });
});
