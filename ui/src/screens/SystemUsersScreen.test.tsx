import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { mockBackend, sampleOverview } from "../backend/mockBackend";
import type { CommandError } from "../bindings";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { renderWithBackend } from "../test/render";

const limitError: CommandError = {
  code: "system_user_limit",
  message: "This portfolio already has 10 of the 10 regular system users Meta allows on the Full tier.",
  fix: "Reuse an existing system user for this integration.",
  detail: "(#3949) This Business Manager has reached maximum number of system user limit. (Graph code 3949, subcode -, trace Ab1)",
  field: null,
};

async function openDialog() {
  const user = userEvent.setup();
  window.location.hash = "#/system-users";
  await user.click(await screen.findByRole("button", { name: "Add system user" }));
  const dialog = await screen.findByRole("dialog", { name: "Add a system user" });
  return { user, dialog };
}

describe("adding a system user", () => {
  it("adds a regular system user by keyboard and shows it in the list", async () => {
    const { backend, calls } = mockBackend();
    renderWithBackend(<App />, backend);
    const { user, dialog } = await openDialog();
    expect(within(dialog).getByRole("radio", { name: /Regular \(recommended\)/ })).toHaveProperty("checked", true);
    await expectNoSeriousA11yViolations();
    await user.keyboard("CAPI Server{Enter}");
    expect(await screen.findByText("“CAPI Server” was added as a regular system user.")).toBeTruthy();
    expect(calls).toContain("createSystemUser:CAPI Server:regular");
    const table = await screen.findByRole("grid");
    expect(within(table).getByText("CAPI Server")).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("explains the limit in plain words and keeps what was typed", async () => {
    const { backend } = mockBackend({ createErrors: [limitError] });
    renderWithBackend(<App />, backend);
    const { user, dialog } = await openDialog();
    await user.keyboard("Eleventh");
    await user.click(within(dialog).getByRole("radio", { name: /Admin/ }));
    await user.click(within(dialog).getByRole("button", { name: "Add system user" }));
    expect(await within(dialog).findByText("The system user was not added")).toBeTruthy();
    expect(within(dialog).getByText(limitError.message)).toBeTruthy();
    expect(within(dialog).getByText(limitError.fix ?? "")).toBeTruthy();
    expect(within(dialog).getByRole("textbox", { name: "Name" })).toHaveProperty("value", "Eleventh");
    expect(within(dialog).getByRole("radio", { name: /Admin/ })).toHaveProperty("checked", true);
    expect(within(dialog).queryByText(/3949/)).toBeTruthy();
  });

  it("marks the name field when the error is about the name", async () => {
    const { backend } = mockBackend({
      createErrors: [
        { code: "invalid_input", message: "The system user needs a name.", fix: null, detail: null, field: "name" },
      ],
    });
    renderWithBackend(<App />, backend);
    const { user, dialog } = await openDialog();
    await user.keyboard("   ");
    await user.click(within(dialog).getByRole("button", { name: "Add system user" }));
    await waitFor(() =>
      expect(within(dialog).getByRole("textbox", { name: "Name" }).getAttribute("aria-invalid")).toBe("true"),
    );
  });

  it("closes with Escape without adding anything", async () => {
    const { backend, calls } = mockBackend();
    renderWithBackend(<App />, backend);
    const { user } = await openDialog();
    await user.keyboard("Half typed{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(calls.some((c) => c.startsWith("createSystemUser"))).toBe(false);
  });
});

describe("renaming a system user", () => {
  it("renames from the row's action and confirms the change", async () => {
    const user = userEvent.setup();
    const { backend, calls } = mockBackend();
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: "Rename Reporting Bot" }));
    const dialog = await screen.findByRole("dialog", { name: "Rename “Reporting Bot”" });
    const field = within(dialog).getByRole("textbox", { name: "New name" });
    expect(field).toHaveProperty("value", "Reporting Bot");
    await user.clear(field);
    await user.keyboard("Looker Studio export{Enter}");
    expect(await screen.findByText("“Reporting Bot” is now called “Looker Studio export”.")).toBeTruthy();
    expect(calls).toContain("renameSystemUser:610000000000002:Looker Studio export");
    expect(within(await screen.findByRole("grid")).getByText("Looker Studio export")).toBeTruthy();
  });
});

describe("a business that owns no app", () => {
  it("says why it cannot have system users and adds the app by its ID", async () => {
    const user = userEvent.setup();
    const { backend, calls } = mockBackend();
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: /Switch portfolio/ }));
    await user.click(within(await screen.findByRole("menu")).getByRole("menuitem", { name: /Copper Kettle Café/ }));
    expect(await screen.findByText("Copper Kettle Café owns no app yet, so it cannot have system users")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Add system user" }).hasAttribute("disabled")).toBe(true);
    const form = screen.getByRole("form", { name: "Add an app to the business" });
    const appId = within(form).getByRole("textbox", { name: "App ID" });
    // Prefilled with the app Gatehouse signs in with.
    expect(appId).toHaveProperty("value", "700000000000020");
    await expectNoSeriousA11yViolations();

    // Another business's app: refused in plain words, on the field, keeping what was typed.
    await user.clear(appId);
    await user.type(appId, "999000000000001{Enter}");
    await waitFor(() => expect(appId.getAttribute("aria-invalid")).toBe("true"));
    expect(within(form).getByText(/Only an admin of the app can add it/)).toBeTruthy();
    expect(appId).toHaveProperty("value", "999000000000001");

    await user.clear(appId);
    await user.type(appId, "700000000000020");
    await user.click(within(form).getByRole("button", { name: "Add app to the business" }));
    expect(await screen.findByText("App 700000000000020 now belongs to the business: it can have system users.")).toBeTruthy();
    expect(calls).toContain("claimApp:700000000000020");
    await waitFor(() => expect(screen.queryByText(/owns no app yet/)).toBeNull());
    await waitFor(() => expect(screen.getByRole("button", { name: "Add system user" }).hasAttribute("disabled")).toBe(false));
    expect(screen.getByText("0 of 10 regular system users and 0 of 1 admin on the Full tier.")).toBeTruthy();
  });
});

describe("the quota", () => {
  it("says what it depends on while Meta has not reported the tier", async () => {
    const { backend } = mockBackend({ overview: { status: "ok", data: { ...sampleOverview, quota: null } } });
    window.location.hash = "#/system-users";
    renderWithBackend(<App />, backend);
    const quota = await screen.findByRole("region", { name: "System-user quota" });
    expect(within(quota).getByText("Meta has not said yet how many system users this portfolio may have.")).toBeTruthy();
    expect(within(quota).getByText(/Limited allows 1 regular and 1 admin system user, Full allows 10 and 1/)).toBeTruthy();
  });
});
