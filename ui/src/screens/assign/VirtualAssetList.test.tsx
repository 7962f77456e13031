import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import type { AssetRow } from "../../backend/types";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { ROW_HEIGHT, VirtualAssetList } from "./VirtualAssetList";

// The largest portfolio Gatehouse supports (the emulator's scale:100000 fixture's size). The
// engine's dev host serves the demo (2,400 ad accounts, see AssignAssetsScreen.test.tsx), so the
// list is given its rows directly here.
const COUNT = 100_000;
const rows: AssetRow[] = Array.from({ length: COUNT }, (_, i) => ({
  kind: "ad_account",
  id: `act_${String(1_000_000 + i)}`,
  name: `Account ${(i + 1).toLocaleString("en-US")}`,
  relation: i % 2 === 0 ? "owned" : "client",
  detail: null,
  relation_note: i % 2 === 0 ? null : "Shared by a client",
}));

function Harness() {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  return (
    <VirtualAssetList
      label="Ad accounts"
      rows={rows}
      selected={selected}
      onToggle={(row) =>
        setSelected((s) => {
          const next = new Set(s);
          if (next.has(row.id)) next.delete(row.id);
          else next.add(row.id);
          return next;
        })
      }
    />
  );
}

const options = (list: HTMLElement) => within(list).getAllByRole("option");
const at = (list: HTMLElement, position: number) =>
  options(list).find((o) => o.getAttribute("aria-posinset") === String(position));

describe("virtual asset list", () => {
  it("keeps a small window of 100,000 rows in the DOM and reaches the far ones by keyboard and by scrolling", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const list = screen.getByRole("listbox", { name: "Ad accounts" });
    expect(options(list).length).toBeGreaterThan(0);
    expect(options(list).length).toBeLessThan(100);
    expect(options(list)[0]?.getAttribute("aria-setsize")).toBe("100000");
    await expectNoSeriousA11yViolations();

    list.focus();
    await user.keyboard("{ArrowDown}{ArrowDown}{ }");
    expect(at(list, 3)?.getAttribute("aria-selected")).toBe("true");
    expect(list.getAttribute("aria-activedescendant")).toBe(at(list, 3)?.id);

    // End: the last row is active, ticked, rendered and scrolled into view.
    await user.keyboard("{End}{ }");
    const last = at(list, COUNT);
    expect(last?.getAttribute("aria-selected")).toBe("true");
    expect(list.getAttribute("aria-activedescendant")).toBe(last?.id);
    expect(within(last ?? list).getByText("Account 100,000")).toBeTruthy();
    await waitFor(() => expect(list.scrollTop + list.clientHeight).toBeGreaterThanOrEqual(COUNT * ROW_HEIGHT - 1));
    expect(options(list).length).toBeLessThan(100);

    // Page Up moves a window's worth of rows up, still in view.
    await user.keyboard("{PageUp}");
    const page = Math.floor(440 / ROW_HEIGHT) - 1;
    expect(list.getAttribute("aria-activedescendant")).toBe(at(list, COUNT - page)?.id);

    // Home goes back to the top.
    await user.keyboard("{Home}");
    await waitFor(() => expect(list.scrollTop).toBe(0));
    expect(list.getAttribute("aria-activedescendant")).toBe(at(list, 1)?.id);

    // Scrolling far down renders the rows there (and the active first row), still only a window.
    list.scrollTop = 61_234 * ROW_HEIGHT;
    await waitFor(() => expect(at(list, 61_235)).toBeTruthy());
    expect(within(at(list, 61_235) ?? list).getByText("Account 61,235")).toBeTruthy();
    expect(at(list, 1)).toBeTruthy();
    expect(options(list).length).toBeLessThan(100);
    // A click on a row far down ticks it and makes it the active one.
    await user.click(at(list, 61_236) ?? list);
    expect(at(list, 61_236)?.getAttribute("aria-selected")).toBe("true");
    expect(list.getAttribute("aria-activedescendant")).toBe(at(list, 61_236)?.id);
    expect(document.activeElement).toBe(list);
  });
});
