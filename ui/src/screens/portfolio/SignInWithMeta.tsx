import { useEffect, useRef, useState } from "react";
import { Form } from "react-aria-components";
import { useBackend } from "../../backend/context";
import type { PortfolioEntry } from "../../backend/types";
import type { AdminChoice, AdminChoices, CommandError, SignInForm, SignedInPerson } from "../../bindings";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout, FieldErrorDetails, fieldMessage } from "../../components/Callout";
import { Card } from "../../components/Card";
import { Radio, RadioGroup } from "../../components/Radio";
import { TextField } from "../../components/TextField";
import { AppFields } from "./AppFields";

interface Typed {
  app_id: string;
  app_secret: string;
  config_id: string;
}

const emptyTyped: Typed = { app_id: "", app_secret: "", config_id: "" };

/** The radio value for "create one named Gatehouse"; a system user's id (digits) never clashes. */
const CREATE = "create";

function choiceValue(choice: AdminChoice): string {
  return choice.kind === "create" ? CREATE : choice.system_user_id;
}

function choiceOf(value: string): AdminChoice {
  return value === CREATE ? { kind: "create" } : { kind: "reuse", system_user_id: value };
}

type Phase = "idle" | "signing-in" | "loading-admins" | "setting-up";
type Step = "sign-in" | "admins" | "set-up";

export interface SignInWithMetaProps {
  /** Set up, saved and opened by the engine: the screen goes on as after Save. */
  onSetUp: (entry: PortfolioEntry, message: string) => void;
  onCancel: () => void;
}

/**
 * Sign in with Meta in Meta's own window, pick the business, and let the engine set Gatehouse up
 * there with an admin system user of its own (no token to paste). Secrets stay in this state and
 * the engine; nothing is kept by the webview.
 */
