import type { AppChoice, Preflight } from "../../backend/types";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { daysFromNow, type ProgressStep } from "./tokenDialogState";
import type { Loaded } from "./useTokenPreflight";

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

export interface ReadinessStepProps {
  preflight: Loaded<Preflight> | null;
  app: AppChoice | null;
  /** Days the chosen lifetime lasts; `null`: it never expires. */
  lifetimeDays: number | null;
  scopes: string[];
  onRecheck: () => void;
  generating: boolean;
  /** The generation's steps, once there is something to show (progressOf). */
  progress: ProgressStep[] | null;
}

/**
 * Step 4: what will be asked for, the engine's readiness checks (each with its fix), then the
 * generation's progress in the engine's steps.
 */
export function ReadinessStep({ preflight, app, lifetimeDays, scopes, onRecheck, generating, progress }: ReadinessStepProps) {
  return (
    <div className="stack">
      <dl className="definition-list">
        <dt>App</dt>
        <dd>{app?.name}</dd>
        <dt>Expires</dt>
        <dd>{lifetimeDays === null ? "Never" : `In ${String(lifetimeDays)} days (${daysFromNow(lifetimeDays)})`}</dd>
        <dt>Permissions</dt>
        <dd className="mono">{scopes.join(", ")}</dd>
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
            <Button variant="ghost" onPress={onRecheck} isDisabled={generating}>
              Check again
            </Button>
          </div>
        </section>
      )}
      {progress && (
        <ol className="token-steps" aria-label="Progress">
          {progress.map((s) => (
            <li key={s.id} className="token-steps__item" data-state={s.state} aria-current={s.state === "current" ? "step" : undefined}>
              <StatusIcon path={s.state === "done" ? icons.ok : s.state === "failed" ? icons.bad : icons.dot} />
              {s.label}
              {s.state === "current" && "…"}
              {s.state === "failed" && <span className="visually-hidden">: stopped here</span>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
