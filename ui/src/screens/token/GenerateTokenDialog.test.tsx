import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Backend } from "../../backend/backend";
import { mockBackend } from "../../backend/mockBackend";
import { mockJobsTokens, type JobsTokensMockOptions } from "../../backend/mockJobsTokens";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { renderWithBackend } from "../../test/render";
import { GenerateTokenDialog } from "./GenerateTokenDialog";

const systemUser = { id: "610000000000003", name: "Conversions API server" };

function setup(options: JobsTokensMockOptions = {}) {
  const { backend: base, calls } = mockBackend();
  const backend: Backend = { ...base, ...mockJobsTokens({ calls, tokenStepMs: 0, ...options }) };
  const user = userEvent.setup();
  let closed = 0;
  renderWithBackend(<GenerateTokenDialog systemUser={systemUser} isOpen onClose={() => closed++} />, backend);
  return { user, calls, closedCount: () => closed };
}

async function toPermissions(user: ReturnType<typeof userEvent.setup>, app = /^Brightline CAPI Bridge/) {
  await user.click(await screen.findByRole("radio", { name: app }));
  await user.click(screen.getByRole("button", { name: "Next" }));
  expect(screen.getByRole("radio", { name: /60 days \(recommended\)/ })).toHaveProperty("checked", true);
  await user.click(screen.getByRole("button", { name: "Next" }));
}

describe("generate a token", () => {
  it("installs the app, adds needed permissions, checks readiness and opens the copy-once dialog", async () => {
    const { user, calls } = setup();
    const dialog = await screen.findByRole("dialog", { name: "Generate a token for Conversions API server" });
    // Apps that cannot be used say why.
    expect(await within(dialog).findByText(/belongs to another portfolio \(Shopfront Ltd\)/)).toBeTruthy();
    expect(within(dialog).queryByRole("radio", { name: /Shopfront Connector/ })).toBeNull();
    await user.click(within(dialog).getByRole("radio", { name: /^Brightline CAPI Bridge/ }));
    await user.click(within(dialog).getByRole("button", { name: "Install Brightline CAPI Bridge on Conversions API server" }));
    expect(await within(dialog).findByText("Brightline CAPI Bridge is installed on Conversions API server.")).toBeTruthy();
    expect(calls).toContain("installApp:610000000000003:880000000000002");
    await expectNoSeriousA11yViolations();

    await user.keyboard("{Enter}"); // Next, from the keyboard
    await user.click(await within(dialog).findByRole("radio", { name: /Never expires/ }));
    await user.click(within(dialog).getByRole("button", { name: "Next" }));

    await user.click(await within(dialog).findByRole("button", { name: "Conversions API" }));
    const ads = within(dialog).getByRole("checkbox", { name: /Create and change campaigns/ });
    expect(ads).toHaveProperty("checked", true);
    const showList = within(dialog).getByRole("checkbox", { name: /See the list of Pages/ });
    expect(showList).toHaveProperty("checked", true);
    expect(showList).toHaveProperty("disabled", true);
    expect(within(dialog).getAllByText("added because ads_management needs it")).toHaveLength(2);
    expect(within(dialog).getByText("3 permissions: 1 chosen, 2 added because they are needed.")).toBeTruthy();
    await expectNoSeriousA11yViolations();

    await user.click(within(dialog).getByRole("button", { name: "Next" }));
    expect(await within(dialog).findByText("The app is installed on the system user")).toBeTruthy();
    const generate = within(dialog).getByRole("button", { name: "Generate token" });
    expect(generate.hasAttribute("disabled")).toBe(false);
    await user.click(generate);

    const copyOnce = await screen.findByRole("dialog", { name: "The new token for Conversions API server" });
    expect(within(copyOnce).getByText("Never")).toBeTruthy();
    expect(calls.some((c) => c.startsWith("generateToken:880000000000002:ads_management,pages_read_engagement,pages_show_list:never"))).toBe(true);
  });

  it("disables Generate while a blocking check fails and shows its fix", async () => {
    const { user } = setup({ preflightBlocked: true });
    await toPermissions(user);
    await user.click(await screen.findByRole("button", { name: "Read-only reporting" }));
    await user.click(screen.getByRole("button", { name: "Next" }));
    expect(await screen.findByText("Two-factor authentication is on for your own account")).toBeTruthy();
    expect(screen.getByText(/Turn it on in Meta's Accounts Center/)).toBeTruthy();
    expect(screen.getByText("Fix the problems marked above, then check again.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Generate token" }).hasAttribute("disabled")).toBe(true);
    await expectNoSeriousA11yViolations();
  });

  it("keeps every choice when generating fails, and shows the engine's message, fix and details", async () => {
    const { user } = setup({
      generateError: {
        code: "two_factor_required",
        message: "Meta refused: this portfolio requires two-factor authentication for token generation.",
        fix: "Turn on two-factor authentication, then try again.",
        detail: "(#415) Two factor authentication required (Graph code 415, subcode 2859009)",
        field: null,
      },
    });
    await toPermissions(user);
    await user.click(await screen.findByRole("checkbox", { name: /Read ad accounts, campaigns/ }));
    await user.click(screen.getByRole("button", { name: "Next" }));
    await user.click(await screen.findByRole("button", { name: "Generate token" }));
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText("No token was generated")).toBeTruthy();
    expect(within(alert).getByText("Turn on two-factor authentication, then try again.")).toBeTruthy();
    expect(within(alert).getByText("two_factor_required")).toBeTruthy();
    // The step it stopped at says so; it no longer reads as running.
    const progress = screen.getByRole("list", { name: "Progress" });
    const stopped = within(progress).getByText(/Generating the token/).closest("li");
    expect(stopped?.getAttribute("data-state")).toBe("failed");
    expect(stopped?.textContent).toBe("Generating the token: stopped here");
    expect(within(progress).queryByText(/…/)).toBeNull();
    await user.click(screen.getByRole("button", { name: "Back" }));
    expect(screen.getByRole("checkbox", { name: /Read ad accounts, campaigns/ })).toHaveProperty("checked", true);
    await user.click(screen.getByRole("button", { name: "Back" }));
    expect(screen.getByRole("radio", { name: /60 days/ })).toHaveProperty("checked", true);
  });

  it("closes with Escape before a token exists, asking nothing", async () => {
    const { user, closedCount, calls } = setup();
    await screen.findByRole("radio", { name: /^Brightline Reporting/ });
    await user.keyboard("{Escape}");
    await waitFor(() => expect(closedCount()).toBe(1));
    expect(calls.some((c) => c.startsWith("generateToken"))).toBe(false);
  });
});
