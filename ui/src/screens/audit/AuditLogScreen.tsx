import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { useBackend } from "../../backend/context";
import { commandError, unwrap } from "../../backend/query";
import type { Actor, AuditAction, AuditEntry, AuditFilter, AuditOutcome, ExportFormat } from "../../bindings";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { DataTable, type DataColumn } from "../../components/DataTable";
import { ExportOutcome, useExport } from "../../components/ExportOutcome";
import { Page } from "../../components/Page";
import { SegmentedControl } from "../../components/SegmentedControl";
import { Select, type SelectOption } from "../../components/Select";
import { TextField } from "../../components/TextField";
import { usePortfolioId } from "../../queries";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** Entries per page. */
const PAGE = 200;
/** The "any" value of a filter (the engine's values are snake_case words, never this). */
const ANY = "any";

type Scope = "this" | "all";

const outcomeTone: Record<AuditOutcome, "success" | "danger" | "warning"> = {
  succeeded: "success",
  failed: "danger",
  unknown: "warning",
};

/** `key=value` details in words, without the ones the row already shows. */
function detailLine(entry: AuditEntry): string {
  return Object.entries(entry.details)
    .map(([key, value]) => `${key.replace(/_/g, " ")}: ${value}`)
    .join(" · ");
}

/**
 * Every change Gatehouse made (this app and the command line), newest first: filter by change,
 * surface, outcome and words; the chain's check at the top; export what is shown to CSV or JSON.
 */
