import type { UseQueryResult } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../backend/query";
import type { AssetKindInfo, AssetRow } from "../../backend/types";
import { freshEngine } from "../../test/engine";
import { defaultAccess } from "./AccessPicker";
import { KindPanel } from "./KindPanel";

// The engine's dev host serves the demo (2,400 ad accounts: AssignAssetsScreen.test.tsx filters
// those in the keystroke's own render); a list past the size that is filtered in a deferred
// render is given its rows directly, beside the engine's description of the kind.
function adAccounts(count: number): AssetRow[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: "ad_account",
    id: `act_${String(1_000_000 + i)}`,
    name: i === count - 1 ? "Kestrel Outdoor" : `Account ${(i + 1).toLocaleString("en-US")}`,
    relation: "owned",
    detail: null,
    relation_note: null,
  }));
}

function Harness({ info, rows }: { info: AssetKindInfo; rows: AssetRow[] }) {
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [access, setAccess] = useState(defaultAccess(info));
  // Only the fields KindPanel reads: the whole list, arrived.
  const loaded = { data: rows, isPending: false, isError: false, isFetching: false } as UseQueryResult<AssetRow[]>;
  return (
    <KindPanel
      info={info}
      loaded={loaded}
      selected={selected}
      onSelectedChange={setSelected}
      access={access}
      onAccessChange={setAccess}
      query={query}
      onQueryChange={setQuery}
      relation="all"
      onRelationChange={() => undefined}
      assigned={new Map()}
    />
  );
}

describe("a kind's list", () => {
  it("filters a list too long to filter in the keystroke's own render, by name, and shows it whole again", async () => {
    const { backend } = await freshEngine();
    const info = (await unwrap(backend.assetKinds())).find((k) => k.kind === "ad_account");
    if (!info) throw new Error("the engine has no ad account kind");
    const user = userEvent.setup();
    render(<Harness info={info} rows={adAccounts(25_000)} />);
    expect(screen.getByRole("status").textContent).toBe("25,000 ad accounts");

    const search = screen.getByRole("searchbox", { name: "Search ad accounts" });
    await user.type(search, "Kestrel");
    expect((search as HTMLInputElement).value).toBe("Kestrel");
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("1 of 25,000 ad accounts match"));
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["Kestrel Outdooract_1024999"]);

    await user.clear(search);
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("25,000 ad accounts"));
  });
});
