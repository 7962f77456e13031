import type { Dispatch, KeyboardEvent, RefObject } from "react";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { useChangeReview } from "../../queries";
import { commandError } from "../../backend/query";
import { describeAccess } from "./AccessPicker";
import { changesOf, type AssignAction, type AssignState, type ChangePlan } from "./assignState";

const n = (value: number) => value.toLocaleString("en-US");
/** Each kind's review lists this many assets until asked for all. */
const REVIEW_CAP = 100;

export interface ReviewStepProps {
  headingRef: RefObject<HTMLHeadingElement | null>;
  systemUserId: string;
  /** The system user's name. */
  name: string;
  plan: ChangePlan;
  state: Pick<AssignState, "showAllReview" | "applying" | "applyError">;
  dispatch: Dispatch<AssignAction>;
  onApply: () => void;
}

/** Step 2: the exact changes per kind, with the access each gets; Escape or Back goes back. */
export function ReviewStep({ headingRef, systemUserId, name, plan, state, dispatch, onApply }: ReviewStepProps) {
  const { groups, totalSelected } = plan;
  const { showAllReview, applying, applyError } = state;
  // What these changes take away that the system user has now: the engine compares them with
  // what Meta holds (fresh), so the person sees a loss before applying it.
  const review = useChangeReview(systemUserId, changesOf(groups), true);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && !applying) {
      event.preventDefault();
      dispatch({ type: "back-to-choose" });
    }
  };
  return (
    <section className="stack" aria-labelledby="review-heading" onKeyDown={onKeyDown}>
      <h2 id="review-heading" ref={headingRef} tabIndex={-1}>
        Review {n(totalSelected)} {totalSelected === 1 ? "change" : "changes"} for {name}
      </h2>
      <p className="muted">
        Each asset below gets exactly this access. If {name} already had access to one, it is replaced by what is
        shown.
      </p>
      {review.isPending && (
        <p className="muted" role="status">
          Comparing with what {name} can reach now…
        </p>
      )}
      {review.isError && (
        <ErrorCallout
          error={commandError(review.error)}
          tone="warning"
          role="status"
          title={`Gatehouse could not compare with what ${name} can reach now`}
        />
      )}
      {review.data && review.data.losses.length > 0 && (
        <Callout tone="warning" title={`${name} loses access it has now`}>
          <ul className="review-losses">
            {review.data.losses.map((loss) => (
              <li key={`${loss.kind}:${loss.from}:${loss.to ?? "none"}`}>{loss.sentence}</li>
            ))}
          </ul>
        </Callout>
      )}
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
                dispatch({ type: "show-all-review" });
              }}
            >
              Show all {n(g.rows.length)} {g.info.plural}
            </Button>
          )}
        </section>
      ))}
      {applyError && <ErrorCallout error={applyError} title="Nothing was changed" />}
      <div className="action-bar">
        <Button onPress={() => dispatch({ type: "back-to-choose" })} isDisabled={applying}>
          Back
        </Button>
        <span className="spacer" />
        <Button variant="primary" onPress={onApply} isDisabled={applying}>
          {applying ? "Preparing…" : `Apply ${n(totalSelected)} ${totalSelected === 1 ? "change" : "changes"}`}
        </Button>
      </div>
    </section>
  );
}