export function AuditLogScreen() {
  const backend = useBackend();
  const portfolioId = usePortfolioId();
  const [scope, setScope] = useState<Scope>("this");
  const [action, setAction] = useState<AuditAction | typeof ANY>(ANY);
  const [actor, setActor] = useState<Actor | typeof ANY>(ANY);
  const [outcome, setOutcome] = useState<AuditOutcome | typeof ANY>(ANY);
  const [text, setText] = useState("");
  // Typing stays responsive; the list follows a moment later.
  const words = useDeferredValue(text.trim());
  const exporting = useExport();

  const filter: AuditFilter = {
    portfolio_id: scope === "this" ? (portfolioId ?? null) : null,
    action: action === ANY ? null : action,
    actor: actor === ANY ? null : actor,
    outcome: outcome === ANY ? null : outcome,
    text: words === "" ? null : words,
    since_unix: null,
    until_unix: null,
    before_seq: null,
    limit: PAGE,
  };

  const check = useQuery({ queryKey: ["audit", "check"], queryFn: () => unwrap(backend.verifyAuditLog()) });
  const log = useInfiniteQuery({
    queryKey: ["audit", "entries", filter],
    queryFn: ({ pageParam }) => unwrap(backend.auditLog({ ...filter, before_seq: pageParam })),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => (last.more ? (last.entries.at(-1)?.seq ?? null) : null),
    enabled: scope === "all" || portfolioId !== undefined,
    // A changed filter keeps the list on screen until the new one is read (no flicker).
    placeholderData: keepPreviousData,
  });
  const first = log.data?.pages[0];
  const entries = log.data?.pages.flatMap((p) => p.entries) ?? [];

  const options = <T extends string>(all: string, choices: { value: T; label: string }[] | undefined): SelectOption<T | typeof ANY>[] => [
    { value: ANY, label: all },
    ...(choices ?? []),
  ];

  const exportAs = (format: ExportFormat) => exporting.run(format, () => backend.exportAuditLog({ ...filter, limit: null }, format));

  const columns: DataColumn<AuditEntry & { id: string }>[] = [
    {
      id: "when",
      name: "When",
      className: "muted nowrap",
      render: (e) => {
        const at = new Date((e.at_unix ?? 0) * 1000);
        return <time dateTime={at.toISOString()}>{dateTime.format(at)}</time>;
      },
    },
    {
      id: "change",
      name: "Change",
      isRowHeader: true,
      render: (e) => (
        <div className="stack-xs">
          <span className="table__cell--strong">{e.action_label}</span>
          <span>
            <Badge tone={outcomeTone[e.outcome]}>{outcomeLabel(first?.outcomes, e.outcome)}</Badge>
            {e.error_code && <span className="muted mono"> {e.error_code}</span>}
          </span>
        </div>
      ),
    },
    {
      id: "what",
      name: "What",
      render: (e) => (
        <div className="stack-xs audit__what">
          <span>{e.summary}</span>
          {Object.keys(e.details).length > 0 && <span className="muted audit__details">{detailLine(e)}</span>}
        </div>
      ),
    },
    ...(scope === "all"
      ? [{ id: "portfolio", name: "Portfolio", className: "mono muted", render: (e: AuditEntry) => e.portfolio_id }]
      : []),
    {
      id: "from",
      name: "From",
      className: "muted nowrap",
      render: (e) => first?.actors.find((a) => a.value === e.actor)?.label ?? e.actor,
    },
  ];

  return (
    <Page
      title="Audit log"
      lede="Every change Gatehouse made at Meta, from this app and from the command line, kept on this computer. A token appears only by its last characters and a hash."
      actions={
        <div className="row">
          <Button onPress={() => void exportAs("csv")} isDisabled={exporting.running !== null}>
            {exporting.running === "csv" ? "Exporting…" : "Export CSV"}
          </Button>
          <Button onPress={() => void exportAs("json")} isDisabled={exporting.running !== null}>
            {exporting.running === "json" ? "Exporting…" : "Export JSON"}
          </Button>
        </div>
      }
    >
      <div className="stack">
        <div aria-live="polite" className="stack">
          <ExportOutcome
            exported={exporting.exported}
            error={exporting.error}
            title={(n) => `Exported ${n.toLocaleString()} ${n === 1 ? "entry" : "entries"}`}
            errorTitle="The log was not exported"
          />
          {check.data &&
            (check.data.intact ? (
              <Callout tone="success" title="The log is intact" role="none">
                <span>{check.data.message}</span>
              </Callout>
            ) : (
              <Callout tone="error" title="The log was changed outside Gatehouse" role="none">
                <span>{check.data.message} Entries before it are as written; keep a copy (Export) before anything else changes.</span>
              </Callout>
            ))}
          {check.isError && <ErrorCallout error={commandError(check.error)} title="The log could not be checked" />}
        </div>

        <div className="audit__filters" role="group" aria-label="Filters">
          <SegmentedControl<Scope>
            label="Portfolios"
            value={scope}
            options={[
              { value: "this", label: "This portfolio" },
              { value: "all", label: "All" },
            ]}
            onChange={setScope}
          />
          <Select label="Change" value={action} options={options("Every change", first?.actions)} onChange={setAction} />
          <Select label="Made from" value={actor} options={options("Anywhere", first?.actors)} onChange={setActor} />
          <Select label="Outcome" value={outcome} options={options("Any outcome", first?.outcomes)} onChange={setOutcome} />
          <TextField label="Search" value={text} onChange={setText} placeholder="Name, ID, task, fingerprint…" />
        </div>

        {log.isError && <ErrorCallout error={commandError(log.error)} title="The log could not be read" />}
        {log.isPending && <Callout tone="info" title="Reading the log…" role="none" />}
        {log.data && (
          <>
            <p className="muted" aria-live="polite">
              {entries.length === 0
                ? ""
                : `${entries.length.toLocaleString()} ${entries.length === 1 ? "entry" : "entries"}${log.hasNextPage ? " shown; older ones below" : ""}`}
            </p>
            <DataTable
              label="Audit log entries"
              columns={columns}
              items={entries.map((e) => ({ ...e, id: String(e.seq) }))}
              empty={
                filter.action || filter.actor || filter.outcome || filter.text
                  ? "No change matches these filters."
                  : "No change yet. What Gatehouse changes at Meta (system users, assets, apps, tokens) is listed here."
              }
            />
            {log.hasNextPage && (
              <div className="row">
                <Button onPress={() => void log.fetchNextPage()} isDisabled={log.isFetchingNextPage}>
                  {log.isFetchingNextPage ? "Reading…" : "Show older entries"}
                </Button>
              </div>
            )}
          </>
        )}
      </div>
    </Page>
  );
}

function outcomeLabel(choices: { value: AuditOutcome; label: string }[] | undefined, outcome: AuditOutcome): string {
  return choices?.find((c) => c.value === outcome)?.label ?? outcome;
}
