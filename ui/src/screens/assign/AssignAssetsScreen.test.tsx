import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Backend } from "../../backend/backend";
import type { EngineSession } from "../../backend/devhostIpc";
import type { AssetRow, JobSummary } from "../../backend/types";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { freshEngine } from "../../test/engine";
import { renderWithBackend } from "../../test/render";
import { AssignAssetsScreen } from "./AssignAssetsScreen";

type User = ReturnType<typeof userEvent.setup>;
type Requests = { requests: { method: string; path: string; params: [string, string][] }[] };
type State = { assignments: { asset: string; user: string; tasks: string[] }[] };

/** The demo's "Reporting Server", which already holds five ad accounts and a Page. */
async function reportingServer(backend: Backend) {
  const overview = await backend.portfolioOverview();
  if (overview.status !== "ok") throw new Error(overview.error.message);
  const user = overview.data.system_users.find((u) => u.name === "Reporting Server");
  if (!user) throw new Error("the demo has no Reporting Server");
  return user;
}

async function setup(before?: (backend: Backend, engine: EngineSession, systemUserId: string) => Promise<void>) {
  const { backend, engine } = await freshEngine();
  const systemUser = await reportingServer(backend);
  await before?.(backend, engine, systemUser.id);
  const user = userEvent.setup();
  renderWithBackend(<AssignAssetsScreen systemUserId={systemUser.id} />, backend);
  return { backend, engine, user, systemUserId: systemUser.id };
}

/** Opens a kind's tab; with `whole`, waits until its count no longer says "so far". */
async function openTab(user: User, name: string, whole = true) {
  await user.click(await screen.findByRole("tab", { name: new RegExp(`^${name}`) }));
  const list = await screen.findByRole("listbox", { name }, { timeout: 10_000 });
  if (whole) {
    await waitFor(() => expect(screen.queryByText(/so far, still listing…$/)).toBeNull(), { timeout: 10_000 });
  }
  return list;
}

/** Review, then Apply: "Apply 2,400 changes". */
async function reviewAndApply(user: User, count: string) {
  await user.click(screen.getByRole("button", { name: "Review changes" }));
  await user.click(await screen.findByRole("button", { name: `Apply ${count} changes` }));
}

/** Batch requests Meta received (every assignment goes through one). */
async function batches(engine: EngineSession) {
  const log = (await engine.emulator("GET", "requests")) as Requests;
  return log.requests.filter((r) => r.method === "POST" && r.params.some(([k]) => k === "batch"));
}

async function assignmentsOf(engine: EngineSession, systemUserId: string) {
  const state = (await engine.emulator("GET", "state")) as State;
  return state.assignments.filter((a) => a.user === systemUserId);
}

/** A job recorded and run by the engine before the screen opens, cancelled after its first
 * chunk of 200 (Meta slowed down so the cancel lands mid-run): 600 ad accounts, some done. */
async function stoppedJob(backend: Backend, engine: EngineSession, systemUserId: string): Promise<JobSummary> {
  const accounts: AssetRow[] = [];
  const listed = await backend.streamAssets("ad_account", (rows) => accounts.push(...rows));
  if (listed.status !== "ok") throw new Error(listed.error.message);
  const changes = accounts.slice(0, 600).map((a) => ({
    kind: "ad_account" as const,
    asset_id: a.id,
    asset_name: a.name,
    action: "assign" as const,
    tasks: ["ANALYZE"],
  }));
  const job = await backend.createJob(systemUserId, "Reporting Server", changes);
  if (job.status !== "ok") throw new Error(job.error.message);
  await engine.emulator("PUT", "faults", { latency_ms: 500 });
  let asked = false;
  const run = await backend.runJob(job.data.id, (event) => {
    if (event.type === "progress" && !asked) {
      asked = true;
      void backend.cancelJob(job.data.id);
    }
  });
  await engine.emulator("DELETE", "faults");
  if (run.status !== "ok") throw new Error(run.error.message);
  expect(run.data.summary.status).toBe("cancelled");
  expect(run.data.summary.pending).toBeGreaterThan(0);
  return run.data.summary;
}

