import { useEffect, useRef, useState } from "react";
import { Form } from "react-aria-components";
import { useBackend } from "../../backend/context";
import type { PortfolioEntry } from "../../backend/types";
import type { AdminChoice, BusinessCheck, CommandError, SignInForm, SignedInPerson } from "../../bindings";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout, FieldErrorDetails, fieldMessage } from "../../components/Callout";
import { Card } from "../../components/Card";
import { FieldDescription } from "../../components/FieldDescription";
import { Radio, RadioGroup } from "../../components/Radio";
import { TextField } from "../../components/TextField";
import { AppFields } from "./AppFields";
import { ConnectionFindings } from "./ConnectionFindings";

interface Typed {
  app_id: string;
  app_secret: string;
  config_id: string;
}

const emptyTyped: Typed = { app_id: "", app_secret: "", config_id: "" };

/** Radio values for "create one named Gatehouse" and "keep my own sign-in"; a system user's id (digits) never clashes. */
const CREATE = "create";
const OWN = "own-sign-in";

function choiceValue(choice: AdminChoice): string {
  switch (choice.kind) {
    case "create":
      return CREATE;
    case "own_sign_in":
      return OWN;
    case "reuse":
      return choice.system_user_id;
  }
}

function choiceOf(value: string): AdminChoice {
  if (value === CREATE) return { kind: "create" };
  if (value === OWN) return { kind: "own_sign_in" };
  return { kind: "reuse", system_user_id: value };
}

type Phase = "idle" | "signing-in" | "checking" | "setting-up";
type Step = "sign-in" | "check" | "set-up";

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
  const [checked, setChecked] = useState<BusinessCheck | null>(null);
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
  const signedInCard = useRef<HTMLDivElement>(null);

  // Signed in: the focus goes to the business choice, the next thing to do, and what follows
  // it (the check, the choices) is brought into view.
  useEffect(() => {
    const el = businesses.current;
    if (!person || !el) return;
    const radio = el.querySelector<HTMLInputElement>("input[type=radio]:checked") ?? el.querySelector<HTMLInputElement>("input[type=radio]");
    (radio ?? el).focus({ preventScroll: true });
    try {
      signedInCard.current?.scrollIntoView({ block: "start", behavior: "smooth" });
    } catch {
      // Not every environment scrolls (tests); the focus is what matters.
    }
  }, [person]);

  // The business picked is checked with Meta first: what Gatehouse will fix, what stops it,
  // and the admin system users it could work as.
  // The business picked last, and whether a check is on its way: the engine holds the
  // person's sign-in during a check, so a business picked meanwhile is checked right after it,
  // and the answer for one picked before is dropped.
  const asked = useRef<string | null>(null);
  const pickedLast = () => asked.current;
  const inFlight = useRef(false);
  const checkBusiness = async (id: string): Promise<void> => {
    asked.current = id;
    setBusinessId(id);
    setChecked(null);
    setError(null);
    setPhase("checking");
    if (inFlight.current) return;
    inFlight.current = true;
    const result = await backend.checkBusiness(id);
    inFlight.current = false;
    // Read after the wait: it may have changed meanwhile.
    const latest = pickedLast();
    if (latest !== id) {
      // Another business was picked meanwhile (checked now), or a new sign-in began (dropped).
      if (latest !== null) void checkBusiness(latest);
      return;
    }
    setPhase("idle");
    if (result.status === "error") {
      setError({ step: "check", error: result.error });
      return;
    }
    setChecked(result.data);
    setChoice(choiceValue(result.data.suggested));
  };

  const signIn = async () => {
    if (phase !== "idle") return;
    cancelled.current = false;
    setPhase("signing-in");
    asked.current = null;
    setError(null);
    setPerson(null);
    setBusinessId(null);
    setChecked(null);
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
    if (only) void checkBusiness(only.id);
  };

  const cancelSignIn = () => {
    cancelled.current = true;
    void backend.cancelSignIn();
  };

  const setUp = async () => {
    if (phase !== "idle" || !businessId || !checked || checked.blocking.length > 0) return;
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
    setChecked(null);
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
        <div ref={signedInCard}>
        <Card title={person.person_name ? `Signed in as ${person.person_name}` : "Signed in"}>
          <div className="stack">
            <div ref={businesses} tabIndex={-1}>
              <RadioGroup
                label="Business to set Gatehouse up in"
                value={businessId}
                onChange={(id) => void checkBusiness(id)}
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
              {phase === "checking" && <Callout tone="info" title="Checking the business with Meta…" role="none" />}
              {error?.step === "check" && <ErrorCallout error={error.error} title="The business could not be checked" role="none" />}
            </div>

            {checked && (
              <>
                <section className="stack" aria-label="What the check found">
                  {checked.blocking.map((p) => (
                    <ErrorCallout key={p.code} error={p} tone="error" prefix="Must be fixed:" role="none" />
                  ))}
                  {checked.adds_app_id && (
                    <Callout tone="info" title={`Gatehouse adds app ${checked.adds_app_id} to the business first`} role="none">
                      <span>A business needs an app of its own before it can have system users. You develop this one, so the business can own it.</span>
                    </Callout>
                  )}
                  {checked.warnings.map((p) => (
                    <ErrorCallout key={p.code} error={p} tone="warning" prefix="Worth knowing:" role="none" />
                  ))}
                </section>
                <ConnectionFindings report={checked.report} appId={typed.app_id.trim()} />
                {checked.blocking.length === 0 && (
                  <>
                    <RadioGroup
                      label="How Gatehouse works in this business"
                      value={choice}
                      onChange={setChoice}
                      isDisabled={phase === "setting-up"}
                    >
                      <FieldDescription>An admin system user keeps Gatehouse working when your session ends: its token never expires.</FieldDescription>
                      {checked.admins.map((admin) => (
                        <Radio key={admin.id} value={admin.id} description="Gatehouse generates a new token for it; its other tokens keep working.">
                          {`As the admin system user ${admin.name}`}
                        </Radio>
                      ))}
                      <Radio value={CREATE} description="With your app installed and a token that never expires.">
                        As a new admin system user named “Gatehouse”
                      </Radio>
                      <Radio value={OWN} description={checked.own_sign_in_warning?.message ?? "Your token ends with your session."}>
                        With your own sign-in
                      </Radio>
                    </RadioGroup>
                    <TextField
                      label="Name in Gatehouse (optional)"
                      description="How the portfolio switcher lists it. Leave empty to use the business's name."
                      value={label}
                      onChange={setLabel}
                      isDisabled={phase === "setting-up"}
                    />
                  </>
                )}
                <div aria-live="polite">{error?.step === "set-up" && <ErrorCallout error={error.error} title="Gatehouse was not set up" />}</div>
                <div className="row">
                  <Button variant="primary" isDisabled={phase !== "idle" || checked.blocking.length > 0} onPress={() => void setUp()}>
                    {phase === "setting-up" ? "Setting up…" : "Set up Gatehouse"}
                  </Button>
                  <span className="muted">
                    {checked.blocking.length > 0
                      ? "Fix what is marked “Must be fixed”, then sign in again."
                      : "The token goes to this computer's keychain; the rest to Gatehouse's settings. Your own sign-in is not kept unless you chose it."}
                  </span>
                </div>
              </>
            )}
          </div>
        </Card>
        </div>
      )}
    </div>
  );
}
