import { useState } from "react";
import type { AppClaim, CommandError, ConnectionProblem } from "../../bindings";
import type { Result } from "../../backend/result";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout, FieldErrorDetails, fieldMessage } from "../../components/Callout";
import { TextField } from "../../components/TextField";

type Claim = (appId: string) => Promise<Result<AppClaim, CommandError>>;

function useClaim(claim: Claim, onClaimed: (outcome: AppClaim) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const run = async (appId: string) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await claim(appId.trim());
    setBusy(false);
    if (result.status === "error") {
      setError(result.error);
      return;
    }
    // The screen shows the outcome: these fixes go away once the business owns the app.
    onClaimed(result.data);
  };
  return { busy, error, run, clearError: () => setError(null) };
}

/** The outcome of a claim: confirmed and already-owned are done; pending waits for an app admin. */
export function ClaimOutcome({ outcome }: { outcome: AppClaim }) {
  return <Callout tone={outcome.status === "pending" ? "info" : "success"} title={outcome.message} role="status" />;
}

/**
 * The fix Gatehouse can make itself when a business does not own the app: add (claim) it by its
 * ID. Used inside a connection problem, where the app is the one typed in the form.
 */
export function ClaimAppButton({ appId, claim, onClaimed }: { appId: string; claim: Claim; onClaimed: (outcome: AppClaim) => void }) {
  const { busy, error, run } = useClaim(claim, onClaimed);
  return (
    <div className="stack-sm">
      <div className="row">
        <Button variant="primary" isDisabled={busy} onPress={() => void run(appId)}>
          {busy ? "Adding the app…" : `Add app ${appId} to the business`}
        </Button>
      </div>
      <div aria-live="polite" className="stack-sm">
        {error && <ErrorCallout error={error} title="The app was not added" role="none" />}
      </div>
    </div>
  );
}

/**
 * Shown where a business without an app blocks the work (the system users list): what it means
 * and the app ID to add, prefilled with the app Gatehouse signs in with.
 */
export function NoAppCallout({
  problem,
  appId,
  claim,
  onClaimed,
}: {
  /** The engine's problem: the business owns no app, or not the one Gatehouse signs in with. */
  problem: ConnectionProblem;
  appId: string | null;
  claim: Claim;
  onClaimed: (outcome: AppClaim) => void;
}) {
  const [typed, setTyped] = useState(appId ?? "");
  const { busy, error, run, clearError } = useClaim(claim, onClaimed);
  const fieldError = error?.field === "app_id" ? error : null;
  return (
    <Callout tone="warning" title={problem.message} role="none">
      {problem.fix && <span>{problem.fix}</span>}
      <form
        className="claim-app"
        aria-label="Add an app to the business"
        onSubmit={(event) => {
          event.preventDefault();
          void run(typed);
        }}
      >
        <TextField
          label="App ID"
          description="At developers.facebook.com, in your app: App settings › Basic › App ID."
          value={typed}
          onChange={(value) => {
            setTyped(value);
            if (fieldError) clearError();
          }}
          inputMode="numeric"
          isRequired
          isInvalid={fieldError !== null}
          errorMessage={fieldError ? fieldMessage(fieldError) : "Type the app ID."}
        />
        <Button type="submit" variant="primary" isDisabled={busy || typed.trim() === ""}>
          {busy ? "Adding the app…" : "Add app to the business"}
        </Button>
      </form>
      <div aria-live="polite" className="stack-sm">
        {error && !fieldError && <ErrorCallout error={error} title="The app was not added" role="none" />}
        <FieldErrorDetails error={fieldError} />
      </div>
    </Callout>
  );
}
