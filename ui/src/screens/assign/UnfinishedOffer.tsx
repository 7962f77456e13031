import type { UseMutationResult } from "@tanstack/react-query";
import { commandError } from "../../backend/query";
import type { JobSummary } from "../../backend/types";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";

const n = (value: number) => value.toLocaleString("en-US");

export interface UnfinishedOfferProps {
  job: JobSummary;
  /** The system user's name. */
  name: string;
  onResume: () => void;
  onDiscard: () => void;
  onPutOff: () => void;
}

/** An earlier change for this system user that did not finish: resume it, discard the rest, or not now. */
export function UnfinishedOffer({ job, name, onResume, onDiscard, onPutOff }: UnfinishedOfferProps) {
  return (
    <Callout tone="info" title={`An earlier change for ${name} did not finish: ${n(job.succeeded)} of ${n(job.total)} done.`}>
      <span>
        It was {job.status_label} on{" "}
        {new Date((job.created_at_unix ?? 0) * 1000).toLocaleString()}. Resuming sends only what was not done yet.
      </span>
      <div className="row">
        <Button variant="primary" onPress={onResume}>
          Resume
        </Button>
        <Button onPress={onDiscard}>Discard the rest</Button>
        <Button variant="ghost" onPress={onPutOff}>
          Not now
        </Button>
      </div>
    </Callout>
  );
}

/** What discarding did (the success only while choosing), or why it could not. */
export function DiscardOutcome({ discarded, choosing }: { discarded: UseMutationResult<JobSummary, Error, JobSummary>; choosing: boolean }) {
  return (
    <div aria-live="polite">
      {discarded.isSuccess && choosing && (
        <Callout
          tone="success"
          title={`The earlier change was discarded: the ${n(discarded.data.succeeded)} done stay as they are, and the ${n(discarded.data.pending)} not done will not be sent.`}
        />
      )}
      {discarded.isError && (
        <ErrorCallout error={commandError(discarded.error)} title="The earlier change could not be discarded" />
      )}
    </div>
  );
}
