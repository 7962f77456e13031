import { useState } from "react";
import type { CommandError, ExportedFile } from "../bindings";
import type { Result } from "../backend/result";
import { Callout, ErrorCallout } from "./Callout";

/** An export the engine writes to a file (audit log, token calendar, access matrix). */
export function useExport() {
  const [exported, setExported] = useState<ExportedFile | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  /** Runs `write` (named `what`, e.g. "csv"), keeping its outcome. */
  const run = async (what: string, write: () => Promise<Result<ExportedFile, CommandError>>) => {
    setRunning(what);
    setExported(null);
    setError(null);
    const result = await write();
    setRunning(null);
    if (result.status === "error") setError(result.error);
    else setExported(result.data);
  };
  return { exported, error, running, run };
}

export interface ExportOutcomeProps {
  exported: ExportedFile | null;
  error: CommandError | null;
  /** The success title for `count` items ("Exported 12 entries"). */
  title: (count: number) => string;
  errorTitle: string;
}

/** Where an export went (its path), or why it failed. */
export function ExportOutcome({ exported, error, title, errorTitle }: ExportOutcomeProps) {
  return (
    <>
      {exported && (
        <Callout tone="success" title={title(exported.entries)}>
          <span className="mono">{exported.path}</span>
        </Callout>
      )}
      {error && <ErrorCallout error={error} title={errorTitle} />}
    </>
  );
}