export function SignInWithMeta({ onSetUp, onCancel }: SignInWithMetaProps) {
  const backend = useBackend();
  const [typed, setTyped] = useState<Typed>(emptyTyped);
  const [phase, setPhase] = useState<Phase>("idle");
  const [person, setPerson] = useState<SignedInPerson | null>(null);
  const [businessId, setBusinessId] = useState<string | null>(null);
  const [choices, setChoices] = useState<AdminChoices | null>(null);
  const [choice, setChoice] = useState<string>(CREATE);
  const [label, setLabel] = useState("");
  const [error, setError] = useState<{ step: Step; error: CommandError } | null>(null);
  // The person pressed Cancel: the engine's "cancelled" answer that follows needs no callout.
  const cancelled = useRef(false);
  // Read through a function: the flag changes while the sign-in is awaited.
  const pressedCancel = () => cancelled.current;
  // A sign-in is awaited: leaving the screen (or the tab) drops it, so Meta's window does not
  // stay open for nothing.
  const waiting = useRef(false);
  useEffect(() => {
    const flag = waiting;
    return () => {
      if (flag.current) void backend.cancelSignIn();
    };
  }, [backend]);
  const businesses = useRef<HTMLDivElement>(null);

  // Signed in: the focus goes to the business choice, the next thing to do.
  useEffect(() => {
    const el = businesses.current;
    if (!person || !el) return;
    const radio = el.querySelector<HTMLInputElement>("input[type=radio]:checked") ?? el.querySelector<HTMLInputElement>("input[type=radio]");
    (radio ?? el).focus();
  }, [person]);

  const loadChoices = async (id: string) => {
    setBusinessId(id);
    setChoices(null);
    setError(null);
    setPhase("loading-admins");
    const result = await backend.adminChoices(id);
    setPhase("idle");
    if (result.status === "error") {
      setError({ step: "admins", error: result.error });
      return;
    }
    setChoices(result.data);
    setChoice(choiceValue(result.data.suggested));
  };

  const signIn = async () => {
    if (phase !== "idle") return;
    cancelled.current = false;
    setPhase("signing-in");
    setError(null);
    setPerson(null);
    setBusinessId(null);
    setChoices(null);
    const form: SignInForm = {
      app_id: typed.app_id.trim(),
      app_secret: typed.app_secret.trim(),
      config_id: typed.config_id.trim() === "" ? null : typed.config_id.trim(),
    };
    waiting.current = true;
    const result = await backend.signInWithMeta(form);
    waiting.current = false;
    setPhase("idle");
    if (result.status === "error") {
      if (!(result.error.code === "login_cancelled" && pressedCancel())) setError({ step: "sign-in", error: result.error });
      return;
    }
    setPerson(result.data);
    const only = result.data.businesses.length === 1 ? result.data.businesses[0] : undefined;
    if (only) void loadChoices(only.id);
  };

  const cancelSignIn = () => {
    cancelled.current = true;
    void backend.cancelSignIn();
  };

  const setUp = async () => {
    if (phase !== "idle" || !businessId || !choices) return;
    setPhase("setting-up");
    setError(null);
    const result = await backend.setUpGatehouse(businessId, choiceOf(choice), label.trim());
    setPhase("idle");
    if (result.status === "error") {
      setError({ step: "set-up", error: result.error });
      return;
    }
    onSetUp(result.data.portfolio, result.data.message);
  };

  // A change to what identifies the app makes the sign-in stale: sign in again.
  const set = (key: keyof Typed) => (value: string) => {
    setTyped((t) => ({ ...t, [key]: value }));
    setPerson(null);
    setBusinessId(null);
    setChoices(null);
    if (error?.error.field === key || error?.step !== "sign-in") setError(null);
  };
  const signInError = error?.step === "sign-in" ? error.error : null;
  const fieldError = (key: keyof Typed) => (signInError?.field === key ? fieldMessage(signInError) : undefined);
  const generalSignInError = signInError && !signInError.field ? signInError : null;

  return (
    <div className="stack">
      <Form
        className="stack"
        aria-label="Sign in with Meta"
        onSubmit={(event) => {
          event.preventDefault();
          void signIn();
        }}
      >
        <Card title="Your app" description="You sign in to Meta through an app your business owns or that you develop. Gatehouse never sees your password.">
          <AppFields appId={typed.app_id} appSecret={typed.app_secret} onChange={set} error={signInError} />
          <TextField
            label="Configuration ID (Facebook Login for Business, optional)"
            description="App Dashboard › Facebook Login for Business › Configurations. Leave empty if your app uses Facebook Login."
            value={typed.config_id}
            onChange={set("config_id")}
            inputMode="numeric"
            isInvalid={signInError?.field === "config_id"}
            errorMessage={fieldError("config_id")}
          />
        </Card>

        <div aria-live="polite" className="stack">
          {phase === "signing-in" && (
            <Callout tone="info" title="Waiting for you to sign in in Meta's window…">
              <div className="row">
                <Button onPress={cancelSignIn}>Cancel sign-in</Button>
              </div>
            </Callout>
          )}
          {generalSignInError && <ErrorCallout error={generalSignInError} title="You were not signed in" />}
          {signInError?.field && (
            <div className="field-error-details">
              <FieldErrorDetails error={signInError} />
            </div>
          )}
        </div>

        <div className="row">
          <Button type="submit" variant={person ? "secondary" : "primary"} isDisabled={phase !== "idle"}>
            {person ? "Sign in again" : "Sign in with Meta"}
          </Button>
          <span className="muted">Meta's window opens; Gatehouse waits for you there. Nothing is saved yet.</span>
          <span className="spacer" />
          <Button variant="ghost" onPress={onCancel} isDisabled={phase === "setting-up"}>
            Cancel
          </Button>
        </div>
      </Form>

      {person && (
        <Card title={person.person_name ? `Signed in as ${person.person_name}` : "Signed in"}>
          <div className="stack">
            <div ref={businesses} tabIndex={-1}>
              <RadioGroup
                label="Business to set Gatehouse up in"
                value={businessId}
                onChange={(id) => void loadChoices(id)}
                isDisabled={phase === "setting-up"}
              >
                {person.businesses.map((b) => (
                  <Radio key={b.id} value={b.id} description={`Business ID ${b.id}`}>
                    {b.name}
                  </Radio>
                ))}
              </RadioGroup>
            </div>

            <div aria-live="polite" className="stack">
              {phase === "loading-admins" && <Callout tone="info" title="Reading the business's admin system users…" role="none" />}
              {error?.step === "admins" && <ErrorCallout error={error.error} title="The business's admin system users could not be read" role="none" />}
            </div>

            {choices && (
              <>
                {choices.admins.length === 0 ? (
                  <Callout tone="info" title="Gatehouse adds an admin system user" role="none">
                    <span>
                      Gatehouse will add an admin system user named “Gatehouse” with your app installed and a token that never expires, so it keeps working when
                      your own session ends.
                    </span>
                  </Callout>
                ) : (
                  <RadioGroup label="Admin system user Gatehouse works as" value={choice} onChange={setChoice} isDisabled={phase === "setting-up"}>
                    {choices.admins.map((admin) => (
                      <Radio key={admin.id} value={admin.id} description="Gatehouse generates a new token for it; its other tokens keep working.">
                        {`Use ${admin.name}`}
                      </Radio>
                    ))}
                    <Radio value={CREATE} description="With your app installed and a token that never expires.">
                      Add one named “Gatehouse”
                    </Radio>
                  </RadioGroup>
                )}
                <TextField
                  label="Name in Gatehouse (optional)"
                  description="How the portfolio switcher lists it. Leave empty to use the business's name."
                  value={label}
                  onChange={setLabel}
                  isDisabled={phase === "setting-up"}
                />
                <div aria-live="polite">{error?.step === "set-up" && <ErrorCallout error={error.error} title="Gatehouse was not set up" />}</div>
                <div className="row">
                  <Button variant="primary" isDisabled={phase !== "idle"} onPress={() => void setUp()}>
                    {phase === "setting-up" ? "Setting up…" : "Set up Gatehouse"}
                  </Button>
                  <span className="muted">The token goes to this computer's keychain; the rest to Gatehouse's settings.</span>
                </div>
              </>
            )}
          </div>
        </Card>
      )}
    </div>
  );
}
