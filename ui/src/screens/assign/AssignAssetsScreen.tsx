import type { UseQueryResult } from "@tanstack/react-query";
import { useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { Input, Label, SearchField } from "react-aria-components";
import type { CommandError } from "../../bindings";
import { useBackend } from "../../backend/context";
import { commandError } from "../../backend/query";
import type { Result } from "../../backend/result";
import type {
  AssetChange,
  AssetKind,
  AssetKindInfo,
  AssetRow,
  JobEvent,
  JobSummary,
  Relation,
} from "../../backend/types";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { Page } from "../../components/Page";
import { SegmentedControl } from "../../components/SegmentedControl";
import { Tab, TabList, TabPanel, Tabs } from "../../components/Tabs";
import { useAssetKinds, useAssetLists, usePortfolioOverview, useSystemUserAccess, useUnfinishedJobs } from "../../queries";
import "../../styles/flows.css";
import { AccessPicker, accessProblem, defaultAccess, describeAccess, tasksOf, type Access } from "./AccessPicker";
import { JobPanel, type RunState } from "./JobPanel";
import { ROW_HEIGHT, VirtualAssetList } from "./VirtualAssetList";

type RelationFilter = "all" | Relation;
type Step = "choose" | "review" | "run";

const n = (value: number) => value.toLocaleString("en-US");
const REVIEW_CAP = 100;

export interface AssignAssetsScreenProps {
  systemUserId: string;
}

/**
 * Give a system user assets: one tab per kind, a searchable list that stays fast with 10,000+
 * assets, Full control or Partial (tasks in plain words) per kind, a review of the exact changes,
 * then a resumable job with progress, cancel and per-item results.
 */
export function AssignAssetsScreen({ systemUserId }: AssignAssetsScreenProps) {
  const backend = useBackend();
  const kinds = useAssetKinds();
  const overview = usePortfolioOverview();
  const userAccess = useSystemUserAccess(systemUserId);
  const unfinishedJobs = useUnfinishedJobs();
  const systemUserName =
    overview.data?.system_users.find((u) => u.id === systemUserId)?.name ?? userAccess.data?.system_user.name ?? null;
  const assigned = useMemo<ReadonlyMap<string, string>>(
    () => new Map(userAccess.data?.assets.map((a) => [`${a.kind}:${a.id}`, a.access]) ?? []),
    [userAccess.data],
  );
  // The offer to resume an earlier change: only from a fresh read, until a change is started here,
  // the earlier one is discarded, or it is put off.
  const [offerClosed, setOfferClosed] = useState(false);
  const unfinished =
    offerClosed || unfinishedJobs.isFetching
      ? null
      : (unfinishedJobs.data?.find((j) => j.system_user_id === systemUserId) ?? null);
  // What discarding an unfinished change did, or why it could not.
  const [discarded, setDiscarded] = useState<Result<JobSummary, CommandError> | null>(null);
  const [chosenKind, setActiveKind] = useState<AssetKind | null>(null);
  const activeKind = chosenKind ?? kinds.data?.[0]?.kind ?? null;
  // Each kind's list is read the first time its tab opens, then kept while the screen is open.
  const [visitedKinds, setVisitedKinds] = useState<readonly AssetKind[]>([]);
  const listedKinds = activeKind === null || visitedKinds.includes(activeKind) ? visitedKinds : [...visitedKinds, activeKind];
  const assetLists = useAssetLists(listedKinds);
  const listOf = (kind: AssetKind): UseQueryResult<AssetRow[]> | undefined => assetLists[listedKinds.indexOf(kind)];
  const [selected, setSelected] = useState<Partial<Record<AssetKind, ReadonlySet<string>>>>({});
  const [access, setAccess] = useState<Partial<Record<AssetKind, Access>>>({});
  const [queries, setQueries] = useState<Partial<Record<AssetKind, string>>>({});
  const [relations, setRelations] = useState<Partial<Record<AssetKind, RelationFilter>>>({});
  const [step, setStep] = useState<Step>("choose");
  const [applyError, setApplyError] = useState<CommandError | null>(null);
  const [applying, setApplying] = useState(false);
  const [run, setRun] = useState<RunState | null>(null);
  const [showAllReview, setShowAllReview] = useState(false);
  const stepHeading = useRef<HTMLHeadingElement>(null);

  // Moving between steps puts focus on the new step's heading (not on first load).
  const shownStep = useRef(step);
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    stepHeading.current?.focus();
  }, [step]);

  const kindInfos = kinds.data ?? [];
  const accessOf = (info: AssetKindInfo) => access[info.kind] ?? defaultAccess(info);
  const name = systemUserName ?? "this system user";
  const backHref = `#/system-users/${systemUserId}`;

  const rowsOf = (kind: AssetKind): AssetRow[] => listOf(kind)?.data ?? [];

  /** The exact changes, grouped by kind, in the kinds' order. */
  const groups = kindInfos
    .map((info) => {
      const ids = selected[info.kind];
      const rows = ids && ids.size > 0 ? rowsOf(info.kind).filter((r) => ids.has(r.id)) : [];
      return { info, rows, access: accessOf(info) };
    })
    .filter((g) => g.rows.length > 0);
  const totalSelected = groups.reduce((sum, g) => sum + g.rows.length, 0);
  const problems = groups.map((g) => accessProblem(g.info, g.access)).filter((p): p is string => p !== null);

  const changes = (): AssetChange[] =>
    groups.flatMap((g) =>
      g.rows.map((row) => ({
        kind: g.info.kind,
        asset_id: row.id,
        asset_name: row.name,
        action: "assign" as const,
        tasks: tasksOf(g.info, g.access),
      })),
    );

  // Progress can arrive hundreds of times a second; the screen shows the latest every 100 ms, so
  // the window stays responsive however fast the engine goes.
  const pendingProgress = useRef<JobEvent | null>(null);
  const progressTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const applyEvent = (event: JobEvent) => {
    setRun((r) => {
      if (!r) return r;
      switch (event.type) {
        case "progress":
          return {
            ...r,
            waitingUntil: null,
            waitingReason: null,
            progress: { done: event.done, total: event.total, succeeded: event.succeeded, failed: event.failed },
          };
        case "waiting":
          return { ...r, waitingUntil: event.until_unix, waitingReason: event.reason };
        case "finished":
          return { ...r, job: event.summary };
      }
    });
  };
  const flushProgress = () => {
    if (progressTimer.current) clearTimeout(progressTimer.current);
    progressTimer.current = null;
    const pending = pendingProgress.current;
    pendingProgress.current = null;
    if (pending) applyEvent(pending);
  };
  const onEvent = (event: JobEvent) => {
    if (event.type === "progress") {
      pendingProgress.current = event;
      progressTimer.current ??= setTimeout(flushProgress, 100);
      return;
    }
    flushProgress();
    applyEvent(event);
  };
  useEffect(
    () => () => {
      if (progressTimer.current) clearTimeout(progressTimer.current);
    },
    [],
  );

  const start = async (job: JobSummary) => {
    setStep("run");
    setOfferClosed(true);
    setRun({
      job,
      running: true,
      cancelling: false,
      progress: {
        done: job.succeeded + job.failed,
        total: job.total,
        succeeded: job.succeeded,
        failed: job.failed,
      },
      waitingUntil: null,
      waitingReason: null,
      report: null,
      error: null,
    });
    const result = await backend.runJob(job.id, onEvent);
    flushProgress();
    if (result.status === "ok") {
      const report = result.data;
      setRun((r) =>
        r && {
          ...r,
          job: report.summary,
          running: false,
          cancelling: false,
          waitingUntil: null,
          report,
          progress: {
            done: report.summary.succeeded + report.summary.failed,
            total: report.summary.total,
            succeeded: report.summary.succeeded,
            failed: report.summary.failed,
          },
        },
      );
    } else {
      const error = result.error;
      const fallback = await backend.jobReport(job.id);
      setRun(
        (r) =>
          r && {
            ...r,
            running: false,
            cancelling: false,
            waitingUntil: null,
            error,
            report: fallback.status === "ok" ? fallback.data : r.report,
          },
      );
    }
  };

  const apply = async () => {
    if (applying || problems.length > 0 || totalSelected === 0) return;
    setApplying(true);
    setApplyError(null);
    const created = await backend.createJob(systemUserId, systemUserName ?? systemUserId, changes());
    setApplying(false);
    if (created.status === "error") {
      setApplyError(created.error);
      return;
    }
    await start(created.data);
  };

  const cancel = async () => {
    if (!run) return;
    setRun({ ...run, cancelling: true });
    const result = await backend.cancelJob(run.job.id);
    if (result.status === "error") setRun((r) => r && { ...r, cancelling: false, error: result.error });
  };

  const retryFailed = async () => {
    if (!run) return;
    const result = await backend.retryFailed(run.job.id);
    if (result.status === "error") {
      setRun({ ...run, error: result.error });
      return;
    }
    await start(result.data);
  };

  const assignMore = () => {
    setSelected({});
    setRun(null);
    setStep("choose");
  };

  const onReviewKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && !applying) {
      event.preventDefault();
      setStep("choose");
    }
  };

  if (kinds.isPending) {
    return (
      <Page title="Assign assets">
        <p className="muted" role="status">
          Loading asset kinds…
        </p>
      </Page>
    );
  }
  if (kinds.isError) {
    return (
      <Page title="Assign assets">
        <ErrorCallout error={commandError(kinds.error)} title="The asset kinds could not be loaded" />
      </Page>
    );
  }

  return (
    <Page
      title={`Assign assets to ${name}`}
      lede="Choose assets on each tab and what the system user may do with them. Nothing changes at Meta until you review and apply."
      actions={
        <a className="button button--ghost" href={backHref}>
          Back to {name}
        </a>
      }
    >
      <ol className="stepper" aria-label="Steps">
        {(["choose", "review", "run"] as const).map((s, i) => (
          <li key={s} className="stepper__step" aria-current={step === s ? "step" : undefined}>
            <span className="stepper__number">{i + 1}</span>
            {s === "choose" ? "Choose assets" : s === "review" ? "Review" : "Apply"}
          </li>
        ))}
      </ol>

      <div aria-live="polite">
        {discarded?.status === "ok" && step === "choose" && (
          <Callout
            tone="success"
            title={`The earlier change was discarded: the ${n(discarded.data.succeeded)} done stay as they are, and the ${n(discarded.data.pending)} not done will not be sent.`}
          />
        )}
        {discarded?.status === "error" && <ErrorCallout error={discarded.error} title="The earlier change could not be discarded" />}
      </div>

      {unfinished && step === "choose" && (
        <Callout
          tone="info"
          title={`An earlier change for ${name} did not finish: ${n(unfinished.succeeded)} of ${n(unfinished.total)} done.`}
        >
          <span>
            It was {unfinished.status === "cancelled" ? "cancelled" : "interrupted"} on{" "}
            {new Date((unfinished.created_at_unix ?? 0) * 1000).toLocaleString()}. Resuming sends only what was not done yet.
          </span>
          <div className="row">
            <Button variant="primary" onPress={() => void start(unfinished)}>
              Resume
            </Button>
            <Button
              onPress={() => {
                const job = unfinished;
                void backend.discardJob(job.id).then((result) => {
                  setDiscarded(result);
                  if (result.status === "ok") setOfferClosed(true);
                });
              }}
            >
              Discard the rest
            </Button>
            <Button variant="ghost" onPress={() => setOfferClosed(true)}>
              Not now
            </Button>
          </div>
        </Callout>
      )}

      {step === "choose" && (
        <section className="stack" aria-labelledby="choose-heading">
          <h2 id="choose-heading" ref={stepHeading} tabIndex={-1} className="visually-hidden">
            Choose assets
          </h2>
          <Tabs
            variant="flow"
            selectedKey={activeKind ?? undefined}
            onSelectionChange={(key) => {
              const info = kindInfos.find((k) => k.kind === key);
              if (!info) return;
              setVisitedKinds(listedKinds.includes(info.kind) ? listedKinds : [...listedKinds, info.kind]);
              setActiveKind(info.kind);
            }}
          >
            <TabList aria-label="Asset kinds">
              {kindInfos.map((info) => {
                const count = selected[info.kind]?.size ?? 0;
                return (
                  <Tab key={info.kind} id={info.kind}>
                    {info.label}
                    {count > 0 && (
                      <span className="flow-tabs__count" aria-label={`${n(count)} selected`}>
                        {n(count)}
                      </span>
                    )}
                  </Tab>
                );
              })}
            </TabList>
            {kindInfos.map((info) => (
              <TabPanel key={info.kind} id={info.kind}>
                <KindPanel
                  info={info}
                  loaded={listOf(info.kind)}
                  selected={selected[info.kind] ?? new Set()}
                  onSelectedChange={(ids) => setSelected((s) => ({ ...s, [info.kind]: ids }))}
                  access={accessOf(info)}
                  onAccessChange={(a) => setAccess((m) => ({ ...m, [info.kind]: a }))}
                  query={queries[info.kind] ?? ""}
                  onQueryChange={(q) => setQueries((m) => ({ ...m, [info.kind]: q }))}
                  relation={relations[info.kind] ?? "all"}
                  onRelationChange={(r) => setRelations((m) => ({ ...m, [info.kind]: r }))}
                  assigned={assigned}
                />
              </TabPanel>
            ))}
          </Tabs>
          <div className="action-bar">
            <span aria-live="polite">
              {totalSelected === 0
                ? "Nothing selected yet."
                : `${n(totalSelected)} ${totalSelected === 1 ? "asset" : "assets"} selected across ${n(groups.length)} ${groups.length === 1 ? "kind" : "kinds"}.`}
            </span>
            {problems[0] && <span className="action-bar__problem">{problems[0]}</span>}
            <span className="spacer" />
            <Button
              variant="primary"
              isDisabled={totalSelected === 0 || problems.length > 0}
              onPress={() => {
                setShowAllReview(false);
                setApplyError(null);
                setStep("review");
              }}
            >
              Review changes
            </Button>
          </div>
        </section>
      )}

      {step === "review" && (
        <section className="stack" aria-labelledby="review-heading" onKeyDown={onReviewKeyDown}>
          <h2 id="review-heading" ref={stepHeading} tabIndex={-1}>
            Review {n(totalSelected)} {totalSelected === 1 ? "change" : "changes"} for {name}
          </h2>
          <p className="muted">
            Each asset below gets exactly this access. If {name} already had access to one, it is replaced by what is
            shown.
          </p>
          {groups.map((g) => (
            <section key={g.info.kind} className="card review-group" aria-labelledby={`review-${g.info.kind}`}>
              <h3 id={`review-${g.info.kind}`}>
                {g.info.label} <span className="muted">({n(g.rows.length)})</span>
              </h3>
              <p className="review-group__access">{describeAccess(g.info, g.access)}</p>
              {/* It scrolls past a few dozen rows: focusable, so the keyboard can scroll it too. */}
              <ul
                id={`review-${g.info.kind}-assets`}
                className="flow-list review-group__assets"
                tabIndex={0}
                aria-labelledby={`review-${g.info.kind}`}
              >
                {(showAllReview ? g.rows : g.rows.slice(0, REVIEW_CAP)).map((row) => (
                  <li key={row.id}>
                    {row.name} <span className="muted">· {row.detail ?? row.id}</span>
                  </li>
                ))}
              </ul>
              {!showAllReview && g.rows.length > REVIEW_CAP && (
                <Button
                  variant="ghost"
                  onPress={() => {
                    // The button goes away: focus moves to the list it lengthens, not to the page.
                    document.getElementById(`review-${g.info.kind}-assets`)?.focus();
                    setShowAllReview(true);
                  }}
                >
                  Show all {n(g.rows.length)} {g.info.label.toLowerCase()}
                </Button>
              )}
            </section>
          ))}
          {applyError && <ErrorCallout error={applyError} title="Nothing was changed" />}
          <div className="action-bar">
            <Button onPress={() => setStep("choose")} isDisabled={applying}>
              Back
            </Button>
            <span className="spacer" />
            <Button variant="primary" onPress={() => void apply()} isDisabled={applying}>
              {applying ? "Preparing…" : `Apply ${n(totalSelected)} ${totalSelected === 1 ? "change" : "changes"}`}
            </Button>
          </div>
        </section>
      )}

      {step === "run" && run && (
        <section className="stack" aria-labelledby="run-heading">
          <h2 id="run-heading" ref={stepHeading} tabIndex={-1}>
            {run.running ? `Applying changes for ${name}` : "Results"}
          </h2>
          <JobPanel
            state={run}
            kinds={kindInfos}
            onCancel={() => void cancel()}
            onRetryFailed={() => void retryFailed()}
            onResume={() => void start(run.report?.summary ?? run.job)}
            onAssignMore={assignMore}
            backHref={backHref}
            systemUserName={name}
          />
        </section>
      )}
    </Page>
  );
}

