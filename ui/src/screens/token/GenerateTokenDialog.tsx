import { useMemo, useReducer, type KeyboardEvent } from "react";
import { Dialog as AriaDialog, Form, Heading, Modal, ModalOverlay } from "react-aria-components";
import { useBackend } from "../../backend/context";
import { Button } from "../../components/Button";
import { ErrorCallout } from "../../components/Callout";
import { useScopeCatalog, useTokenApps } from "../../queries";
import "../../styles/flows.css";
import { AppStep } from "./AppStep";
import { CopyOnceDialog } from "./CopyOnceDialog";
import { ExpiryStep } from "./ExpiryStep";
import { ReadinessStep } from "./ReadinessStep";
import { ScopeStep } from "./ScopeStep";
import {
  appIdOf,
  canMoveOn,
  initialTokenDialogState,
  isInstalled,
  progressOf,
  resolveScopes,
  tokenDialogReducer,
  tokenRequestOf,
  tokenSteps,
  wasJustInstalled,
  type Step,
} from "./tokenDialogState";
import { useTokenGeneration } from "./useTokenGeneration";
import { useTokenPreflight } from "./useTokenPreflight";

const stepLabels: Record<Step, string> = { app: "App", expiry: "Expiry", permissions: "Permissions", check: "Check and generate" };

export interface GenerateTokenDialogProps {
  systemUser: { id: string; name: string };
  isOpen: boolean;
  onClose: () => void;
  /** Seconds before a copied token is cleared from the clipboard. */
  clipboardClearSeconds?: number;
}

/**
 * Generate a system-user token in four steps: app (with why others cannot be used, and an
 * explicit install), expiry, permissions (presets, dependencies added and explained), then the
 * engine's readiness check. A generated token opens in the copy-once dialog.
 */
