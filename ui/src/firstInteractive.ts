import { useEffect } from "react";

/** The performance mark set once, when the first portfolio opened is on screen and answers input.
 * The start-up benchmark (scripts/bench.sh) reads it in the app and in Chromium alike:
 * `performance.timeOrigin + performance.getEntriesByName(FIRST_INTERACTIVE)[0].startTime`. */
export const FIRST_INTERACTIVE = "gatehouse:first-interactive";

/** Marks the first frame painted after `ready` turns true. A rAF callback runs just before the
 * frame is painted; a task queued from it runs after, when the frame is on screen. */
export function useFirstInteractiveMark(ready: boolean): void {
  useEffect(() => {
    if (!ready || performance.getEntriesByName(FIRST_INTERACTIVE).length > 0) return;
    requestAnimationFrame(() => {
      setTimeout(() => {
        if (performance.getEntriesByName(FIRST_INTERACTIVE).length === 0) performance.mark(FIRST_INTERACTIVE);
      }, 0);
    });
  }, [ready]);
}
