import { useState } from "react";
import { useBackend } from "../../backend/context";
import type { PortfolioEntry } from "../../backend/types";
import type { CommandError } from "../../bindings";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { FieldDescription } from "../../components/FieldDescription";
import { Radio, RadioGroup } from "../../components/Radio";

export interface RemovePortfolioDialogProps {
  isOpen: boolean;
  /** The saved (non-demo) portfolios. */
  saved: PortfolioEntry[];
  /** Preselected: the open one when it is saved. */
  initialId: string | null;
  onClose: () => void;
  onRemoved: (entry: PortfolioEntry) => void;
}

/** Removes a saved portfolio after a confirmation that says its keychain entries go too. */
export function RemovePortfolioDialog({ isOpen, saved, initialId, onClose, onRemoved }: RemovePortfolioDialogProps) {
  const backend = useBackend();
  const [chosen, setChosen] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const selectedId = chosen ?? initialId ?? saved[0]?.id ?? null;
  const entry = saved.find((p) => p.id === selectedId) ?? null;

  const close = () => {
    setChosen(null);
    setError(null);
    onClose();
  };

  const confirm = async () => {
    if (!entry || pending) return;
    setPending(true);
    setError(null);
    const result = await backend.removePortfolio(entry.id);
    setPending(false);
    if (result.status === "error") {
      setError(result.error);
      return;
    }
    setChosen(null);
    onRemoved(entry);
  };

  return (
    <ConfirmDialog
      title={entry ? `Remove “${entry.label}”?` : "Remove a portfolio"}
      isOpen={isOpen}
      onCancel={close}
      onConfirm={() => void confirm()}
      confirmLabel="Remove portfolio"
      pendingLabel="Removing…"
      pending={pending}
      error={error}
      errorTitle="The portfolio was not removed"
    >
      {saved.length > 1 && (
        <RadioGroup label="Portfolio to remove" value={selectedId} onChange={setChosen} isDisabled={pending}>
          {saved.map((p) => (
            <Radio key={p.id} value={p.id}>
              {p.label}
            </Radio>
          ))}
          <FieldDescription>Only portfolios you connected are listed; the demo ones are built in.</FieldDescription>
        </RadioGroup>
      )}
      <p>
        Gatehouse forgets this portfolio and deletes its admin token and app secret from this computer's keychain.
        Nothing changes at Meta: its system users, assets and tokens stay as they are.
      </p>
      <p className="muted">To use it again, connect it again with a token and the app secret.</p>
    </ConfirmDialog>
  );
}