const n = (value: number) => value.toLocaleString("en-US");

describe("assign assets", () => {
  it("keeps fewer than 100 rows in the DOM for the portfolio's 2,400 ad accounts and works by keyboard", async () => {
    const { user } = await setup();
    const list = await openTab(user, "Ad accounts");
    expect(screen.getByText("2,400 ad accounts")).toBeTruthy();
    const options = within(list).getAllByRole("option");
    expect(options.length).toBeLessThan(100);
    expect(options[0]?.getAttribute("aria-setsize")).toBe("2400");
    // Accounts Reporting Server already holds say so.
    expect(within(options[0] ?? list).getByText("Has access: can change")).toBeTruthy();
    await expectNoSeriousA11yViolations();

    list.focus();
    await user.keyboard("{ArrowDown}{ }");
    const second = within(list).getAllByRole("option").find((o) => o.getAttribute("aria-posinset") === "2");
    expect(second?.getAttribute("aria-selected")).toBe("true");
    expect(list.getAttribute("aria-activedescendant")).toBe(second?.id);

    await user.keyboard("{End}{ }");
    const last = within(list).getAllByRole("option").find((o) => o.getAttribute("aria-posinset") === "2400");
    expect(last?.getAttribute("aria-selected")).toBe("true");
    expect(within(list).getAllByRole("option").length).toBeLessThan(100);

    // Scrolling renders other rows, still only a window of them.
    list.scrollTop = 1200 * 52;
    await waitFor(() =>
      expect(within(list).getAllByRole("option").some((o) => o.getAttribute("aria-posinset") === "1201")).toBe(true),
    );
    expect(within(list).getAllByRole("option").length).toBeLessThan(100);
    expect(await screen.findByRole("tab", { name: /Ad accounts.*2 selected/ })).toBeTruthy();
  });

  it("shows the first ad accounts while the rest are on their way, and offers Select all only for the whole list", async () => {
    const { engine, user } = await setup();
    // Every page of the listing takes 400 ms: 2,400 ad accounts arrive over a few seconds.
    await engine.emulator("PUT", "faults", { latency_ms: 400 });
    const list = await openTab(user, "Ad accounts", false);
    expect(within(list).getAllByRole("option").length).toBeGreaterThan(0);
    expect(screen.getByText(/ad accounts so far, still listing…$/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: /^Select all/ })).toBeNull();
    expect(await screen.findByText("2,400 ad accounts", {}, { timeout: 20_000 })).toBeTruthy();
    await engine.emulator("DELETE", "faults");
    expect(screen.getByRole("button", { name: "Select all 2,400" })).toBeTruthy();
    expect(within(list).getAllByRole("option")[0]?.getAttribute("aria-setsize")).toBe("2400");
  });

  it("says in the review which assets lose access they have now, before anything is sent", async () => {
    const { engine, user } = await setup();
    const list = await openTab(user, "Ad accounts");
    // The first account: Reporting Server can change it now.
    list.focus();
    await user.keyboard("{ }");
    await user.click(screen.getByRole("radio", { name: /^View performance/ }));
    const before = (await batches(engine)).length;
    await user.click(screen.getByRole("button", { name: "Review changes" }));
    const warning = await screen.findByText("Reporting Server loses access it has now", undefined, { timeout: 10_000 });
    const callout = warning.closest(".callout");
    expect(callout?.textContent).toContain("1 ad account goes from Can change to Read only (no longer: Create and edit ads).");
    expect((await batches(engine)).length).toBe(before);
    await expectNoSeriousA11yViolations();
  });

  it("searches, selects all matching, accumulates across tabs, reviews and applies the exact changes", async () => {
    const { engine, user, systemUserId } = await setup();
    const list = await openTab(user, "Ad accounts");
    await user.type(screen.getByRole("searchbox", { name: "Search ad accounts" }), "Lucky Shrub");
    const selectAll = await screen.findByRole("button", { name: "Select all 144 matching" });
    expect(screen.getByText("144 of 2,400 ad accounts match")).toBeTruthy();
    await user.click(selectAll);
    expect(within(list).getAllByRole("option")[0]?.getAttribute("aria-selected")).toBe("true");
    // Ad accounts only take the mixes Meta accepts: offered as choices.
    await user.click(screen.getByRole("radio", { name: /^Create and edit ads \+ View performance/ }));

    const pages = await openTab(user, "Pages");
    const firstPage = within(pages).getAllByRole("option")[0];
    if (!firstPage) throw new Error("no page rows");
    expect(within(firstPage).getByText("Aurora Skincare US")).toBeTruthy();
    const pageId = within(firstPage).getByText(/^\d+$/).textContent;
    await user.click(firstPage);
    await user.click(screen.getByRole("checkbox", { name: /^Publish content/ }));
    expect(screen.getByText("145 assets selected across 2 kinds.")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Review changes" }));
    const review = await screen.findByRole("heading", { name: "Review 145 changes for Reporting Server" });
    expect(document.activeElement).toBe(review);
    const adGroup = screen.getByRole("region", { name: /^Ad accounts/ });
    expect(within(adGroup).getByText("Partial: Create and edit ads, View performance")).toBeTruthy();
    // Long groups are cut at 100, with a way to see them all.
    expect(within(adGroup).getAllByRole("listitem")).toHaveLength(100);
    await user.click(within(adGroup).getByRole("button", { name: "Show all 144 ad accounts" }));
    expect(within(adGroup).getAllByRole("listitem")).toHaveLength(144);
    // Focus stays in the review (on the lengthened list), not on the page behind it.
    expect(document.activeElement).toBe(within(adGroup).getByRole("list"));
    expect(within(adGroup).getAllByText(/^Lucky Shrub Garden Supply – /)).toHaveLength(144);
    const pageGroup = screen.getByRole("region", { name: /^Pages/ });
    expect(within(pageGroup).getByText("Partial: Publish content, View insights")).toBeTruthy();
    expect(within(pageGroup).getByText("Aurora Skincare US")).toBeTruthy();
    await expectNoSeriousA11yViolations();

    // Escape goes back with everything still selected; nothing was sent.
    await user.keyboard("{Escape}");
    expect(await screen.findByText("145 assets selected across 2 kinds.")).toBeTruthy();
    expect(await batches(engine)).toHaveLength(0);

    await reviewAndApply(user, "145");
    expect(await screen.findByText("All 145 changes were made.", undefined, { timeout: 15_000 })).toBeTruthy();
    // Meta holds exactly that access now.
    const held = await assignmentsOf(engine, systemUserId);
    // The clients' ad accounts (act_3100…) are new to Reporting Server: exactly the 144.
    const clients = held.filter((a) => a.asset.startsWith("act_3100"));
    expect(clients).toHaveLength(144);
    expect(clients.every((a) => [...a.tasks].sort().join() === "ADVERTISE,ANALYZE")).toBe(true);
    expect([...(held.find((a) => a.asset === pageId)?.tasks ?? [])].sort()).toEqual(["ANALYZE", "CREATE_CONTENT"]);
  });

  it("shows progress, cancels after the changes in flight, then resumes the rest", async () => {
    const { backend, engine, user, systemUserId } = await setup();
    await openTab(user, "Ad accounts");
    await user.click(await screen.findByRole("button", { name: "Select all 2,400" }));
    // Meta answers slowly, so the run is still going when Cancel is pressed.
    await engine.emulator("PUT", "faults", { latency_ms: 300 });
    await reviewAndApply(user, "2,400");

    const bar = await screen.findByRole("progressbar", { name: /Applying changes/ });
    await waitFor(() => expect(Number(bar.getAttribute("aria-valuenow"))).toBeGreaterThan(0), { timeout: 10_000 });
    expect(bar.getAttribute("aria-valuetext")).toMatch(/ of 2,400$/);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    const stopped = await screen.findByText(/^Stopped: [\d,]+ of 2,400 changes were made\.$/, undefined, { timeout: 10_000 });
    // What the screen says is what the engine recorded.
    const unfinished = await backend.unfinishedJobs();
    const job = unfinished.status === "ok" ? unfinished.data[0] : undefined;
    expect(job?.status).toBe("cancelled");
    expect(stopped.textContent).toBe(`Stopped: ${n(job?.succeeded ?? -1)} of 2,400 changes were made.`);
    await expectNoSeriousA11yViolations();

    await engine.emulator("DELETE", "faults");
    await user.click(screen.getByRole("button", { name: `Resume the remaining ${n(job?.pending ?? -1)}` }));
    expect(await screen.findByText("All 2,400 changes were made.", undefined, { timeout: 20_000 })).toBeTruthy();
    const held = await assignmentsOf(engine, systemUserId);
    expect(held.filter((a) => a.asset.startsWith("act_"))).toHaveLength(2400);
  });

  it("says when Meta asks to slow down, and Cancel stops the wait", async () => {
    const { engine, user } = await setup();
    await openTab(user, "Ad accounts");
    await user.type(screen.getByRole("searchbox", { name: "Search ad accounts" }), "Peak Trail");
    await user.click(await screen.findByRole("button", { name: "Select all 120 matching" }));
    // Meta throttles every call for the next 10 minutes.
    await engine.emulator("PUT", "faults", { throttle_for_secs: 600 });
    await reviewAndApply(user, "120");
    const waiting = await screen.findByText(/^Meta asked us to slow down; resuming at \d{1,2}:\d{2}/, undefined, { timeout: 15_000 });
    expect(within(waiting.closest(".callout") ?? document.body).getByText("Meta's rate limit was reached")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(await screen.findByText("Stopped: 0 of 120 changes were made.", undefined, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Resume the remaining 120" })).toBeTruthy();
  });

  it("fails the changes Meta refuses, each with why and what to do, and retries only those", async () => {
    const { engine, user } = await setup();
    await openTab(user, "Pages");
    // The client shares its Pages without Messages, so the agency cannot hand out Full control.
    await user.type(screen.getByRole("searchbox", { name: "Search Pages" }), "Lucky Shrub");
    await user.click(await screen.findByRole("button", { name: "Select all 2 matching" }));
    await user.clear(screen.getByRole("searchbox", { name: "Search Pages" }));
    await user.click(await screen.findByRole("option", { name: /^Bluebird Travel US/ }));
    await user.click(screen.getByRole("radio", { name: /^Full control/ }));
    await reviewAndApply(user, "3");

    expect(await screen.findByText("1 of 3 changes were made; 2 failed.", undefined, { timeout: 10_000 })).toBeTruthy();
    const failed = screen.getByRole("region", { name: "Failed (2)" });
    expect(within(failed).getByText("Lucky Shrub")).toBeTruthy();
    expect(within(failed).getByText("Lucky Shrub Outlet")).toBeTruthy();
    expect(
      within(failed).getAllByText("The token (or the person or system user it belongs to) lacks a permission needed for this action."),
    ).toHaveLength(2);
    expect(within(failed).getAllByText(/^Use a token of a business admin/)).toHaveLength(2);
    await user.click(within(failed).getAllByText("Details")[0] ?? failed);
    expect(within(failed).getAllByText("missing_permission")[0]).toBeTruthy();
    await expectNoSeriousA11yViolations();

    await engine.emulator("DELETE", "requests");
    await user.click(screen.getByRole("button", { name: "Retry 2 failed" }));
    // Only the two failed ones go to Meta again, and Meta refuses them again.
    await waitFor(async () => expect(await batches(engine)).toHaveLength(1), { timeout: 10_000 });
    expect(await screen.findByRole("button", { name: "Retry 2 failed" }, { timeout: 10_000 })).toBeTruthy();
    expect(screen.getByText("1 of 3 changes were made; 2 failed.")).toBeTruthy();
    const sent = await batches(engine);
    const ops = JSON.parse(sent[0]?.params.find(([k]) => k === "batch")?.[1] ?? "[]") as unknown[];
    expect(ops).toHaveLength(2);
  });

  it("offers to resume an unfinished change for this system user, sending only what was not done", async () => {
    let job: JobSummary | null = null;
    const { engine, user, systemUserId } = await setup(async (backend, engine, id) => {
      job = await stoppedJob(backend, engine, id);
    });
    const stopped = job as JobSummary | null;
    if (!stopped) throw new Error("no job");
    const offer = await screen.findByText(
      `An earlier change for Reporting Server did not finish: ${n(stopped.succeeded)} of 600 done.`,
    );
    expect(within(offer.closest(".callout") ?? document.body).getByText(/^It was cancelled on /)).toBeTruthy();
    await engine.emulator("DELETE", "requests");
    await user.click(screen.getByRole("button", { name: "Resume" }));
    expect(await screen.findByText("All 600 changes were made.", undefined, { timeout: 10_000 })).toBeTruthy();
    expect(await batches(engine)).toHaveLength(Math.ceil(stopped.pending / 50));
    expect((await assignmentsOf(engine, systemUserId)).filter((a) => a.asset.startsWith("act_")).length).toBeGreaterThanOrEqual(600);
  });

  it("discards an unfinished change: the offer goes away, says what stays done, and nothing more is sent", async () => {
    let job: JobSummary | null = null;
    const { backend, engine, user } = await setup(async (backend, engine, id) => {
      job = await stoppedJob(backend, engine, id);
    });
    const stopped = job as JobSummary | null;
    if (!stopped) throw new Error("no job");
    await screen.findByText(`An earlier change for Reporting Server did not finish: ${n(stopped.succeeded)} of 600 done.`);
    await engine.emulator("DELETE", "requests");
    await user.click(screen.getByRole("button", { name: "Discard the rest" }));
    expect(
      await screen.findByText(
        `The earlier change was discarded: the ${n(stopped.succeeded)} done stay as they are, and the ${n(stopped.pending)} not done will not be sent.`,
      ),
    ).toBeTruthy();
    expect(screen.queryByText(/did not finish/)).toBeNull();
    expect(await batches(engine)).toHaveLength(0);
    const unfinished = await backend.unfinishedJobs();
    expect(unfinished.status === "ok" ? unfinished.data : null).toEqual([]);
  });

  it("shows the engine's error with its fix when Meta stops accepting the portfolio's token mid-change", async () => {
    const { engine, user } = await setup();
    const list = await openTab(user, "Ad accounts");
    list.focus();
    await user.keyboard("{ }{ArrowDown}{ }{ArrowDown}{ }");
    // The portfolio's own token expires at Meta.
    const manifest = (await engine.emulator("GET", "manifest")) as { businesses: { admin_token: string }[] };
    await engine.emulator("POST", "expire_tokens", { token: manifest.businesses[0]?.admin_token });
    await reviewAndApply(user, "3");
    const alert = await screen.findByRole("alert", undefined, { timeout: 10_000 });
    expect(within(alert).getByText("The changes could not be applied")).toBeTruthy();
    expect(within(alert).getByText("The access token has expired. Meta no longer accepts it.")).toBeTruthy();
    expect(within(alert).getByText(/^Generate a new token for the system user/)).toBeTruthy();
    await user.click(within(alert).getByText("Details"));
    expect(within(alert).getByText("token_expired")).toBeTruthy();
    // Nothing was lost: the three changes wait to be resumed.
    expect(screen.getByText("Stopped: 0 of 3 changes were made.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Resume the remaining 3" })).toBeTruthy();
    await expectNoSeriousA11yViolations();
  });
});