export function GenerateTokenDialog({ systemUser, isOpen, onClose, clipboardClearSeconds }: GenerateTokenDialogProps) {
  const backend = useBackend();
  // Read each time the dialog opens (what was chosen is forgotten when it closes).
  const apps = useTokenApps(systemUser.id, { enabled: isOpen });
  const catalog = useScopeCatalog({ enabled: isOpen });
  const [state, dispatch] = useReducer(tokenDialogReducer, initialTokenDialogState);
  const readiness = useTokenPreflight();
  const generation = useTokenGeneration((request) => dispatch({ type: "installed", appId: request.app_id }));

  // Nothing is chosen from what an earlier opening read.
  const appList = apps.isSuccess && !apps.isFetching ? apps.data : [];
  const appId = appIdOf(state, appList);
  const app = appList.find((a) => a.id === appId) ?? null;
  const appInstalled = isInstalled(state, app);
  const scopeCatalog = catalog.data ?? null;
  const { chosen, expiry, step } = state;
  const resolved = useMemo(
    () => (scopeCatalog ? resolveScopes(scopeCatalog, chosen) : { all: [...chosen], neededBy: new Map<string, Set<string>>() }),
    [scopeCatalog, chosen],
  );
  const request = tokenRequestOf(systemUser.id, app, resolved.all, expiry);
  const busy = generation.running || state.installing;
  const canNext = canMoveOn(state, app);

  const reset = () => {
    dispatch({ type: "reset" });
    readiness.clear();
    generation.reset();
  };

  const close = () => {
    if (busy) return;
    reset();
    onClose();
  };

  const runPreflight = () => {
    if (request) void readiness.run(request);
  };

  const generate = () => {
    if (!request || !readiness.ready || generation.running) return;
    void generation.generate(request);
  };

  const next = () => {
    if (step === "check") {
      generate();
      return;
    }
    if (!canNext) return;
    generation.clearError();
    if (step === "permissions") runPreflight();
    dispatch({ type: "next" });
  };

  const install = async () => {
    if (!app || state.installing) return;
    dispatch({ type: "install-started" });
    const result = await backend.installApp(systemUser.id, app.id);
    if (result.status === "error") dispatch({ type: "install-failed", error: result.error });
    else dispatch({ type: "installed", appId: app.id });
  };

  // Enter on a checkbox or radio moves on too (browsers only submit from text fields).
  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (event.key === "Enter" && target instanceof HTMLInputElement && (target.type === "checkbox" || target.type === "radio")) {
      event.preventDefault();
      next();
    }
  };

  if (generation.token) {
    return (
      <CopyOnceDialog
        token={generation.token}
        systemUserName={systemUser.name}
        clipboardClearSeconds={clipboardClearSeconds}
        onClosed={() => {
          reset();
          onClose();
        }}
      />
    );
  }

  const stepIndex = tokenSteps.indexOf(step);
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      onOpenChange={(open) => !open && close()}
      isDismissable={false}
      isKeyboardDismissDisabled={busy}
    >
      <Modal className="modal modal--wide">
        <AriaDialog className="dialog">
          <Heading slot="title">Generate a token for {systemUser.name}</Heading>
          <ol className="stepper" aria-label="Steps">
            {tokenSteps.map((s, i) => (
              <li
                key={s}
                className="stepper__step"
                aria-current={s === step ? "step" : undefined}
                data-done={i < stepIndex || undefined}
              >
                <span className="stepper__number">{i + 1}</span>
                {stepLabels[s]}
              </li>
            ))}
          </ol>
          <div onKeyDown={onKeyDown}>
            <Form
              className="stack"
              onSubmit={(event) => {
                event.preventDefault();
                next();
              }}
            >
              {step === "app" && (
                <AppStep
                  apps={apps}
                  appId={appId}
                  onAppChange={(id) => {
                    dispatch({ type: "choose-app", appId: id });
                    readiness.clear();
                  }}
                  systemUserName={systemUser.name}
                  appInstalled={appInstalled}
                  installing={state.installing}
                  installError={state.installError}
                  justInstalled={wasJustInstalled(state, app)}
                  onInstall={() => void install()}
                />
              )}
              {step === "expiry" && (
                <ExpiryStep
                  expiries={scopeCatalog?.expiries ?? []}
                  expiry={expiry}
                  onExpiryChange={(value) => dispatch({ type: "set-expiry", expiry: value })}
                />
              )}
              {step === "permissions" && (
                <ScopeStep
                  catalog={catalog}
                  chosen={chosen}
                  all={resolved.all}
                  neededBy={resolved.neededBy}
                  onChosenChange={(scopes) => dispatch({ type: "choose-scopes", scopes })}
                />
              )}
              {step === "check" && (
                <ReadinessStep
                  preflight={readiness.preflight}
                  app={app}
                  lifetimeDays={scopeCatalog?.expiries.find((c) => c.expiry === expiry)?.lifetime_days ?? null}
                  scopes={resolved.all}
                  onRecheck={runPreflight}
                  generating={generation.running}
                  progress={progressOf(
                    scopeCatalog?.steps ?? [],
                    { running: generation.running, at: generation.at, failed: generation.error !== null && !generation.running },
                    appInstalled,
                  )}
                />
              )}
              {generation.error && <ErrorCallout error={generation.error} title="No token was generated" />}
              <div className="dialog__actions">
                <Button onPress={close} isDisabled={busy} variant="ghost">
                  Cancel
                </Button>
                <span className="spacer" />
                {step !== "app" && (
                  <Button onPress={() => dispatch({ type: "back" })} isDisabled={generation.running}>
                    Back
                  </Button>
                )}
                {step !== "check" ? (
                  <Button type="submit" variant="primary" isDisabled={!canNext}>
                    Next
                  </Button>
                ) : (
                  <Button type="submit" variant="primary" isDisabled={!readiness.ready || generation.running}>
                    {generation.running ? "Generating…" : "Generate token"}
                  </Button>
                )}
              </div>
            </Form>
          </div>
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}
