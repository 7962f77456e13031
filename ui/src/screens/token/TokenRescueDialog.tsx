import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-aria-components";
import { useBackend } from "../../backend/context";
import { commandError, unwrap } from "../../backend/query";
import type { CommandError, InventoryToken, RescueCase, RescueStep } from "../../bindings";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { Dialog, DialogActions } from "../../components/Dialog";
import { hrefFor } from "../../router";

export interface TokenRescue {
  token: InventoryToken;
  rescueCase: RescueCase;
}

export interface TokenRescueDialogProps {
  rescue: TokenRescue | null;
  /** The system user's name, when known. */
  ownerName: string | null;
  /** The token belongs to the open portfolio (its system user's page can be opened). */
  inOpenPortfolio: boolean;
  onClose: () => void;
  /** Something changed at Meta (read the inventory again). */
  onChanged: () => void;
}

/**
 * "I lost it" / "I leaked it", guided: the engine's steps in their safe order for what Gatehouse
 * holds (its keychain copy, the open portfolio); the steps Gatehouse does itself have a button.
 */
export function TokenRescueDialog({ rescue, ownerName, inOpenPortfolio, onClose, onChanged }: TokenRescueDialogProps) {
  const backend = useBackend();
  const token = rescue?.token ?? null;
  // Asked afresh each time the dialog opens: a revoke, an invalidation or a refresh since
  // changes what Gatehouse holds, and so the steps.
  const guide = useQuery({
    queryKey: ["token-rescue", token?.portfolio_id, token?.fingerprint.hash, rescue?.rescueCase, ownerName],
    queryFn: () => unwrap(backend.tokenRescueGuide(token?.portfolio_id ?? "", token?.fingerprint.hash ?? "", rescue?.rescueCase ?? "lost", ownerName)),
    enabled: rescue !== null,
    gcTime: 0,
  });
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [stopped, setStopped] = useState<string | null>(null);

  const act = async (step: RescueStep) => {
    if (!token) return;
    setPending(true);
    setError(null);
    const result =
      step.action === "revoke"
        ? await backend.revokeKeptToken(token.fingerprint.hash)
        : token.user_id
          ? await backend.invalidateSystemUserTokens(token.user_id)
          : null;
    setPending(false);
    if (!result) return;
    if (result.status === "error") {
      setError(result.error);
      return;
    }
    setStopped(step.action === "revoke" ? `Token …${token.fingerprint.last} is revoked.` : `Every token of ${ownerName ?? "the system user"} is invalidated.`);
    onChanged();
  };

  const data = guide.data;
  return (
    <Dialog
      title={data?.title ?? `Token …${token?.fingerprint.last ?? ""}`}
      isOpen={rescue !== null}
      onOpenChange={(open) => !open && onClose()}
    >
      <div className="stack">
        {guide.isError && <ErrorCallout error={commandError(guide.error)} title="The guide could not be made" />}
        {data && (
          <>
            <p>{data.lede}</p>
            <ol className="stack-sm plain-list">
              {data.steps.map((step, i) => (
                <li key={step.action} className="step">
                  <span className="step__number" aria-hidden="true">
                    {i + 1}
                  </span>
                  <div className="stack-xs">
                    <span>
                      <strong>{step.title}.</strong> {step.text}
                    </span>
                    {step.action === "replace" && token?.user_id && inOpenPortfolio && (
                      <span>
                        <Link href={hrefFor({ name: "system-user", id: token.user_id })}>Open the system user</Link>, then Generate token.
                      </span>
                    )}
                    {step.action === "review_activity" && (
                      <span>
                        <Link href={hrefFor({ name: "audit-log" })}>Open the audit log</Link>
                      </span>
                    )}
                    {step.button && !stopped && (
                      <span>
                        <Button variant="danger" isDisabled={pending} onPress={() => void act(step)}>
                          {pending ? "Stopping…" : step.button}
                        </Button>
                      </span>
                    )}
                  </div>
                </li>
              ))}
            </ol>
          </>
        )}
        <div aria-live="polite" className="stack">
          {stopped && <Callout tone="success" title={stopped} />}
          {error && <ErrorCallout error={error} title="The token was not stopped" />}
        </div>
        <DialogActions>
          <Button onPress={onClose}>Close</Button>
        </DialogActions>
      </div>
    </Dialog>
  );
}
