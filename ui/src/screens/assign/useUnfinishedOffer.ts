// The offer to resume (or discard) an earlier change for the system user that did not finish.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useBackend } from "../../backend/context";
import { unwrap } from "../../backend/query";
import type { JobSummary } from "../../backend/types";
import { useUnfinishedJobs } from "../../queries";

export function useUnfinishedOffer(systemUserId: string) {
  const backend = useBackend();
  const jobs = useUnfinishedJobs();
  // Put off, discarded, or a change started here: not offered again on this screen.
  const [closed, setClosed] = useState(false);
  const discard = useMutation({
    mutationFn: (job: JobSummary) => unwrap(backend.discardJob(job.id)),
    onSuccess: () => setClosed(true),
  });
  // Only from a fresh read: a cached one may list a change that has finished since.
  const unfinished =
    closed || jobs.isFetching ? null : (jobs.data?.find((j) => j.system_user_id === systemUserId) ?? null);
  return {
    unfinished,
    /** What discarding did (what stays done, what will not be sent), or why it could not. */
    discarded: discard,
    discard: (job: JobSummary) => discard.mutate(job),
    close: () => setClosed(true),
  };
}
