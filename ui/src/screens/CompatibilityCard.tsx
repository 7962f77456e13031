import { useState } from "react";
import { useBackend } from "../backend/context";
import type { Result } from "../backend/result";
import type { CommandError, CompatibilityCheck, ProbeResult, ProbeStatus } from "../bindings";
import { Badge, type BadgeTone } from "../components/Badge";
import { Button } from "../components/Button";
import { Callout, ErrorCallout } from "../components/Callout";
import { Card } from "../components/Card";
import { DataTable, type DataColumn } from "../components/DataTable";
import { Details } from "../components/Details";

/** How each status looks; its words come from the engine (`status_label`). */
const statusTone: Record<ProbeStatus, BadgeTone> = { ok: "success", differs: "warning", refused: "danger", skipped: "neutral" };

/** What a probe's result says beyond its status: Meta's code, the differing fields. */
function probeDetail(p: ProbeResult): string {
  const parts: string[] = [];
  if (p.graph_code !== null) {
    parts.push(`Meta code ${p.graph_code}${p.graph_subcode !== null ? `/${p.graph_subcode}` : ""}`);
  } else if (p.error_code !== null) {
    parts.push(p.error_code);
  }
  parts.push(...p.differences);
  if (!p.required) parts.push("informational: Gatehouse does not rely on it");
  if (p.status === "skipped") parts.push("the portfolio has nothing to read here");
  return parts.join("; ");
}

const columns: DataColumn<ProbeResult & { id: string }>[] = [
  { id: "call", name: "Read", isRowHeader: true, className: "mono", render: (p) => p.call },
  {
    id: "status",
    name: "Result",
    // An informational read that is refused is a fact learnt, not a problem: no alarm colour.
    render: (p) => (
      <Badge tone={p.required ? statusTone[p.status] : "neutral"}>{p.status_label}</Badge>
    ),
  },
  { id: "detail", name: "Details", className: "muted", render: probeDetail },
];

type CheckState =
  | { phase: "idle" }
  | { phase: "checking" }
  | { phase: "done"; result: Result<CompatibilityCheck, CommandError> };

/** Settings → Compatibility with Meta: runs `check_compatibility` and shows its report. */
export function CompatibilityCard() {
  const backend = useBackend();
  const [state, setState] = useState<CheckState>({ phase: "idle" });
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");

  const run = () => {
    setState({ phase: "checking" });
    setCopied("idle");
    void backend.checkCompatibility().then((result) => setState({ phase: "done", result }));
  };

  const copy = (text: string) => {
    // The report holds no secret, so the ordinary clipboard is fine here.
    navigator.clipboard.writeText(text).then(
      () => setCopied("copied"),
      () => setCopied("failed"),
    );
  };

  return (
    <Card
      title="Compatibility with Meta"
      description="Reads what the open portfolio answers for every call Gatehouse relies on and compares the shape of each answer with what Gatehouse expects. Nothing is changed. The report holds no ID, name or token, so you can attach it to a bug report."
      actions={
        <Button onPress={run} isDisabled={state.phase === "checking"}>
          {state.phase === "idle" ? "Check compatibility" : "Check compatibility again"}
        </Button>
      }
    >
      <div aria-live="polite" className="stack-sm">
        {state.phase === "checking" && (
          <Callout tone="info" title="Checking… Gatehouse is reading every call it relies on from the portfolio." />
        )}
        {state.phase === "done" && state.result.status === "error" && (
          <ErrorCallout error={state.result.error} title="The check could not run" />
        )}
        {state.phase === "done" && state.result.status === "ok" && (
          <CompatibilityResult check={state.result.data} copied={copied} onCopy={copy} />
        )}
      </div>
    </Card>
  );
}

function CompatibilityResult({
  check,
  copied,
  onCopy,
}: {
  check: CompatibilityCheck;
  copied: "idle" | "copied" | "failed";
  onCopy: (text: string) => void;
}) {
  const { report } = check;
  const problems = report.probes.filter((p) => p.required && (p.status === "differs" || p.status === "refused"));
  const rows = report.probes.map((p) => ({ ...p, id: p.probe }));
  const counts = report.summary;
  return (
    <>
      {problems.length === 0 ? (
        <Callout tone="success" title="Every read Gatehouse relies on answered as expected">
          <span>{counts}</span>
        </Callout>
      ) : (
        <Callout tone="warning" title={`${problems.length} of the reads Gatehouse relies on did not answer as expected`}>
          <span>
            {counts} Screens that use these reads may fail. Please copy the report into a bug report.
          </span>
        </Callout>
      )}
      <DataTable
        label="What each read answered"
        columns={columns}
        items={problems.length > 0 ? rows.filter((r) => problems.some((p) => p.probe === r.probe)) : rows.filter((r) => !r.required || r.status !== "ok")}
        empty="No read needs your attention."
      />
      <Details summary={`The whole report (${report.probes.length} reads)`}>
        <div className="stack-sm">
          <textarea className="report-text mono" readOnly value={check.text} aria-label="Compatibility report" rows={12} />
          <div className="row">
            <Button onPress={() => onCopy(check.text)}>Copy report</Button>
            <span role="status" className="muted">
              {copied === "copied" ? "Copied." : copied === "failed" ? "Copying was refused: select the text and copy it." : ""}
            </span>
          </div>
        </div>
      </Details>
    </>
  );
}
