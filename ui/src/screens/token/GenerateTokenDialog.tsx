import type { UseQueryResult } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { Dialog as AriaDialog, Form, Heading, Modal, ModalOverlay } from "react-aria-components";
import type { CommandError } from "../../bindings";
import { useBackend } from "../../backend/context";
import type { Result } from "../../backend/result";
import type {
  AppChoice,
  IssuedToken,
  Preflight,
  ScopeCatalog,
  ScopeInfo,
  TokenExpiry,
  TokenRequest,
  TokenStep,
} from "../../backend/types";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { Checkbox, CheckboxGroup } from "../../components/Checkbox";
import { Radio, RadioGroup } from "../../components/Radio";
import { commandError } from "../../backend/query";
import { useScopeCatalog, useTokenApps } from "../../queries";
import { CopyOnceDialog } from "./CopyOnceDialog";
import "../../styles/flows.css";

type Loaded<T> = { phase: "loading" } | { phase: "done"; result: Result<T, CommandError> };

const stepTitles = ["App", "Expiry", "Permissions", "Check and generate"] as const;

export interface GenerateTokenDialogProps {
  systemUser: { id: string; name: string };
  isOpen: boolean;
  onClose: () => void;
  /** Seconds before a copied token is cleared from the clipboard. */
  clipboardClearSeconds?: number;
}

/**
 * Every scope the chosen ones need, and for each added one, which chosen scopes need it. The
 * engine's catalog already lists each scope's whole (transitive) dependency set; this only reads it.
 */
export function resolveScopes(catalog: ScopeCatalog, chosen: readonly string[]) {
  const byName = new Map<string, ScopeInfo>(catalog.groups.flatMap((g) => g.scopes).map((s) => [s.name, s]));
  const all = new Set(chosen);
  const neededBy = new Map<string, Set<string>>();
  for (const root of chosen) {
    for (const dep of byName.get(root)?.depends_on ?? []) {
      all.add(dep);
      if (!chosen.includes(dep)) neededBy.set(dep, (neededBy.get(dep) ?? new Set<string>()).add(root));
    }
  }
  return { all: [...all], neededBy };
}

function sameSet(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** The date `days` from now, in words (the engine says how many days a token lives). */
function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86400 * 1000).toLocaleDateString(undefined, {
    year: "numeric",
    month: "long",
    day: "numeric",
  });
}

/**
 * Generate a system-user token in four steps: app (with why others cannot be used, and an
 * explicit install), expiry, permissions (presets, dependencies added and explained), then the
 * engine's readiness check. A generated token opens in the copy-once dialog.
 */
