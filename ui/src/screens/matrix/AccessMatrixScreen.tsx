import { useQuery } from "@tanstack/react-query";
import { memo, startTransition, useCallback, useMemo, useState } from "react";
import { useBackend } from "../../backend/context";
import { commandError, unwrap } from "../../backend/query";
import type { AccessLevel, AccessMatrix, AssetKind, ExportFormat, MatrixAsset, MatrixProgress } from "../../bindings";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { ExportOutcome, useExport } from "../../components/ExportOutcome";
import { Page } from "../../components/Page";
import { ProgressBar } from "../../components/ProgressBar";
import { SegmentedControl } from "../../components/SegmentedControl";
import { Select } from "../../components/Select";
import { TextField } from "../../components/TextField";
import { useAssetKinds, usePortfolioId } from "../../queries";
import { glyph, MatrixGrid, type CellMap } from "./MatrixGrid";

const ANY = "any";
type Relation = "any" | "owned" | "client";
/**
 * Rows grouped as Meta suggests for many ad accounts: by client, or by the widest access anyone
 * regular has (read versus write).
 */
type Grouping = "none" | "client" | "access";
const accessOrder: Record<AccessLevel, number> = { full: 0, write: 1, read: 2 };

/**
 * Who can touch what: every asset against every system user, each cell the tasks held (R, W, F
 * at a glance), filterable by kind, owned or shared, system user and words; grouped by access
 * level; exported to CSV or JSON for a client's access review. Windowed both ways.
 */
