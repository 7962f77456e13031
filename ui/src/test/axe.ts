import axe from "axe-core";
import { expect } from "vitest";

/** Fails on serious or critical accessibility violations in the rendered document. */
export async function expectNoSeriousA11yViolations(root: Element = document.body) {
  // Colours halfway through a CSS transition (a button that just changed variant) are not what
  // anyone reads: let running transitions end before contrast is measured. (Not animations:
  // spinners loop forever.)
  const transitions = document.getAnimations().filter((a) => a instanceof CSSTransition);
  await Promise.all(transitions.map((a) => a.finished.catch(() => undefined)));
  // A real browser (Chromium): colour contrast and visible-text rules are checked too.
  const results = await axe.run(root);
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual(
    [],
  );
}
