// A job of asset changes as the screen follows it: started (new, resumed or retried), its
// progress (throttled), waits for Meta, cancel, and the report at the end.
import { useEffect, useReducer, useRef } from "react";
import { useBackend } from "../../backend/context";
import type { JobEvent, JobReport, JobSummary } from "../../backend/types";
import type { CommandError } from "../../bindings";
import type { Progress, RunState } from "./JobPanel";

type RunAction =
  | { type: "started"; job: JobSummary }
  | { type: "event"; event: JobEvent }
  | { type: "finished"; report: JobReport }
  /** The run stopped with an error; `report` is what the engine recorded, when it could say. */
  | { type: "failed"; error: CommandError; report: JobReport | null }
  | { type: "cancelling" }
  | { type: "cancel-failed"; error: CommandError }
  | { type: "error"; error: CommandError }
  | { type: "cleared" };

const progressOf = (summary: JobSummary): Progress => ({
  done: summary.succeeded + summary.failed,
  total: summary.total,
  succeeded: summary.succeeded,
  failed: summary.failed,
});

function withEvent(run: RunState, event: JobEvent): RunState {
  switch (event.type) {
    case "progress":
      return {
        ...run,
        waitingUntil: null,
        waitingReason: null,
        progress: { done: event.done, total: event.total, succeeded: event.succeeded, failed: event.failed },
      };
    case "waiting":
      return { ...run, waitingUntil: event.until_unix, waitingReason: event.reason };
    case "finished":
      // The outcome shows from here; the per-item report follows with the command's answer.
      return { ...run, job: event.summary, running: false, cancelling: false, waitingUntil: null, progress: progressOf(event.summary) };
  }
}

function runReducer(run: RunState | null, action: RunAction): RunState | null {
  if (action.type === "started") {
    const { job } = action;
    return {
      job,
      running: true,
      cancelling: false,
      progress: progressOf(job),
      waitingUntil: null,
      waitingReason: null,
      report: null,
      error: null,
    };
  }
  if (action.type === "cleared" || !run) return null;
  switch (action.type) {
    case "event":
      return withEvent(run, action.event);
    case "finished": {
      const { report } = action;
      return {
        ...run,
        job: report.summary,
        running: false,
        cancelling: false,
        waitingUntil: null,
        report,
        progress: progressOf(report.summary),
      };
    }
    case "failed":
      return {
        ...run,
        running: false,
        cancelling: false,
        waitingUntil: null,
        error: action.error,
        job: action.report?.summary ?? run.job,
        report: action.report ?? run.report,
      };
    case "cancelling":
      return { ...run, cancelling: true };
    case "cancel-failed":
      return { ...run, cancelling: false, error: action.error };
    case "error":
      return { ...run, error: action.error };
  }
}

export interface JobRun {
  /** The job shown, or null before one starts. */
  run: RunState | null;
  /** Runs a job (new, resumed or retried) to its end. */
  start: (job: JobSummary) => Promise<void>;
  /** Stops after the changes in flight. */
  cancel: () => Promise<void>;
  /** Runs the failed changes of the job shown again. */
  retryFailed: () => Promise<void>;
  clear: () => void;
}

/** `onStart` runs as each job starts. */
export function useJobRun(onStart: () => void): JobRun {
  const backend = useBackend();
  const [run, dispatch] = useReducer(runReducer, null);

  // Progress can arrive hundreds of times a second; the screen shows the latest every 100 ms, so
  // the window stays responsive however fast the engine goes.
  const pendingProgress = useRef<JobEvent | null>(null);
  const progressTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flushProgress = () => {
    if (progressTimer.current) clearTimeout(progressTimer.current);
    progressTimer.current = null;
    const pending = pendingProgress.current;
    pendingProgress.current = null;
    if (pending) dispatch({ type: "event", event: pending });
  };
  const onEvent = (event: JobEvent) => {
    if (event.type === "progress") {
      pendingProgress.current = event;
      progressTimer.current ??= setTimeout(flushProgress, 100);
      return;
    }
    flushProgress();
    dispatch({ type: "event", event });
  };
  useEffect(
    () => () => {
      if (progressTimer.current) clearTimeout(progressTimer.current);
    },
    [],
  );

  const start = async (job: JobSummary) => {
    onStart();
    dispatch({ type: "started", job });
    const result = await backend.runJob(job.id, onEvent);
    flushProgress();
    if (result.status === "ok") {
      dispatch({ type: "finished", report: result.data });
      return;
    }
    const recorded = await backend.jobReport(job.id);
    dispatch({ type: "failed", error: result.error, report: recorded.status === "ok" ? recorded.data : null });
  };

  const cancel = async () => {
    if (!run) return;
    dispatch({ type: "cancelling" });
    const result = await backend.cancelJob(run.job.id);
    if (result.status === "error") dispatch({ type: "cancel-failed", error: result.error });
  };

  const retryFailed = async () => {
    if (!run) return;
    const result = await backend.retryFailed(run.job.id);
    if (result.status === "error") {
      dispatch({ type: "error", error: result.error });
      return;
    }
    await start(result.data);
  };

  return { run, start, cancel, retryFailed, clear: () => dispatch({ type: "cleared" }) };
}
