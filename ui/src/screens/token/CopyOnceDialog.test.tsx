import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Backend } from "../../backend/backend";
import { mockBackend } from "../../backend/mockBackend";
import { mockJobsTokens } from "../../backend/mockJobsTokens";
import type { IssuedToken } from "../../backend/types";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { renderWithBackend } from "../../test/render";
import { CopyOnceDialog, maskToken } from "./CopyOnceDialog";

async function setup(change: (token: IssuedToken) => IssuedToken = (t) => t) {
  const { backend: base, calls } = mockBackend();
  const backend: Backend = { ...base, ...mockJobsTokens({ calls, tokenStepMs: 0 }) };
  const generated = await backend.generateToken(
    { system_user_id: "610000000000003", app_id: "880000000000001", scopes: ["ads_read"], expiry: "sixty_days" },
    () => undefined,
  );
  if (generated.status !== "ok") throw new Error("no token");
  const token = change(generated.data);
  let closed = 0;
  const user = userEvent.setup();
  renderWithBackend(
    <CopyOnceDialog token={token} systemUserName="Conversions API server" onClosed={() => closed++} />,
    backend,
  );
  const dialog = await screen.findByRole("dialog", { name: "The new token for Conversions API server" });
  return { user, calls, token, dialog, closedCount: () => closed };
}

describe("the copy-once dialog", () => {
  it("shows the token masked, copies through Rust with a countdown, then forgets it on close", async () => {
    const { user, calls, token, dialog, closedCount } = await setup();
    expect(within(dialog).getByText(`${"•".repeat(24)}${token.last_chars}`)).toBeTruthy();
    expect(within(dialog).queryByText(/EAAG/)).toBeNull();
    // What the token can really do.
    expect(within(dialog).getByText("System user token")).toBeTruthy();
    expect(within(dialog).getByText("Brightline Reporting")).toBeTruthy();
    expect(within(dialog).getByText(/\(in 60 days\)/)).toBeTruthy();
    expect(within(dialog).getByText(/^3 assets: /)).toBeTruthy();
    await expectNoSeriousA11yViolations();

    await user.click(within(dialog).getByRole("button", { name: "Copy" }));
    expect(calls).toContain(`copyToken:${token.handle}:30`);
    expect(await within(dialog).findByText(/^Copied · Clipboard clears in (30|29) s$/)).toBeTruthy();
    expect(within(dialog).getByText("Copied. The clipboard clears in 30 seconds.")).toBeTruthy();

    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(closedCount()).toBe(1));
    expect(calls).toContain(`forgetToken:${token.handle}`);
    expect(calls.some((c) => c.startsWith("keepTokenInKeychain"))).toBe(false);
  });

  it("asks before closing a token that was never copied; Escape asks too and is not an outside click", async () => {
    const { user, calls, token, dialog, closedCount } = await setup();
    await user.keyboard("{Escape}");
    const confirm = await screen.findByRole("alertdialog", { name: "Close without copying?" });
    expect(within(confirm).getByText("You have not copied this token. Once closed it cannot be shown again.")).toBeTruthy();
    await expectNoSeriousA11yViolations();
    await user.click(within(confirm).getByRole("button", { name: "Go back" }));
    expect(await screen.findByRole("dialog", { name: "The new token for Conversions API server" })).toBeTruthy();
    expect(calls).not.toContain(`forgetToken:${token.handle}`);
    await user.click(document.body);
    expect(screen.getByRole("dialog")).toBeTruthy();

    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Close" }));
    await user.click(await screen.findByRole("button", { name: "Close without copying" }));
    await waitFor(() => expect(closedCount()).toBe(1));
    expect(calls).toContain(`forgetToken:${token.handle}`);
    expect(dialog.isConnected).toBe(true); // the parent unmounts it on onClosed
  });

  it("reveals the token in a read-only field, hides it again, and keeps a copy in the keychain when asked", async () => {
    const { user, calls, token, dialog, closedCount } = await setup();
    await user.click(within(dialog).getByRole("button", { name: "Reveal" }));
    const field = await within(dialog).findByRole("textbox", { name: "The token" });
    expect((field as HTMLTextAreaElement).value).toMatch(new RegExp(`^EAAG.*${token.last_chars}$`));
    expect(field.hasAttribute("readonly")).toBe(true);
    await user.click(within(dialog).getByRole("button", { name: "Hide" }));
    expect(within(dialog).queryByRole("textbox", { name: "The token" })).toBeNull();

    const keep = within(dialog).getByRole("checkbox", { name: /Keep a copy in this computer's keychain/ });
    expect(keep).toHaveProperty("checked", false);
    await user.click(keep);
    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(closedCount()).toBe(1));
    expect(calls.some((c) => c.startsWith(`keepTokenInKeychain:${token.handle}:Conversions API server · Brightline Reporting`))).toBe(true);
    expect(calls.indexOf(`forgetToken:${token.handle}`)).toBeGreaterThan(calls.findIndex((c) => c.startsWith("keepTokenInKeychain")));
  });

  it("says the token was issued when the post-check failed", async () => {
    const { dialog } = await setup((t) => ({ ...t, post_check_error: "Meta did not answer the check in time." }));
    expect(within(dialog).getByText("The token was issued, but Gatehouse could not check what it can do.")).toBeTruthy();
    expect(within(dialog).getByText("Meta did not answer the check in time.")).toBeTruthy();
  });

  it("masks by length, capped", () => {
    expect(maskToken({ last_chars: "abcd", length: 10 })).toBe("••••••abcd");
    expect(maskToken({ last_chars: "abcd", length: 300 })).toBe(`${"•".repeat(24)}abcd`);
  });
});
