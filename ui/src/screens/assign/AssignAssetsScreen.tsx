import type { UseQueryResult } from "@tanstack/react-query";
import { useReducer } from "react";
import { useBackend } from "../../backend/context";
import { commandError } from "../../backend/query";
import type { AssetKind, AssetRow } from "../../backend/types";
import { ErrorCallout } from "../../components/Callout";
import { Page } from "../../components/Page";
import { useAssetKinds, useAssetLists } from "../../queries";
import "../../styles/flows.css";
import {
  activeKindOf,
  assignReducer,
  changePlan,
  changesOf,
  initialAssignState,
  listedKindsOf,
  type Step,
} from "./assignState";
import { ChooseStep } from "./ChooseStep";
import { JobPanel } from "./JobPanel";
import { ReviewStep } from "./ReviewStep";
import { DiscardOutcome, UnfinishedOffer } from "./UnfinishedOffer";
import { useAssignee } from "./useAssignee";
import { useJobRun } from "./useJobRun";
import { useStepFocus } from "./useStepFocus";
import { useUnfinishedOffer } from "./useUnfinishedOffer";

const stepLabels: Record<Step, string> = { choose: "Choose assets", review: "Review", run: "Apply" };

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
  const assignee = useAssignee(systemUserId);
  const [state, dispatch] = useReducer(assignReducer, initialAssignState);
  const offer = useUnfinishedOffer(systemUserId);
  const job = useJobRun(() => {
    dispatch({ type: "run-started" });
    offer.close();
  });
  const stepHeading = useStepFocus(state.step);

  // Each kind's list is read the first time its tab opens, then kept while the screen is open.
  const kindInfos = kinds.data ?? [];
  const activeKind = activeKindOf(state, kindInfos);
  const listedKinds = listedKindsOf(state, activeKind);
  const lists = useAssetLists(listedKinds);
  const listOf = (kind: AssetKind): UseQueryResult<AssetRow[]> | undefined => lists[listedKinds.indexOf(kind)];
  const plan = changePlan(state, kindInfos, (kind) => listOf(kind)?.data ?? []);

  const name = assignee.name ?? "this system user";
  const backHref = `#/system-users/${systemUserId}`;

  const apply = async () => {
    if (state.applying || plan.problems.length > 0 || plan.totalSelected === 0) return;
    dispatch({ type: "apply-started" });
    const created = await backend.createJob(systemUserId, assignee.name ?? systemUserId, changesOf(plan.groups));
    if (created.status === "error") {
      dispatch({ type: "apply-failed", error: created.error });
      return;
    }
    await job.start(created.data);
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

  const { step } = state;
  const { run } = job;
  const unfinished = step === "choose" ? offer.unfinished : null;
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
            {stepLabels[s]}
          </li>
        ))}
      </ol>

      <DiscardOutcome discarded={offer.discarded} choosing={step === "choose"} />

      {unfinished && (
        <UnfinishedOffer
          job={unfinished}
          name={name}
          onResume={() => void job.start(unfinished)}
          onDiscard={() => offer.discard(unfinished)}
          onPutOff={offer.close}
        />
      )}

      {step === "choose" && (
        <ChooseStep
          headingRef={stepHeading}
          kinds={kindInfos}
          activeKind={activeKind}
          state={state}
          dispatch={dispatch}
          listOf={listOf}
          assigned={assignee.assigned}
          plan={plan}
        />
      )}

      {step === "review" && (
        <ReviewStep
          headingRef={stepHeading}
          systemUserId={systemUserId}
          name={name}
          plan={plan}
          state={state}
          dispatch={dispatch}
          onApply={() => void apply()}
        />
      )}

      {step === "run" && run && (
        <section className="stack" aria-labelledby="run-heading">
          <h2 id="run-heading" ref={stepHeading} tabIndex={-1}>
            {run.running ? `Applying changes for ${name}` : "Results"}
          </h2>
          <JobPanel
            state={run}
            kinds={kindInfos}
            onCancel={() => void job.cancel()}
            onRetryFailed={() => void job.retryFailed()}
            onResume={() => void job.start(run.report?.summary ?? run.job)}
            onAssignMore={() => {
              job.clear();
              dispatch({ type: "assign-more" });
            }}
            backHref={backHref}
            systemUserName={name}
          />
        </section>
      )}
    </Page>
  );
}