export function AccessMatrixScreen() {
  const backend = useBackend();
  const portfolioId = usePortfolioId();
  const kinds = useAssetKinds().data;
  const [progress, setProgress] = useState<MatrixProgress | null>(null);
  const matrix = useQuery({
    queryKey: ["portfolio", portfolioId, "access-matrix"],
    queryFn: () => unwrap(backend.accessMatrix((p) => setProgress(p))),
    enabled: portfolioId !== undefined,
  });
  const [kind, setKind] = useState<AssetKind | typeof ANY>(ANY);
  const [relation, setRelation] = useState<Relation>("any");
  const [user, setUser] = useState<string>(ANY);
  const [client, setClient] = useState<string>(ANY);
  const [grouping, setGrouping] = useState<Grouping>("none");
  const [onlyUnassigned, setOnlyUnassigned] = useState(false);
  const [words, setWords] = useState("");
  const exporting = useExport();
  const reporting = useExport();

  const data: AccessMatrix | undefined = matrix.data;
  const cells: CellMap = useMemo(() => {
    const map: CellMap = new Map();
    for (const c of data?.cells ?? []) {
      let row = map.get(c.asset);
      if (!row) {
        row = new Map<number, { tasks: string[]; access: AccessLevel }>();
        map.set(c.asset, row);
      }
      row.set(c.user, { tasks: c.tasks, access: c.access });
    }
    return map;
  }, [data]);

  const userIndex = user === ANY ? -1 : (data?.users.findIndex((u) => u.id === user) ?? -1);
  // Lower-cased once per load, not on every keystroke (10,000 names).
  const searchable = useMemo(() => data?.assets.map((a) => `${a.name.toLowerCase()}\u0000${a.id}`) ?? [], [data]);
  // The client is kept by its ID: another read (or portfolio) may list clients differently.
  const clientIndex = client === ANY ? -1 : (data?.clients.findIndex((c) => c.id === client) ?? -1);
  const rows = useMemo(() => {
    if (!data) return [];
    const out: number[] = [];
    data.assets.forEach((a, i) => {
      if (kind !== ANY && a.kind !== kind) return;
      if (relation !== "any" && a.relation !== relation) return;
      if (client !== ANY && a.client !== clientIndex) return;
      if (onlyUnassigned && a.holders > 0) return;
      if (userIndex >= 0 && !cells.get(i)?.has(userIndex)) return;
      if (words && !searchable[i]?.includes(words)) return;
      out.push(i);
    });
    if (grouping === "access") {
      const rank = (i: number) => {
        const w = data.assets[i]?.widest;
        return w ? accessOrder[w] : 3;
      };
      out.sort((x, y) => rank(x) - rank(y));
    } else if (grouping === "client") {
      // The portfolio's own assets first, then each client (already sorted by name), then
      // shared ones whose owner Meta does not name. A stable sort keeps the listed order within.
      const rank = (i: number) => {
        const a = data.assets[i];
        if (!a || a.relation === "owned") return -1;
        return a.client ?? data.clients.length;
      };
      out.sort((x, y) => rank(x) - rank(y));
    }
    return out;
  }, [data, searchable, kind, relation, client, clientIndex, onlyUnassigned, userIndex, cells, words, grouping]);
  const columns = useMemo(() => (data ? data.users.map((_, i) => i).filter((i) => userIndex < 0 || i === userIndex) : []), [data, userIndex]);

  // Stable across keystrokes, so the grid (memoised) renders only when its rows change.
  const kindLabel = useCallback((a: MatrixAsset) => kinds?.find((i) => i.kind === a.kind)?.singular ?? a.kind, [kinds]);
  const accessLabel = useCallback((level: AccessLevel) => data?.levels.find((l) => l.level === level)?.label ?? level, [data]);
  const exportAs = (format: ExportFormat) => exporting.run(format, () => backend.exportAccessMatrix(format));
  const exportReport = (format: ExportFormat) => reporting.run(format, () => backend.exportLeastPrivilege(format));

  return (
    <Page
      title="Access matrix"
      lede="Who can touch what: every asset of the portfolio against its system users, each cell the tasks held. Admin system users reach every asset without being assigned."
      actions={
        data && (
          <div className="row">
            <Button onPress={() => void exportAs("csv")} isDisabled={exporting.running !== null}>
              Export CSV
            </Button>
            <Button onPress={() => void exportAs("json")} isDisabled={exporting.running !== null}>
              Export JSON
            </Button>
          </div>
        )
      }
    >
      <div className="stack">
        <div aria-live="polite" className="stack">
          <ExportOutcome
            exported={exporting.exported}
            error={exporting.error}
            title={(n) => `Exported the access of ${n.toLocaleString()} assets`}
            errorTitle="The matrix was not exported"
          />
          <ExportOutcome
            exported={reporting.exported}
            error={reporting.error}
            title={(n) => `Exported the least-privilege report of ${n.toLocaleString()} admin system ${n === 1 ? "user" : "users"}`}
            errorTitle="The report was not exported"
          />
          {matrix.isPending && (
            <Callout tone="info" title="Reading every asset and each system user's access…" role="none">
              {progress && progress.total > 0 && (
                <ProgressBar label="Reads done" value={progress.done} maxValue={progress.total} valueLabel={`${progress.done.toLocaleString()} of ${progress.total.toLocaleString()} reads`} />
              )}
            </Callout>
          )}
          {matrix.isError && <ErrorCallout error={commandError(matrix.error)} title="The access could not be read" />}
        </div>
        {data && (
          <>
            <Callout tone={data.unassigned > 0 ? "warning" : "info"} title={data.summary} role="none">
              {data.admin_notes.map((note) => (
                <span key={note}>{note}</span>
              ))}
              {data.admin_notes.length > 0 && (
                <div className="row">
                  <span>The least-privilege report proposes, for each admin, a regular system user with the exact tasks its tokens need:</span>
                  <Button variant="secondary" onPress={() => void exportReport("csv")} isDisabled={reporting.running !== null}>
                    Report as CSV
                  </Button>
                  <Button variant="secondary" onPress={() => void exportReport("json")} isDisabled={reporting.running !== null}>
                    Report as JSON
                  </Button>
                </div>
              )}
            </Callout>
            <div className="audit__filters" role="group" aria-label="Filters">
              <Select
                label="Kind"
                value={kind}
                options={[{ value: ANY, label: "Every kind" }, ...(kinds ?? []).filter((k) => k.kind !== "app").map((k) => ({ value: k.kind, label: k.label }))]}
                onChange={setKind}
              />
              <SegmentedControl<Relation>
                label="Where from"
                value={relation}
                options={[
                  { value: "any", label: "All" },
                  { value: "owned", label: "Owned" },
                  { value: "client", label: "Shared" },
                ]}
                onChange={setRelation}
              />
              <Select
                label="System user"
                value={user}
                options={[{ value: ANY, label: "Everyone" }, ...data.users.map((u) => ({ value: u.id, label: u.name }))]}
                onChange={setUser}
              />
              {data.clients.length > 0 && (
                <Select
                  label="Client"
                  value={client}
                  options={[
                    { value: ANY, label: "Every client" },
                    ...data.clients.map((c) => ({ value: c.id, label: `${c.name} (${c.assets.toLocaleString()})` })),
                  ]}
                  onChange={setClient}
                />
              )}
              <SegmentedControl<Grouping>
                label="Order"
                value={grouping}
                options={[
                  { value: "none", label: "As listed" },
                  { value: "client", label: "By client" },
                  { value: "access", label: "Widest access first" },
                ]}
                onChange={setGrouping}
              />
              <SearchAssets onWords={setWords} />
              <SegmentedControl<"all" | "unassigned">
                label="Show"
                value={onlyUnassigned ? "unassigned" : "all"}
                options={[
                  { value: "all", label: "Every asset" },
                  { value: "unassigned", label: "Held by no regular system user" },
                ]}
                onChange={(v) => setOnlyUnassigned(v === "unassigned")}
              />
            </div>
            <div className="matrix__legend" aria-hidden="true">
              {data.levels.map((l) => (
                <span key={l.level}>
                  <span className={`matrix__glyph matrix__glyph--${l.level}`}>{glyph[l.level]}</span> {l.label}
                </span>
              ))}
              <span>· an admin reaches it</span>
            </div>
            <p className="muted" aria-live="polite">
              {`${rows.length.toLocaleString()} of ${data.assets.length.toLocaleString()} assets, ${columns.length} system ${columns.length === 1 ? "user" : "users"}`}
            </p>
            <MatrixGrid
              assets={data.assets}
              rows={rows}
              users={data.users}
              columns={columns}
              cells={cells}
              kindLabel={kindLabel}
              accessLabel={accessLabel}
            />
          </>
        )}
      </div>
    </Page>
  );
}

/**
 * The search field keeps what is typed to itself, so a keystroke re-renders only the field; the
 * rows follow in a transition React may interrupt for the next keystroke (10,000 assets).
 */
const SearchAssets = memo(function SearchAssets({ onWords }: { onWords: (words: string) => void }) {
  const [text, setText] = useState("");
  return (
    <TextField
      label="Search assets"
      value={text}
      onChange={(next) => {
        setText(next);
        startTransition(() => onWords(next.trim().toLowerCase()));
      }}
      placeholder="Name or ID"
    />
  );
});