export function GenerateTokenDialog({ systemUser, isOpen, onClose, clipboardClearSeconds }: GenerateTokenDialogProps) {
  const backend = useBackend();
  const [step, setStep] = useState(0);
  // Read each time the dialog opens (what was chosen is forgotten when it closes).
  const apps = useTokenApps(systemUser.id, { enabled: isOpen });
  const catalog = useScopeCatalog({ enabled: isOpen });
  const [chosenAppId, setAppId] = useState<string | null>(null);
  const [installed, setInstalled] = useState<ReadonlySet<string>>(new Set());
  const [installing, setInstalling] = useState(false);
  const [installError, setInstallError] = useState<CommandError | null>(null);
  const [expiry, setExpiry] = useState<TokenExpiry>("sixty_days");
  const [chosen, setChosen] = useState<string[]>([]);
  const [preflight, setPreflight] = useState<Loaded<Preflight> | null>(null);
  const [generating, setGenerating] = useState(false);
  const [genStep, setGenStep] = useState<TokenStep | null>(null);
  const [genError, setGenError] = useState<CommandError | null>(null);
  const [token, setToken] = useState<IssuedToken | null>(null);

  // Nothing is chosen from what an earlier opening read.
  const appList = apps.isSuccess && !apps.isFetching ? apps.data : [];
  // The one app that can be used is chosen already.
  const usableApps = appList.filter((a) => a.usable);
  const appId = chosenAppId ?? (usableApps.length === 1 ? (usableApps[0]?.id ?? null) : null);
  const app = appList.find((a) => a.id === appId) ?? null;
  const appInstalled = app ? app.installed || installed.has(app.id) : false;
  const scopeCatalog = catalog.data ?? null;
  const resolved = useMemo(
    () => (scopeCatalog ? resolveScopes(scopeCatalog, chosen) : { all: [...chosen], neededBy: new Map<string, Set<string>>() }),
    [scopeCatalog, chosen],
  );
  const request: TokenRequest | null = app
    ? { system_user_id: systemUser.id, app_id: app.id, scopes: resolved.all, expiry }
    : null;

  const reset = () => {
    setStep(0);
    setAppId(null);
    setInstalled(new Set());
    setInstallError(null);
    setExpiry("sixty_days");
    setChosen([]);
    setPreflight(null);
    setGenerating(false);
    setGenStep(null);
    setGenError(null);
    setToken(null);
  };

  const close = () => {
    if (generating || installing) return;
    reset();
    onClose();
  };

  const runPreflight = async () => {
    if (!request) return;
    setPreflight({ phase: "loading" });
    const result = await backend.tokenPreflight(request);
    setPreflight({ phase: "done", result });
  };

  const canNext =
    (step === 0 && app !== null && app.usable && !installing) || step === 1 || (step === 2 && chosen.length > 0);

  const next = () => {
    if (step === 3) {
      void generate();
      return;
    }
    if (!canNext) return;
    setGenError(null);
    if (step === 2) void runPreflight();
    setStep(step + 1);
  };

  const install = async () => {
    if (!app || installing) return;
    setInstalling(true);
    setInstallError(null);
    const result = await backend.installApp(systemUser.id, app.id);
    setInstalling(false);
    if (result.status === "error") setInstallError(result.error);
    else setInstalled((s) => new Set(s).add(app.id));
  };

  const ready = preflight?.phase === "done" && preflight.result.status === "ok" && preflight.result.data.ready;

  const generate = async () => {
    if (!request || !ready || generating) return;
    setGenerating(true);
    setGenError(null);
    setGenStep(null);
    const result = await backend.generateToken(request, setGenStep);
    setGenerating(false);
    if (result.status === "error") {
      setGenError(result.error);
      return;
    }
    setInstalled((s) => new Set(s).add(request.app_id));
    setToken(result.data);
  };

  // Enter on a checkbox or radio moves on too (browsers only submit from text fields).
  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (event.key === "Enter" && target instanceof HTMLInputElement && (target.type === "checkbox" || target.type === "radio")) {
      event.preventDefault();
      next();
    }
  };

  if (token) {
    return (
      <CopyOnceDialog
        token={token}
        systemUserName={systemUser.name}
        clipboardClearSeconds={clipboardClearSeconds}
        onClosed={() => {
          reset();
          onClose();
        }}
      />
    );
  }

  // The engine's steps, in its order and words ("done" is where they end, not a step to show).
  const engineSteps = scopeCatalog?.steps ?? [];
  const genSteps: { id: TokenStep; label: string }[] = engineSteps
    .filter((s) => s.step !== "done" && (s.step !== "installing_app" || !appInstalled))
    .map((s) => ({ id: s.step, label: s.label }));
  const order: TokenStep[] = engineSteps.map((s) => s.step);
  const stateOf = (id: TokenStep): StepState => {
    if (!genStep) return "pending";
    const a = order.indexOf(id);
    const b = order.indexOf(genStep);
    // The step a failed run stopped at is marked as such, not as still running.
    return a < b ? "done" : a === b ? (genError && !generating ? "failed" : "current") : "pending";
  };

  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      onOpenChange={(open) => !open && close()}
      isDismissable={false}
      isKeyboardDismissDisabled={generating || installing}
    >
      <Modal className="modal modal--wide">
        <AriaDialog className="dialog">
          <Heading slot="title">Generate a token for {systemUser.name}</Heading>
          <ol className="stepper" aria-label="Steps">
            {stepTitles.map((title, i) => (
              <li
                key={title}
                className="stepper__step"
                aria-current={i === step ? "step" : undefined}
                data-done={i < step || undefined}
              >
                <span className="stepper__number">{i + 1}</span>
                {title}
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
            {step === 0 && (
              <AppStep
                apps={apps}
                appId={appId}
                onAppChange={(id) => {
                  setAppId(id);
                  setInstallError(null);
                  setPreflight(null);
                }}
                systemUserName={systemUser.name}
                appInstalled={appInstalled}
                installing={installing}
                installError={installError}
                justInstalled={app !== null && installed.has(app.id) && !app.installed}
                onInstall={() => void install()}
              />
            )}
            {step === 1 && (
              <RadioGroup
                label="How long should the token work?"
                value={expiry}
                onChange={(v) => setExpiry(v === "never" ? "never" : "sixty_days")}
              >
                {(scopeCatalog?.expiries ?? []).map((choice) => (
                  <Radio
                    key={choice.expiry}
                    value={choice.expiry}
                    description={choice.lifetime_days !== null ? `Until ${daysFromNow(choice.lifetime_days)}. ${choice.description}` : choice.description}
                  >
                    {choice.label}
                  </Radio>
                ))}
              </RadioGroup>
            )}
            {step === 2 && (
              <ScopeStep
                catalog={catalog}
                chosen={chosen}
                all={resolved.all}
                neededBy={resolved.neededBy}
                onChosenChange={setChosen}
              />
            )}
            {step === 3 && (
              <ReadinessStep
                preflight={preflight}
                app={app}
                lifetimeDays={scopeCatalog?.expiries.find((c) => c.expiry === expiry)?.lifetime_days ?? null}
                scopes={resolved.all}
                onRecheck={() => void runPreflight()}
                generating={generating}
                genSteps={genSteps}
                stateOf={stateOf}
              />
            )}
            {genError && (
              <ErrorCallout error={genError} title="No token was generated" />
            )}
            <div className="dialog__actions">
              <Button onPress={close} isDisabled={generating || installing} variant="ghost">
                Cancel
              </Button>
              <span className="spacer" />
              {step > 0 && (
                <Button onPress={() => setStep(step - 1)} isDisabled={generating}>
                  Back
                </Button>
              )}
              {step < 3 ? (
                <Button type="submit" variant="primary" isDisabled={!canNext}>
                  Next
                </Button>
              ) : (
                <Button type="submit" variant="primary" isDisabled={!ready || generating}>
                  {generating ? "Generating…" : "Generate token"}
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

function AppStep(props: {
  apps: UseQueryResult<AppChoice[]>;
  appId: string | null;
  onAppChange: (id: string) => void;
  systemUserName: string;
  appInstalled: boolean;
  installing: boolean;
  installError: CommandError | null;
  justInstalled: boolean;
  onInstall: () => void;
}) {
  const { apps, justInstalled } = props;
  const root = useRef<HTMLDivElement>(null);
  // Installing removes the Install button that had focus: give focus back to the chosen app, or
  // the keyboard lands on the page behind the dialog.
  useEffect(() => {
    if (justInstalled) root.current?.querySelector<HTMLInputElement>("input[type=radio]:checked")?.focus();
  }, [justInstalled]);
  // Read afresh each time the dialog opens: what was installed since must not show as missing.
  if (apps.isPending || apps.isFetching) return <p role="status" className="muted">Loading the portfolio's apps…</p>;
  if (apps.isError) return <ErrorCallout error={commandError(apps.error)} title="The apps could not be loaded" />;
  const usable = apps.data.filter((a) => a.usable);
  const unusable = apps.data.filter((a) => !a.usable);
  const app = usable.find((a) => a.id === props.appId);
  return (
    <div className="stack" ref={root}>
      {usable.length === 0 ? (
        <Callout tone="warning" title="No app of this portfolio can issue tokens yet.">
          <span>Each app below says why. Fix one of them, then open this dialog again.</span>
        </Callout>
      ) : (
        <RadioGroup label="Which app will use the token?" value={props.appId} onChange={props.onAppChange}>
          {usable.map((a) => (
            <Radio
              key={a.id}
              value={a.id}
              description={
                a.installed ? `Installed on ${props.systemUserName} · App ID ${a.id}` : `Not installed on ${props.systemUserName} yet · App ID ${a.id}`
              }
            >
              {a.name}
            </Radio>
          ))}
        </RadioGroup>
      )}
      {app && !props.appInstalled && (
        <Callout tone="info" title={`${app.name} is not installed on ${props.systemUserName} yet.`}>
          <span>A system user only gets tokens from apps installed on it. Install it now, or Gatehouse does it when you generate.</span>
          <div className="row">
            <Button onPress={props.onInstall} isDisabled={props.installing}>
              {props.installing ? "Installing…" : `Install ${app.name} on ${props.systemUserName}`}
            </Button>
          </div>
        </Callout>
      )}
      {props.justInstalled && (
        <Callout tone="success" title={`${app?.name ?? "The app"} is installed on ${props.systemUserName}.`} />
      )}
      {props.installError && <ErrorCallout error={props.installError} title="The app was not installed" />}
      {unusable.length > 0 && (
        <section className="stack-sm" aria-labelledby="unusable-apps">
          <h3 id="unusable-apps" className="field__label">
            Apps that cannot issue this token
          </h3>
          <ul className="flow-list stack-sm" style={{ listStyle: "none", paddingLeft: 0 }}>
            {unusable.map((a) => (
              <li key={a.id} className="app-unusable">
                <span className="check__label">{a.name}</span>
                <span className="muted">{a.reason ?? "Meta does not let this app issue tokens for this system user."}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function ScopeStep(props: {
  catalog: UseQueryResult<ScopeCatalog>;
  chosen: string[];
  all: string[];
  neededBy: Map<string, Set<string>>;
  onChosenChange: (chosen: string[]) => void;
}) {
  const { catalog, chosen, all, neededBy } = props;
  if (catalog.isPending) return <p role="status" className="muted">Loading permissions…</p>;
  if (catalog.isError) return <ErrorCallout error={commandError(catalog.error)} title="The permissions could not be loaded" />;
  const data = catalog.data;
  const activePreset = data.presets.find((p) => sameSet(p.scopes, chosen));
  const added = all.filter((s) => !chosen.includes(s));
  return (
    <div className="stack">
      <div className="stack-sm">
        <span className="field__label" id="presets-label">
          Start from what the token is for
        </span>
        <div className="presets" role="group" aria-labelledby="presets-label">
          {data.presets.map((preset) => (
            <Button
              key={preset.id}
              className="preset"
              aria-pressed={activePreset?.id === preset.id}
              onPress={() => props.onChosenChange([...preset.scopes])}
            >
              {preset.label}
            </Button>
          ))}
        </div>
        <p className="field__description">
          {activePreset ? activePreset.description : "A quick pick replaces the ticks below; you can change them after."}
        </p>
      </div>
      <p aria-live="polite" className="muted">
        {all.length === 0
          ? "No permissions chosen yet."
          : `${String(all.length)} ${all.length === 1 ? "permission" : "permissions"}: ${String(chosen.length)} chosen${added.length > 0 ? `, ${String(added.length)} added because they are needed` : ""}.`}
      </p>
      <CheckboxGroup
        aria-label="Permissions"
        gap="md"
        value={all}
        onChange={(values) => {
          const turnedOn = values.filter((v) => !all.includes(v));
          const turnedOff = all.filter((v) => !values.includes(v));
          props.onChosenChange([...chosen.filter((c) => !turnedOff.includes(c)), ...turnedOn]);
        }}
      >
        {data.groups.map((group) => (
          <fieldset key={group.name} className="scope-group">
            <legend>{group.name}</legend>
            {group.scopes.map((scope) => {
              const by = neededBy.get(scope.name);
              const isAdded = by !== undefined && !chosen.includes(scope.name);
              return (
                <Checkbox
                  key={scope.name}
                  variant="flow"
                  value={scope.name}
                  isDisabled={isAdded}
                  description={<span className="scope-name">{scope.name}</span>}
                >
                  {scope.sentence}
                  {isAdded && <span className="check__added">added because {[...by].join(" and ")} needs it</span>}
                </Checkbox>
              );
            })}
          </fieldset>
        ))}
      </CheckboxGroup>
    </div>
  );
}

type StepState = "done" | "current" | "failed" | "pending";

const icons = {
  ok: "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm-1.2 11.2-3.5-3.5 1.4-1.4 2.1 2.1 4.6-4.6 1.4 1.4z",
  bad: "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm3.5 10.1-1.4 1.4L10 11.4l-2.1 2.1-1.4-1.4L8.6 10 6.5 7.9l1.4-1.4L10 8.6l2.1-2.1 1.4 1.4-2.1 2.1z",
  warn: "M10 2 1 18h18L10 2Zm-1 5h2v6H9zm0 7.5h2v2H9z",
  dot: "M10 6a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z",
};

function StatusIcon({ path }: { path: string }) {
  return (
    <svg className="status-icon" viewBox="0 0 20 20" aria-hidden="true">
      <path fill="currentColor" d={path} />
    </svg>
  );
}

function ReadinessStep(props: {
  preflight: Loaded<Preflight> | null;
  app: AppChoice | null;
  /** Days the chosen lifetime lasts; `null`: it never expires. */
  lifetimeDays: number | null;
  scopes: string[];
  onRecheck: () => void;
  generating: boolean;
  genSteps: { id: TokenStep; label: string }[];
  stateOf: (id: TokenStep) => StepState;
}) {
  const { preflight } = props;
  return (
    <div className="stack">
      <dl className="definition-list">
        <dt>App</dt>
        <dd>{props.app?.name}</dd>
        <dt>Expires</dt>
        <dd>{props.lifetimeDays === null ? "Never" : `In ${String(props.lifetimeDays)} days (${daysFromNow(props.lifetimeDays)})`}</dd>
        <dt>Permissions</dt>
        <dd className="mono">{props.scopes.join(", ")}</dd>
      </dl>
      {preflight === null || preflight.phase === "loading" ? (
        <p role="status" className="muted">
          Checking that Meta will accept this…
        </p>
      ) : preflight.result.status === "error" ? (
        <ErrorCallout error={preflight.result.error} title="The readiness check could not run" />
      ) : (
        <section className="stack-sm" aria-labelledby="checks-heading">
          <h3 id="checks-heading">Readiness</h3>
          <ul className="checks">
            {preflight.result.data.checks.map((check) => {
              const tone = check.ok ? "ok" : check.blocking ? "blocking" : "warning";
              return (
                <li key={`${check.id}:${check.asset_kind ?? ""}`} className={`checks__item checks__item--${tone}`}>
                  <StatusIcon path={check.ok ? icons.ok : check.blocking ? icons.bad : icons.warn} />
                  <span className="checks__text">
                    <span>
                      <span className="visually-hidden">{check.ok ? "Passed: " : check.blocking ? "Problem: " : "Note: "}</span>
                      {check.title}
                    </span>
                    {!check.ok && check.fix && <span className="muted">{check.fix}</span>}
                  </span>
                </li>
              );
            })}
          </ul>
          {preflight.result.data.added_dependencies.length > 0 && (
            <p className="muted">
              Meta also needs {preflight.result.data.added_dependencies.join(", ")}; they are included.
            </p>
          )}
          {!preflight.result.data.ready && (
            <Callout tone="error" title="Fix the problems marked above, then check again.">
              <span>Generating now would fail. Nothing has been changed.</span>
            </Callout>
          )}
          <div className="row">
            <Button variant="ghost" onPress={props.onRecheck} isDisabled={props.generating}>
              Check again
            </Button>
          </div>
        </section>
      )}
      {(props.generating || props.stateOf("generating") !== "pending") && (
        <ol className="token-steps" aria-label="Progress">
          {props.genSteps.map((s) => {
            const state = props.stateOf(s.id);
            return (
              <li key={s.id} className="token-steps__item" data-state={state} aria-current={state === "current" ? "step" : undefined}>
                <StatusIcon path={state === "done" ? icons.ok : state === "failed" ? icons.bad : icons.dot} />
                {s.label}
                {state === "current" && "…"}
                {state === "failed" && <span className="visually-hidden">: stopped here</span>}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