interface KindPanelProps {
  info: AssetKindInfo;
  loaded: UseQueryResult<AssetRow[]> | undefined;
  selected: ReadonlySet<string>;
  onSelectedChange: (ids: ReadonlySet<string>) => void;
  access: Access;
  onAccessChange: (access: Access) => void;
  query: string;
  onQueryChange: (query: string) => void;
  relation: RelationFilter;
  onRelationChange: (relation: RelationFilter) => void;
  assigned: ReadonlyMap<string, string>;
}

const accessNotes: Record<string, string> = { read: "Has access: read only", write: "Has access: can change", full: "Has access: full control" };

function KindPanel(props: KindPanelProps) {
  const { info, loaded, selected, onSelectedChange, query, relation } = props;
  const deferredQuery = useDeferredValue(query);
  const rows = useMemo(() => loaded?.data ?? [], [loaded?.data]);
  const matching = useMemo(() => {
    const q = deferredQuery.trim().toLowerCase();
    return rows.filter(
      (r) =>
        (relation === "all" || r.relation === relation) &&
        (q === "" ||
          r.name.toLowerCase().includes(q) ||
          r.id.toLowerCase().includes(q) ||
          (r.detail?.toLowerCase().includes(q) ?? false)),
    );
  }, [rows, deferredQuery, relation]);
  const matchingSelected = useMemo(() => matching.filter((r) => selected.has(r.id)).length, [matching, selected]);
  const plural = info.label.toLowerCase();

  const toggle = (row: AssetRow) => {
    const next = new Set(selected);
    if (next.has(row.id)) next.delete(row.id);
    else next.add(row.id);
    onSelectedChange(next);
  };
  const selectAllMatching = () => {
    const next = new Set(selected);
    for (const r of matching) next.add(r.id);
    onSelectedChange(next);
  };
  const clearMatching = () => {
    const next = new Set(selected);
    for (const r of matching) next.delete(r.id);
    onSelectedChange(next);
  };

  return (
    <div className="kind-panel">
      <div className="kind-panel__list stack-sm">
        <div className="kind-panel__toolbar">
          <SearchField className="field search" value={query} onChange={props.onQueryChange}>
            <Label className="visually-hidden">Search {plural}</Label>
            <Input className="input" placeholder="Name or ID" />
          </SearchField>
          <SegmentedControl<RelationFilter>
            label="Show"
            value={relation}
            onChange={props.onRelationChange}
            options={[
              { value: "all", label: "All" },
              { value: "owned", label: "Owned" },
              { value: "client", label: "Shared by clients" },
            ]}
          />
        </div>
        {loaded === undefined || loaded.isPending ? (
          <div className="vlist vlist--placeholder" role="status">
            <span className="spinner" aria-hidden="true" />
            Loading every {info.singular} of the portfolio… Large portfolios take a few seconds.
          </div>
        ) : loaded.isError ? (
          <ErrorCallout error={commandError(loaded.error)} title={`The ${plural} could not be loaded`} />
        ) : (
          <>
            <div className="row kind-panel__counts">
              <span role="status">
                {deferredQuery.trim() || relation !== "all"
                  ? `${n(matching.length)} of ${n(rows.length)} ${plural} match`
                  : `${n(rows.length)} ${plural}`}
                {selected.size > 0 && ` · ${n(selected.size)} selected`}
              </span>
              <span className="spacer" />
              {matching.length > 0 && matchingSelected < matching.length && (
                <Button variant="ghost" onPress={selectAllMatching}>
                  {deferredQuery.trim() || relation !== "all"
                    ? `Select all ${n(matching.length)} matching`
                    : `Select all ${n(matching.length)}`}
                </Button>
              )}
              {matchingSelected > 0 && (
                <Button variant="ghost" onPress={clearMatching}>
                  Clear selection
                </Button>
              )}
            </div>
            {matching.length === 0 ? (
              <p className="vlist vlist--placeholder">
                {rows.length === 0 ? `This portfolio has no ${plural}.` : `No ${plural} match “${deferredQuery}”.`}
              </p>
            ) : (
              <VirtualAssetList
                label={info.label}
                height={Math.min(440, matching.length * ROW_HEIGHT + 2)}
                rows={matching}
                selected={selected}
                onToggle={toggle}
                noteFor={(row) => {
                  const level = props.assigned.get(`${row.kind}:${row.id}`);
                  return level ? (accessNotes[level] ?? "Has access") : null;
                }}
              />
            )}
            <p className="muted kind-panel__hint">
              Arrow keys move, Space ticks; Page Up/Down and Home/End jump.
            </p>
          </>
        )}
      </div>
      <AccessPicker info={info} access={props.access} onChange={props.onAccessChange} />
    </div>
  );
}
