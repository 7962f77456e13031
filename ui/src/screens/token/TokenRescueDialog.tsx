import { useState } from "react";
import { Link } from "react-aria-components";
import { useBackend } from "../../backend/context";
import type { CommandError, InventoryToken } from "../../bindings";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { Dialog, DialogActions } from "../../components/Dialog";
import { hrefFor } from "../../router";

export interface TokenRescueDialogProps {
  token: InventoryToken | null;
  /** A copy of it is in the keychain: Gatehouse can revoke it itself. */
  kept: boolean;
  /** Its system user is one of the open portfolio's (invalidating goes through that portfolio). */
  canInvalidate: boolean;
  /** The system user's name, when known. */
  ownerName: string | null;
  /** Other tokens of the same system user that still work (they stop too if all are invalidated). */
  othersWorking: number;
  onClose: () => void;
  /** Something changed at Meta (read the inventory again). */
  onChanged: () => void;
}

/**
 * "I leaked it" / "I lost it", guided: stop the token (revoke it with the keychain copy, or
 * invalidate every token of its system user when Gatehouse has no copy), make a replacement, and
 * update it wherever it was used.
 */
export function TokenRescueDialog({ token, kept, canInvalidate, ownerName, othersWorking, onClose, onChanged }: TokenRescueDialogProps) {
  const backend = useBackend();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [stopped, setStopped] = useState<string | null>(null);
  const owner = ownerName ? `“${ownerName}”` : "its system user";

  const stop = async () => {
    if (!token) return;
    setPending(true);
    setError(null);
    const result = kept
      ? await backend.revokeKeptToken(token.fingerprint.hash)
      : token.user_id && canInvalidate
        ? await backend.invalidateSystemUserTokens(token.user_id)
        : null;
    setPending(false);
    if (!result) return;
    if (result.status === "error") {
      setError(result.error);
      return;
    }
    setStopped(kept ? `Token …${token.fingerprint.last} is revoked.` : `Every token of ${owner} is invalidated.`);
    onChanged();
  };

  return (
    <Dialog title={`Leaked or lost: token …${token?.fingerprint.last ?? ""}`} isOpen={token !== null} onOpenChange={(open) => !open && onClose()}>
      <div className="stack">
        <ol className="stack-sm rescue__steps">
          <li>
            <strong>Stop it.</strong>{" "}
            {kept
              ? "Gatehouse has its copy in the keychain and revokes it now; nothing else changes."
              : canInvalidate
                ? `Gatehouse keeps no copy of it, and Meta revokes a token only when given the token. If you still have it, revoke it in Inspect token. If not, invalidate every token of ${owner}${othersWorking > 0 ? `: the ${othersWorking} other working ${othersWorking === 1 ? "token" : "tokens"} Gatehouse knows of stop too` : ""}.`
                : "Gatehouse keeps no copy of it, and Meta revokes a token only when given the token: revoke it in Inspect token if you still have it, or open the portfolio it belongs to and invalidate its system user's tokens there."}
          </li>
          <li>
            <strong>Make a replacement</strong> for {owner} with the same app and permissions
            {token?.user_id ? (
              <>
                {" "}
                (<Link href={hrefFor({ name: "system-user", id: token.user_id })}>open the system user</Link>, then Generate token)
              </>
            ) : null}
            .
          </li>
          <li>
            <strong>Update it where it was used</strong>: the server&apos;s environment or secret store, CI secrets, each integration (Conversions API, a
            connector), and anyone you sent it to. If it leaked, check the audit log and the ad accounts&apos; activity for changes you did not make.
          </li>
        </ol>
        <div aria-live="polite" className="stack">
          {stopped && <Callout tone="success" title={stopped} />}
          {error && <ErrorCallout error={error} title="The token was not stopped" />}
        </div>
        <DialogActions>
          <Button onPress={onClose}>Close</Button>
          {!stopped && (kept || (token?.user_id && canInvalidate)) && (
            <Button variant="danger" isDisabled={pending} onPress={() => void stop()}>
              {pending ? "Stopping…" : kept ? "Revoke it now" : `Invalidate every token of ${ownerName ?? "the system user"}`}
            </Button>
          )}
        </DialogActions>
      </div>
    </Dialog>
  );
}
