import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Backend } from "../../backend/backend";
import type { EngineSession } from "../../backend/devhostIpc";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { freshEngine } from "../../test/engine";
import { renderWithBackend } from "../../test/render";
import { GenerateTokenDialog } from "./GenerateTokenDialog";

type Requests = { requests: { method: string; path: string }[] };

/** The demo's "Reporting Server": five ad accounts, a Page, a catalog and a WhatsApp account,
 * no Instagram account; the agency's app is installed on it, the client's app is not. */
async function reportingServer(backend: Backend) {
  const overview = await backend.portfolioOverview();
  if (overview.status !== "ok") throw new Error(overview.error.message);
  const user = overview.data.system_users.find((u) => u.name === "Reporting Server");
  if (!user) throw new Error("the demo has no Reporting Server");
  return { id: user.id, name: user.name };
}

async function setup() {
  const { backend, engine } = await freshEngine();
  const systemUser = await reportingServer(backend);
  const user = userEvent.setup();
  let closed = 0;
  renderWithBackend(<GenerateTokenDialog systemUser={systemUser} isOpen onClose={() => closed++} />, backend);
  const dialog = await screen.findByRole("dialog", { name: "Generate a token for Reporting Server" });
  return { backend, engine, systemUser, user, dialog, closedCount: () => closed };
}

