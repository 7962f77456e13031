import type { UseQueryResult } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { CommandError } from "../../bindings";
import { commandError } from "../../backend/query";
import type { AppChoice } from "../../backend/types";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { Radio, RadioGroup } from "../../components/Radio";

export interface AppStepProps {
  apps: UseQueryResult<AppChoice[]>;
  appId: string | null;
  onAppChange: (id: string) => void;
  systemUserName: string;
  appInstalled: boolean;
  installing: boolean;
  installError: CommandError | null;
  /** The chosen app was installed from this dialog. */
  justInstalled: boolean;
  onInstall: () => void;
}

/**
 * Step 1: the apps that can issue the token (each says whether it is installed on the system
 * user, with an explicit Install), then the ones that cannot, with why.
 */
export function AppStep(props: AppStepProps) {
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
