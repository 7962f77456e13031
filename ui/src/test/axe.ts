import axe from "axe-core";
import { expect } from "vitest";

/** Fails on serious or critical accessibility violations in the rendered document. */
export async function expectNoSeriousA11yViolations(root: Element = document.body) {
  // A real browser (Chromium): colour contrast and visible-text rules are checked too.
  const results = await axe.run(root);
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual(
    [],
  );
}