/** Token generations Meta received (the emulator's request log). */
async function generations(engine: EngineSession, systemUserId: string) {
  const log = (await engine.emulator("GET", "requests")) as Requests;
  return log.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/${systemUserId}/access_tokens`));
}

/** Picks the agency's own app (installed already) and the default 60 days. */
async function toPermissions(user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement) {
  await user.click(await within(dialog).findByRole("radio", { name: /^Brightline Ads Manager/ }));
  await user.click(within(dialog).getByRole("button", { name: "Next" }));
  expect(within(dialog).getByRole("radio", { name: /60 days \(recommended\)/ })).toHaveProperty("checked", true);
  await user.click(within(dialog).getByRole("button", { name: "Next" }));
}

describe("generate a token", () => {
  it("installs the app, adds needed permissions, checks readiness and opens the copy-once dialog", async () => {
    const { engine, systemUser, user, dialog } = await setup();
    // Both of the portfolio's apps can issue it: the agency's own, and a client's shared with it.
    const own = await within(dialog).findByRole("radio", { name: /^Brightline Ads Manager/ });
    const description = document.getElementById(own.getAttribute("aria-describedby") ?? "");
    expect(description?.textContent).toBe(`Installed on Reporting Server · App ID ${own.getAttribute("value") ?? ""}`);
    await user.click(within(dialog).getByRole("radio", { name: /^Lucky Shrub Shop Sync/ }));
    expect(within(dialog).getByText("Lucky Shrub Shop Sync is not installed on Reporting Server yet.")).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "Install Lucky Shrub Shop Sync on Reporting Server" }));
    expect(await within(dialog).findByText("Lucky Shrub Shop Sync is installed on Reporting Server.")).toBeTruthy();
    // Meta has it installed now.
    const state = (await engine.emulator("GET", "state")) as {
      businesses: { system_users: { id: string; installed_apps: string[] }[] }[];
    };
    const apps = state.businesses.flatMap((b) => b.system_users).find((u) => u.id === systemUser.id)?.installed_apps;
    expect(apps).toHaveLength(2);
    await expectNoSeriousA11yViolations();

    // Focus went back to the chosen app when the Install button went away.
    expect(document.activeElement).toBe(within(dialog).getByRole("radio", { name: /^Lucky Shrub Shop Sync/ }));
    await user.keyboard("{Enter}"); // Next, from the keyboard
    await user.click(await within(dialog).findByRole("radio", { name: /Never expires/ }));
    await user.click(within(dialog).getByRole("button", { name: "Next" }));

    await user.click(await within(dialog).findByRole("button", { name: "Conversions API" }));
    const ads = within(dialog).getByRole("checkbox", { name: /^Create, change and pause campaigns/ });
    expect(ads).toHaveProperty("checked", true);
    const showList = within(dialog).getByRole("checkbox", { name: /^See the list of Pages assigned/ });
    expect(showList).toHaveProperty("checked", true);
    expect(showList).toHaveProperty("disabled", true);
    expect(within(dialog).getAllByText("added because ads_management needs it")).toHaveLength(2);
    expect(within(dialog).getByText("3 permissions: 1 chosen, 2 added because they are needed.")).toBeTruthy();
    await expectNoSeriousA11yViolations();

    await user.click(within(dialog).getByRole("button", { name: "Next" }));
    // The engine's readiness checks, as it words them.
    expect(await within(dialog).findByText("Lucky Shrub Shop Sync is installed for this system user.")).toBeTruthy();
    expect(within(dialog).getByText("The system user has 5 ad accounts assigned, for ads_management.")).toBeTruthy();
    // The dialog already sends the dependencies, so the engine finds none missing.
    expect(
      within(dialog).getByText(
        "ads_management, pages_read_engagement, pages_show_list can be granted to a system-user token; no dependency was missing.",
      ),
    ).toBeTruthy();
    const generate = within(dialog).getByRole("button", { name: "Generate token" });
    expect(generate.hasAttribute("disabled")).toBe(false);
    expect(await generations(engine, systemUser.id)).toHaveLength(0);
    await user.click(generate);

    const copyOnce = await screen.findByRole("dialog", { name: "The new token for Reporting Server" });
    expect(within(copyOnce).getByText("Never")).toBeTruthy();
    expect(within(copyOnce).getByText("Lucky Shrub Shop Sync")).toBeTruthy();
    // Exactly one token, never expiring, with the chosen permission and its dependencies.
    expect(await generations(engine, systemUser.id)).toHaveLength(1);
    const tokens = ((await engine.emulator("GET", "state")) as { tokens: { user: string; scopes: string[]; expires_at: number }[] })
      .tokens.filter((t) => t.user === systemUser.id);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.expires_at).toBe(0);
    expect([...(tokens[0]?.scopes ?? [])].sort()).toEqual(["ads_management", "pages_read_engagement", "pages_show_list"]);
  });

  it("disables Generate while a blocking check fails and shows its fix", async () => {
    const { engine, systemUser, user, dialog } = await setup();
    await toPermissions(user, dialog);
    // Instagram needs an Instagram account, and Reporting Server has none.
    await user.click(await within(dialog).findByRole("checkbox", { name: /^Read the Instagram accounts' profile and media/ }));
    await user.click(within(dialog).getByRole("button", { name: "Next" }));
    const problem = await within(dialog).findByText("The system user has no Instagram account assigned, which instagram_basic needs.");
    expect(problem.parentElement?.textContent).toMatch(/^Problem: /);
    expect(
      within(dialog).getByText("Assign at least one Instagram account to the system user first, or leave out instagram_basic."),
    ).toBeTruthy();
    expect(within(dialog).getByText("Fix the problems marked above, then check again.")).toBeTruthy();
    const generate = within(dialog).getByRole("button", { name: "Generate token" });
    expect(generate.hasAttribute("disabled")).toBe(true);
    await expectNoSeriousA11yViolations();
    // Enter does not get round it.
    await user.keyboard("{Enter}");
    expect(await generations(engine, systemUser.id)).toHaveLength(0);

    // Leaving Instagram out makes it ready.
    await user.click(within(dialog).getByRole("button", { name: "Back" }));
    await user.click(within(dialog).getByRole("checkbox", { name: /^Read the Instagram accounts' profile and media/ }));
    await user.click(within(dialog).getByRole("checkbox", { name: /^Read campaigns, ads and their results/ }));
    await user.click(within(dialog).getByRole("button", { name: "Next" }));
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Generate token" }).hasAttribute("disabled")).toBe(false));
    expect(within(dialog).queryByText("Fix the problems marked above, then check again.")).toBeNull();
  });

  it("keeps every choice when generating fails, and shows the engine's message, fix and details", async () => {
    const { user, dialog } = await setup();
    await toPermissions(user, dialog);
    // The readiness check passes (Reporting Server has a WhatsApp account), but the agency's app
    // has no WhatsApp use case: Meta refuses the token itself.
    await user.click(await within(dialog).findByRole("button", { name: "WhatsApp messaging" }));
    await user.click(within(dialog).getByRole("button", { name: "Next" }));
    const generate = await within(dialog).findByRole("button", { name: "Generate token" });
    await waitFor(() => expect(generate.hasAttribute("disabled")).toBe(false));
    await user.click(generate);
    const alert = await within(dialog).findByRole("alert");
    expect(within(alert).getByText("No token was generated")).toBeTruthy();
    expect(within(alert).getByText(/^The app cannot give a token the whatsapp_business_management permission/)).toBeTruthy();
    expect(within(alert).getByText(/^Untick whatsapp_business_management and generate again/)).toBeTruthy();
    await user.click(within(alert).getByText("Details"));
    expect(within(alert).getByText("permission_not_grantable")).toBeTruthy();
    expect(within(alert).getByText(/Graph code 200/)).toBeTruthy();
    // The step it stopped at says so; it no longer reads as running.
    const progress = within(dialog).getByRole("list", { name: "Progress" });
    const stopped = within(progress).getByText(/Generating the token/).closest("li");
    expect(stopped?.getAttribute("data-state")).toBe("failed");
    expect(stopped?.textContent).toBe("Generating the token (asked once, never retried): stopped here");
    expect(within(progress).queryByText(/…/)).toBeNull();
    await expectNoSeriousA11yViolations();

    await user.click(within(dialog).getByRole("button", { name: "Back" }));
    expect(within(dialog).getByRole("checkbox", { name: /^Manage WhatsApp accounts, phone numbers and templates/ })).toHaveProperty(
      "checked",
      true,
    );
    expect(within(dialog).getByRole("button", { name: "WhatsApp messaging" }).getAttribute("aria-pressed")).toBe("true");
    await user.click(within(dialog).getByRole("button", { name: "Back" }));
    expect(within(dialog).getByRole("radio", { name: /60 days/ })).toHaveProperty("checked", true);
  });

  it("closes with Escape before a token exists, asking nothing", async () => {
    const { engine, systemUser, user, dialog, closedCount } = await setup();
    await within(dialog).findByRole("radio", { name: /^Brightline Ads Manager/ });
    await user.keyboard("{Escape}");
    await waitFor(() => expect(closedCount()).toBe(1));
    expect(await generations(engine, systemUser.id)).toHaveLength(0);
  });
});
