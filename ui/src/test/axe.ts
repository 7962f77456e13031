import axe from "axe-core";
import { expect } from "vitest";

/** Fails on serious or critical accessibility violations in the rendered document. */
export async function expectNoSeriousA11yViolations(root: Element = document.body) {
  // jsdom has no layout, so colour contrast is checked in the browser layer, not here.
  const results = await axe.run(root, { rules: { "color-contrast": { enabled: false } } });
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual(
    [],
  );
}
