import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Backend } from "../../backend/backend";
import { mockBackend } from "../../backend/mockBackend";
import { mockAssets, mockJobsTokens, type JobsTokensMockOptions } from "../../backend/mockJobsTokens";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { renderWithBackend } from "../../test/render";
import { AssignAssetsScreen } from "./AssignAssetsScreen";

const SU = "610000000000002"; // Reporting Bot

function setup(options: JobsTokensMockOptions & { adAccounts?: number } = {}) {
  const { backend: base, calls } = mockBackend();
  const backend: Backend = {
    ...base,
    ...mockAssets({ calls, assetCounts: { ad_account: options.adAccounts ?? 300, page: 12 } }),
    ...mockJobsTokens({ calls, itemDelayMs: 0, slowDownAfter: null, ...options }),
  };
  const user = userEvent.setup();
  renderWithBackend(<AssignAssetsScreen systemUserId={SU} />, backend);
  return { user, calls };
}

async function openTab(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.click(await screen.findByRole("tab", { name: new RegExp(`^${name}`) }));
  return screen.findByRole("listbox", { name }, { timeout: 3000 });
}

describe("assign assets", () => {
  it("keeps fewer than 100 rows in the DOM for 10,000 ad accounts and works by keyboard", async () => {
    const { user } = setup({ adAccounts: 10_000 });
    const list = await openTab(user, "Ad accounts");
    const options = within(list).getAllByRole("option");
    expect(options.length).toBeLessThan(100);
    expect(options[0]?.getAttribute("aria-setsize")).toBe("10000");
    expect(screen.getByText("10,000 ad accounts")).toBeTruthy();
    await expectNoSeriousA11yViolations();

    list.focus();
    await user.keyboard("{ArrowDown}{ }");
    const second = within(list).getAllByRole("option").find((o) => o.getAttribute("aria-posinset") === "2");
    expect(second?.getAttribute("aria-selected")).toBe("true");
    expect(list.getAttribute("aria-activedescendant")).toBe(second?.id);

    await user.keyboard("{End}{ }");
    const last = within(list).getAllByRole("option").find((o) => o.getAttribute("aria-posinset") === "10000");
    expect(last?.getAttribute("aria-selected")).toBe("true");
    expect(within(list).getAllByRole("option").length).toBeLessThan(100);

    // Scrolling renders other rows, still only a window of them.
    list.scrollTop = 5000 * 52;
    fireEvent.scroll(list);
    const middle = within(list).getAllByRole("option");
    expect(middle.some((o) => o.getAttribute("aria-posinset") === "5001")).toBe(true);
    expect(middle.length).toBeLessThan(100);
    expect(await screen.findByRole("tab", { name: /Ad accounts.*2 selected/ })).toBeTruthy();
  });

  it("searches, selects all matching, accumulates across tabs and reviews the exact changes", async () => {
    const { user } = setup();
    const list = await openTab(user, "Ad accounts");
    await user.type(screen.getByRole("searchbox", { name: "Search ad accounts" }), "Lumen");
    const selectAll = await screen.findByRole("button", { name: "Select all 50 matching" });
    expect(screen.getByText("50 of 300 ad accounts match")).toBeTruthy();
    await user.click(selectAll);
    expect(within(list).getAllByRole("option")[0]?.getAttribute("aria-selected")).toBe("true");
    // Ad accounts only take valid mixes: offered as choices.
    await user.click(screen.getByRole("radio", { name: /^View performance \+ Create and edit ads/ }));

    const pages = await openTab(user, "Pages");
    const firstPage = within(pages).getAllByRole("option")[0];
    if (!firstPage) throw new Error("no page rows");
    const pageName = within(firstPage).getByText(/Page 0001/).textContent;
    await user.click(firstPage);
    await user.click(screen.getByRole("checkbox", { name: /Publish content/ }));
    expect(screen.getByText("51 assets selected across 2 kinds.")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Review changes" }));
    const review = await screen.findByRole("heading", { name: /Review 51 changes for Reporting Bot/ });
    expect(document.activeElement).toBe(review);
    const adGroup = screen.getByRole("region", { name: /Ad accounts/ });
    expect(within(adGroup).getByText("Partial: View performance, Create and edit ads")).toBeTruthy();
    expect(within(adGroup).getAllByRole("listitem")).toHaveLength(50);
    expect(within(adGroup).getAllByText(/^Lumen Dental/).length).toBe(50);
    const pageGroup = screen.getByRole("region", { name: /Pages/ });
    expect(within(pageGroup).getByText("Partial: Publish content, See insights")).toBeTruthy();
    expect(within(pageGroup).getByText(pageName)).toBeTruthy();
    await expectNoSeriousA11yViolations();

    // Escape goes back with everything still selected.
    await user.keyboard("{Escape}");
    expect(await screen.findByText("51 assets selected across 2 kinds.")).toBeTruthy();
  });

  it("shows progress, cancels after the item in flight, resumes, then retries the failed ones", async () => {
    const failing = "act_200000000000000";
    const { user, calls } = setup({ itemDelayMs: 10, failOnce: [failing], adAccounts: 120 });
    await openTab(user, "Ad accounts");
    await user.click(await screen.findByRole("button", { name: "Select all 120" }));
    await user.click(screen.getByRole("button", { name: "Review changes" }));
    await user.click(await screen.findByRole("button", { name: "Apply 120 changes" }));

    const bar = await screen.findByRole("progressbar", { name: /Applying changes/ });
    await waitFor(() => expect(Number(bar.getAttribute("aria-valuenow"))).toBeGreaterThan(3));
    expect(bar.getAttribute("aria-valuetext")).toMatch(/of 120/);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(calls).toContain("cancelJob:job-1");
    const stopped = await screen.findByText(/^Stopped: \d+ of 120 changes were made\./, undefined, { timeout: 3000 });
    expect(stopped).toBeTruthy();

    await user.click(screen.getByRole("button", { name: /^Resume the remaining/ }));
    expect(await screen.findByText("119 of 120 changes were made; 1 failed.", undefined, { timeout: 10_000 })).toBeTruthy();
    const failed = screen.getByRole("region", { name: /Failed \(1\)/ });
    expect(within(failed).getByText(/Meta had a temporary problem/)).toBeTruthy();
    expect(within(failed).getByText(/Retry: these usually go through/)).toBeTruthy();
    await user.click(within(failed).getByText("Details"));
    expect(within(failed).getByText("graph_temporary")).toBeTruthy();
    await expectNoSeriousA11yViolations();

    await user.click(screen.getByRole("button", { name: "Retry 1 failed" }));
    expect(await screen.findByText("All 120 changes were made.", undefined, { timeout: 5000 })).toBeTruthy();
    expect(calls.filter((c) => c === "runJob:job-1")).toHaveLength(3);
    expect(calls).toContain("retryFailed:job-1");
  });

  it("says when Meta asks to slow down", async () => {
    const { user } = setup({ itemDelayMs: 1, slowDownAfter: 2, slowDownMs: 400 });
    await openTab(user, "Ad accounts");
    await user.click(await screen.findByRole("button", { name: "Select all 300" }));
    await user.click(screen.getByRole("button", { name: "Review changes" }));
    await user.click(await screen.findByRole("button", { name: "Apply 300 changes" }));
    expect(await screen.findByText(/^Meta asked us to slow down; resuming at \d/)).toBeTruthy();
  });

  it("offers to resume an interrupted job for this system user", async () => {
    const { user, calls } = setup({ interruptedJobFor: { id: SU, name: "Reporting Bot" } });
    const offer = await screen.findByText("An earlier change for Reporting Bot did not finish: 15 of 40 done.");
    expect(offer).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Resume" }));
    expect(calls).toContain("runJob:job-interrupted");
    expect(await screen.findByText("All 40 changes were made.", undefined, { timeout: 5000 })).toBeTruthy();
  });

  it("discards an interrupted job: the offer goes away and says what stays done", async () => {
    const { user, calls } = setup({ interruptedJobFor: { id: SU, name: "Reporting Bot" } });
    await screen.findByText("An earlier change for Reporting Bot did not finish: 15 of 40 done.");
    await user.click(screen.getByRole("button", { name: "Discard the rest" }));
    expect(
      await screen.findByText("The earlier change was discarded: the 15 done stay as they are, and the 25 not done will not be sent."),
    ).toBeTruthy();
    expect(calls).toContain("discardJob:job-interrupted");
    expect(calls.some((c) => c.startsWith("runJob"))).toBe(false);
    expect(screen.queryByText(/did not finish/)).toBeNull();
  });

  it("shows an engine error with its fix when the job is refused", async () => {
    const { backend: base, calls } = mockBackend({
      errors: {
        createJob: [
          { code: "invalid_tasks", message: "Meta does not accept this mix.", fix: "Pick another.", detail: "x", field: null },
        ],
      },
    });
    const user = userEvent.setup();
    renderWithBackend(<AssignAssetsScreen systemUserId={SU} />, { ...base, ...mockAssets({ calls }) });
    await openTab(user, "Pages");
    await user.click(await screen.findByRole("button", { name: "Select all 48" }));
    await user.click(screen.getByRole("button", { name: "Review changes" }));
    await user.click(await screen.findByRole("button", { name: "Apply 48 changes" }));
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText("Nothing was changed")).toBeTruthy();
    expect(within(alert).getByText("Pick another.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Apply 48 changes" })).toBeTruthy();
  });
});
