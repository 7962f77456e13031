import { useState } from "react";
import type { CommandError } from "../../bindings";
import type { AssetKindInfo, JobItem, JobReport, JobSummary } from "../../backend/types";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { ProgressBar } from "../../components/ProgressBar";

export type Progress = { done: number; total: number; succeeded: number; failed: number };

export type RunState = {
  job: JobSummary;
  running: boolean;
  cancelling: boolean;
  progress: Progress;
  /** Unix seconds when Meta lets us go on, while waiting. */
  waitingUntil: number | null;
  waitingReason: string | null;
  report: JobReport | null;
  error: CommandError | null;
};

const LIST_CAP = 200;

export function formatClock(unix: number): string {
  return new Date(unix * 1000).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

const n = (value: number) => value.toLocaleString("en-US");

/** How each way a run can end looks; its words come from the engine (`outcome`, `next_step`). */
const outcomeTone: Record<JobSummary["status"], "success" | "warning" | "info"> = {
  completed: "success",
  completed_with_failures: "warning",
  cancelled: "info",
  interrupted: "info",
  pending: "info",
  running: "info",
};

export interface JobPanelProps {
  state: RunState;
  kinds: AssetKindInfo[];
  onCancel: () => void;
  onRetryFailed: () => void;
  onResume: () => void;
  onAssignMore: () => void;
  backHref: string;
  systemUserName: string;
}

/** A running or finished job: progress with cancel, then per-item results with retry. */
export function JobPanel({ state, kinds, onCancel, onRetryFailed, onResume, onAssignMore, backHref, systemUserName }: JobPanelProps) {
  const { progress, report, running, job } = state;
  const kindLabel = (item: JobItem) => kinds.find((k) => k.kind === item.kind)?.singular ?? item.kind;
  const failed = report?.items.filter((i) => i.status === "failed") ?? [];
  const succeeded = report?.items.filter((i) => i.status === "succeeded") ?? [];
  const pending = running ? progress.total - progress.done : job.pending;
  // A finished run shows its outcome as soon as the engine says it ended (the summary carries its
  // words); the items fill in when the report arrives.
  const finished = !running && job.outcome !== "";
  const [showAllFailed, setShowAllFailed] = useState(false);

  return (
    <div className="stack">
      {running && (
        <div className="job-progress stack-sm">
          <ProgressBar
            label={state.cancelling ? "Stopping after the changes in flight…" : "Applying changes"}
            value={progress.done}
            maxValue={Math.max(1, progress.total)}
            valueLabel={`${n(progress.done)} of ${n(progress.total)}`}
          />
          <p className="muted" aria-live="off">
            {n(progress.succeeded)} done · {n(progress.failed)} failed · {n(progress.total - progress.done)} to go
          </p>
          {state.waitingUntil !== null && (
            <Callout tone="info" title={`Meta asked us to slow down; resuming at ${formatClock(state.waitingUntil)}.`}>
              {state.waitingReason && <span>{state.waitingReason}</span>}
              <span>Nothing is lost: Gatehouse waits and then goes on by itself.</span>
            </Callout>
          )}
          <div className="row">
            <Button onPress={onCancel} isDisabled={state.cancelling}>
              {state.cancelling ? "Stopping…" : "Cancel"}
            </Button>
            <span className="muted">Cancel stops after the changes already on their way to Meta.</span>
          </div>
        </div>
      )}

      {state.error && <ErrorCallout error={state.error} title="The changes could not be applied" />}

      {finished && (
        <>
          <Callout tone={outcomeTone[job.status]} title={job.outcome}>
            <span>{job.next_step}</span>
          </Callout>
          <div className="row">
            {pending > 0 && (
              <Button variant="primary" onPress={onResume}>
                Resume the remaining {n(pending)}
              </Button>
            )}
            {job.failed > 0 && (
              <Button variant={pending > 0 ? "secondary" : "primary"} onPress={onRetryFailed}>
                Retry {n(job.failed)} failed
              </Button>
            )}
            <Button onPress={onAssignMore}>Assign more assets</Button>
            <a className="button button--ghost" href={backHref}>
              Back to {systemUserName}
            </a>
          </div>
          {failed.length > 0 && (
            <section className="stack-sm" aria-labelledby="failed-heading">
              <h3 id="failed-heading">Failed ({n(failed.length)})</h3>
              <ul className="result-list">
                {(showAllFailed ? failed : failed.slice(0, LIST_CAP)).map((item) => (
                  <li key={`${item.kind}:${item.asset_id}`} className="result-list__item result-list__item--failed">
                    <div className="result-list__head">
                      <span className="result-list__name">{item.asset_name}</span>
                      <span className="muted">{kindLabel(item)}</span>
                    </div>
                    {item.error && (
                      <>
                        <span>{item.error.message}</span>
                        {item.error.fix && <span className="muted">{item.error.fix}</span>}
                        <details className="flow-details">
                          <summary>Details</summary>
                          <code>{item.error.code}</code>
                          {item.error.detail && <p className="flow-details__text">{item.error.detail}</p>}
                        </details>
                      </>
                    )}
                  </li>
                ))}
              </ul>
              {!showAllFailed && failed.length > LIST_CAP && (
                <Button variant="ghost" onPress={() => setShowAllFailed(true)}>
                  Show all {n(failed.length)} failures
                </Button>
              )}
            </section>
          )}
          {succeeded.length > 0 && (
            <details className="flow-details">
              <summary>Show the {n(succeeded.length)} changes that were made</summary>
              <ul className="flow-list">
                {succeeded.slice(0, LIST_CAP).map((item) => (
                  <li key={`${item.kind}:${item.asset_id}`}>
                    {item.asset_name} <span className="muted">· {kindLabel(item)}</span>
                  </li>
                ))}
                {succeeded.length > LIST_CAP && <li className="muted">…and {n(succeeded.length - LIST_CAP)} more</li>}
              </ul>
            </details>
          )}
        </>
      )}
    </div>
  );
}
