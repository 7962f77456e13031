import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useBackend } from "../../backend/context";
import type { PortfolioEntry } from "../../backend/types";
import type { CommandError } from "../../bindings";
import { Callout } from "../../components/Callout";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { queryKeys } from "../../queries";

/** A saved portfolio the engine would not open: its Graph API URL is not Meta's, unconfirmed. */
export interface GraphUrlRefusal {
  /** As the portfolio list has it now (its `graph_url` is what gets confirmed). */
  entry: PortfolioEntry & { graph_url: string };
  /** The engine's refusal: what it means and what to do. */
  error: CommandError;
}

/** The engine's code for a saved Graph API URL that needs the person's confirmation. */
export const GRAPH_URL_UNCONFIRMED = "graph_url_unconfirmed";

export interface ConfirmGraphUrlDialogProps {
  /** Open while set. */
  refusal: GraphUrlRefusal | null;
  onCancel: () => void;
  /** Confirmed for this session: open it now. */
  onConfirmed: (entry: PortfolioEntry) => void;
}

/**
 * Asks before a portfolio sends its tokens to a URL that is not Meta's: the engine's words, the
 * URL in full, and a confirmation that lasts for this session only (the engine keeps it; nothing
 * is stored here). Cancel has the focus first and opens nothing.
 */
export function ConfirmGraphUrlDialog({ refusal, onCancel, onConfirmed }: ConfirmGraphUrlDialogProps) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);

  const cancel = () => {
    setError(null);
    onCancel();
  };

  const confirm = async () => {
    if (!refusal || pending) return;
    setPending(true);
    setError(null);
    const result = await backend.confirmGraphUrl(refusal.entry.id, refusal.entry.graph_url);
    setPending(false);
    if (result.status === "error") {
      setError(result.error);
      // The file may have changed since it was listed: the dialog then shows the URL it holds now.
      void queryClient.invalidateQueries({ queryKey: queryKeys.portfolios });
      return;
    }
    onConfirmed(result.data);
  };

  return (
    <ConfirmDialog
      title="This portfolio does not talk to Meta"
      isOpen={refusal !== null}
      onCancel={cancel}
      onConfirm={() => void confirm()}
      confirmLabel="Use it this session"
      pendingLabel="Confirming…"
      pending={pending}
      error={error}
      errorTitle="The URL was not confirmed"
      danger={false}
    >
      {refusal && (
        <>
          <p>{refusal.error.message}</p>
          <dl className="definition-list">
            <dt>Portfolio</dt>
            <dd>{refusal.entry.label}</dd>
            <dt>Graph API URL</dt>
            <dd>
              <code className="graph-url">{refusal.entry.graph_url}</code>
            </dd>
          </dl>
          {refusal.error.fix && <Callout tone="warning" title={refusal.error.fix} role="none" />}
        </>
      )}
    </ConfirmDialog>
  );
}
