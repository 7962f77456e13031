import type { UseQueryResult } from "@tanstack/react-query";
import { useDeferredValue, useMemo } from "react";
import { Input, Label, SearchField } from "react-aria-components";
import { commandError } from "../../backend/query";
import type { AssetKindInfo, AssetRow } from "../../backend/types";
import { Button } from "../../components/Button";
import { ErrorCallout } from "../../components/Callout";
import { SegmentedControl } from "../../components/SegmentedControl";
import { AccessPicker, type Access } from "./AccessPicker";
import type { RelationFilter } from "./assignState";
import { ROW_HEIGHT, VirtualAssetList } from "./VirtualAssetList";

const n = (value: number) => value.toLocaleString("en-US");

/** The longest list filtered in the keystroke's own render: filtering costs about 2 ms per 10,000
 * rows in WebKit on 2 cores (a keystroke took 24 ms at 10,000 rows and 40 ms at 100,000), so
 * this many stay well inside a frame. */
const FILTER_IN_KEYSTROKE_UP_TO = 20_000;

export interface KindPanelProps {
  info: AssetKindInfo;
  loaded: UseQueryResult<AssetRow[]> | undefined;
  selected: ReadonlySet<string>;
  onSelectedChange: (ids: ReadonlySet<string>) => void;
  access: Access;
  onAccessChange: (access: Access) => void;
  query: string;
  onQueryChange: (query: string) => void;
  relation: RelationFilter;
  onRelationChange: (relation: RelationFilter) => void;
  assigned: ReadonlyMap<string, string>;
}

/** One kind's tab: its searchable, filterable list of assets, and the access they get. */
export function KindPanel(props: KindPanelProps) {
  const { info, loaded, selected, onSelectedChange, query, relation } = props;
  const rows = useMemo(() => loaded?.data ?? [], [loaded?.data]);
  // A short list is filtered in the keystroke's own render, so the field and the list change in
  // the same frame; a long one is filtered in a deferred render, so typing never waits for it.
  // Deferring costs a frame (WebKit paints before the deferred render: 40 ms against 15 ms a
  // keystroke at 10,000 rows, measured by scripts/bench.sh).
  const laterQuery = useDeferredValue(query);
  const filterQuery = rows.length > FILTER_IN_KEYSTROKE_UP_TO ? laterQuery : query;
  const matching = useMemo(() => {
    const q = filterQuery.trim().toLowerCase();
    return rows.filter(
      (r) =>
        (relation === "all" || r.relation === relation) &&
        (q === "" ||
          r.name.toLowerCase().includes(q) ||
          r.id.toLowerCase().includes(q) ||
          (r.detail?.toLowerCase().includes(q) ?? false)),
    );
  }, [rows, filterQuery, relation]);
  const matchingSelected = useMemo(() => matching.filter((r) => selected.has(r.id)).length, [matching, selected]);
  // The first pages are on screen while the rest still arrive: counts say "so far", and
  // "Select all" waits for the whole list so it never means "all of what came yet".
  const listing = loaded?.isFetching === true;
  const plural = info.plural;

  const toggle = (row: AssetRow) => {
    const next = new Set(selected);
    if (next.has(row.id)) next.delete(row.id);
    else next.add(row.id);
    onSelectedChange(next);
  };
  const selectAllMatching = () => {
    const next = new Set(selected);
    for (const r of matching) next.add(r.id);
    onSelectedChange(next);
  };
  const clearMatching = () => {
    const next = new Set(selected);
    for (const r of matching) next.delete(r.id);
    onSelectedChange(next);
  };

  return (
    <div className="kind-panel">
      <div className="kind-panel__list stack-sm">
        <div className="kind-panel__toolbar">
          <SearchField className="field search" value={query} onChange={props.onQueryChange}>
            <Label className="visually-hidden">Search {plural}</Label>
            <Input className="input" placeholder="Name or ID" />
          </SearchField>
          <SegmentedControl<RelationFilter>
            label="Show"
            value={relation}
            onChange={props.onRelationChange}
            options={[{ value: "all" as const, label: "All" }, ...info.relations.map((r) => ({ value: r.relation, label: r.label }))]}
          />
        </div>
        {loaded === undefined || loaded.isPending ? (
          <div className="vlist vlist--placeholder" role="status">
            <span className="spinner" aria-hidden="true" />
            Loading every {info.singular} of the portfolio… Large portfolios take a few seconds.
          </div>
        ) : loaded.isError ? (
          <ErrorCallout error={commandError(loaded.error)} title={`The ${plural} could not be loaded`} />
        ) : (
          <>
            <div className="row kind-panel__counts">
              <span role="status">
                {filterQuery.trim() || relation !== "all"
                  ? `${n(matching.length)} of ${n(rows.length)} ${plural} match`
                  : `${n(rows.length)} ${plural}`}
                {listing && " so far, still listing…"}
                {selected.size > 0 && ` · ${n(selected.size)} selected`}
              </span>
              <span className="spacer" />
              {!listing && matching.length > 0 && matchingSelected < matching.length && (
                <Button variant="ghost" onPress={selectAllMatching}>
                  {filterQuery.trim() || relation !== "all"
                    ? `Select all ${n(matching.length)} matching`
                    : `Select all ${n(matching.length)}`}
                </Button>
              )}
              {matchingSelected > 0 && (
                <Button variant="ghost" onPress={clearMatching}>
                  Clear selection
                </Button>
              )}
            </div>
            {matching.length === 0 ? (
              <p className="vlist vlist--placeholder">
                {rows.length === 0 ? `This portfolio has no ${plural}.` : `No ${plural} match “${filterQuery}”.`}
              </p>
            ) : (
              <VirtualAssetList
                label={info.label}
                height={Math.min(440, matching.length * ROW_HEIGHT + 2)}
                rows={matching}
                selected={selected}
                onToggle={toggle}
                noteFor={(row) => {
                  const level = props.assigned.get(`${row.kind}:${row.id}`);
                  return level ? `Has access: ${level.toLowerCase()}` : null;
                }}
              />
            )}
            <p className="muted kind-panel__hint">
              Arrow keys move, Space ticks; Page Up/Down and Home/End jump.
            </p>
          </>
        )}
      </div>
      <AccessPicker info={info} access={props.access} onChange={props.onAccessChange} />
    </div>
  );
}
