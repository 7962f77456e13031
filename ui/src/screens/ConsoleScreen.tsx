import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useBackend } from "../backend/context";
import { commandError, unwrap } from "../backend/query";
import type { CommandError, ConsoleRow, DriftReport, MatrixProgress } from "../bindings";
import { Badge } from "../components/Badge";
import { Button } from "../components/Button";
import { Callout, ErrorCallout } from "../components/Callout";
import { Card } from "../components/Card";
import { DataTable, type DataColumn } from "../components/DataTable";
import { Page } from "../components/Page";
import { ProgressBar } from "../components/ProgressBar";

type Check = { status: "checking"; progress: MatrixProgress | null } | { status: "done"; report: DriftReport } | { status: "error"; error: CommandError };

/**
 * Every portfolio Gatehouse knows, its tokens' state at a glance, and what has drifted in each
 * (read on demand, one portfolio at a time, without leaving the open one).
 */
export function ConsoleScreen() {
  const backend = useBackend();
  const rows = useQuery({ queryKey: ["console"], queryFn: () => unwrap(backend.agencyConsole()) });
  const [checks, setChecks] = useState<Record<string, Check>>({});
  const [running, setRunning] = useState(false);

  const check = async (id: string) => {
    setChecks((c) => ({ ...c, [id]: { status: "checking", progress: null } }));
    const result = await backend.checkDrift(id, (progress) => setChecks((c) => ({ ...c, [id]: { status: "checking", progress } })));
    setChecks((c) => ({ ...c, [id]: result.status === "ok" ? { status: "done", report: result.data } : { status: "error", error: result.error } }));
  };
  const checkAll = async () => {
    setRunning(true);
    for (const row of rows.data ?? []) await check(row.portfolio.id);
    setRunning(false);
  };

  const driftCell = (row: ConsoleRow) => {
    const c = checks[row.portfolio.id];
    if (!c) return <span className="muted">Not checked</span>;
    if (c.status === "checking") return <span className="muted">Checking…</span>;
    if (c.status === "error") return <Badge tone="danger">Could not check</Badge>;
    const urgent = c.report.findings.filter((f) => f.urgent).length;
    if (c.report.findings.length === 0) return <Badge tone="success">Nothing drifted</Badge>;
    return (
      <Badge tone={urgent > 0 ? "danger" : "warning"}>
        {`${c.report.findings.length} ${c.report.findings.length === 1 ? "finding" : "findings"}${urgent > 0 ? `, ${urgent} urgent` : ""}`}
      </Badge>
    );
  };

  const columns: DataColumn<ConsoleRow & { id: string }>[] = [
    {
      id: "portfolio",
      name: "Portfolio",
      isRowHeader: true,
      render: (r) => (
        <div className="stack-xs">
          <span className="table__cell--strong">{r.portfolio.label}</span>
          <span className="muted">{r.portfolio.note}</span>
        </div>
      ),
    },
    {
      id: "tokens",
      name: "Tokens",
      render: (r) => (
        <div className="row">
          <span>{`${r.tokens_working.toLocaleString()} working`}</span>
          {r.tokens_expiring_soon > 0 && <Badge tone="warning">{`${r.tokens_expiring_soon.toLocaleString()} expiring soon`}</Badge>}
          {r.tokens_expired > 0 && <Badge tone="danger">{`${r.tokens_expired.toLocaleString()} expired`}</Badge>}
        </div>
      ),
    },
    {
      id: "clients",
      name: "Clients",
      render: (r) =>
        r.clients.length === 0 ? (
          <span className="muted">None linked</span>
        ) : (
          <div className="stack-xs">
            {r.clients.map((c) => (
              <span key={c.id}>{c.name ?? `Business ${c.id}`}</span>
            ))}
          </div>
        ),
    },
    { id: "drift", name: "Drift", render: driftCell },
    {
      id: "actions",
      name: "Actions",
      hideHeader: true,
      className: "table__cell--actions",
      render: (r) => (
        <Button
          variant="secondary"
          isDisabled={running || checks[r.portfolio.id]?.status === "checking"}
          onPress={() => void check(r.portfolio.id)}
          aria-label={`Check ${r.portfolio.label}`}
        >
          Check
        </Button>
      ),
    },
  ];

  const checking = Object.entries(checks).find(([, c]) => c.status === "checking");
  return (
    <Page
      title="All portfolios"
      lede="Every portfolio Gatehouse knows, with its tokens at a glance. Check one (or all) to find what has drifted: assets only admins reach, shared assets given to nobody, admins used for daily work, idle system users, tokens about to end."
      actions={
        <Button variant="primary" isDisabled={running || !rows.data} onPress={() => void checkAll()}>
          {running ? "Checking…" : "Check all"}
        </Button>
      }
    >
      <div className="stack">
        {rows.isError && <ErrorCallout error={commandError(rows.error)} title="The portfolios could not be read" />}
        <div aria-live="polite">
          {checking && (
            <Callout tone="info" title={`Reading ${rows.data?.find((r) => r.portfolio.id === checking[0])?.portfolio.label ?? "the portfolio"}'s access…`} role="none">
              {checking[1].status === "checking" && checking[1].progress && (
                <ProgressBar
                  label="Reads done"
                  value={checking[1].progress.done}
                  maxValue={checking[1].progress.total}
                  valueLabel={`${checking[1].progress.done.toLocaleString()} of ${checking[1].progress.total.toLocaleString()} reads`}
                />
              )}
            </Callout>
          )}
        </div>
        {rows.data && (
          <DataTable
            label="Portfolios"
            columns={columns}
            items={rows.data.map((r) => ({ ...r, id: r.portfolio.id }))}
            empty="No portfolio yet."
          />
        )}
        {(rows.data ?? []).map((r) => {
          const c = checks[r.portfolio.id];
          if (!c || c.status === "checking") return null;
          return (
            <Card key={r.portfolio.id} title={r.portfolio.label} description={c.status === "done" ? c.report.summary : undefined}>
              <div className="stack">
                {c.status === "error" && <ErrorCallout error={c.error} title="This portfolio could not be checked" role="none" />}
                {c.status === "done" && c.report.findings.length === 0 && <Callout tone="success" title="Nothing has drifted" role="none" />}
                {c.status === "done" &&
                  c.report.findings.map((f) => (
                    <Callout key={f.code} tone={f.urgent ? "error" : "warning"} title={f.message} role="none">
                      <span>{f.fix}</span>
                    </Callout>
                  ))}
              </div>
            </Card>
          );
        })}
      </div>
    </Page>
  );
}
