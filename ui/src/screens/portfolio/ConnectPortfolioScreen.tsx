import { useEffect, useRef, useState } from "react";
import { Form } from "react-aria-components";
import { useBackend } from "../../backend/context";
import type { ConnectForm, ConnectionReport, PortfolioEntry } from "../../backend/types";
import type { AppClaim, CommandError } from "../../bindings";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout, FieldErrorDetails, fieldMessage } from "../../components/Callout";
import { Card } from "../../components/Card";
import { Page } from "../../components/Page";
import { SecretField } from "../../components/SecretField";
import { Tab, TabList, TabPanel, Tabs } from "../../components/Tabs";
import { TextField } from "../../components/TextField";
import { AppFields } from "./AppFields";
import { ClaimAppButton, ClaimOutcome } from "./ClaimApp";
import { ConnectionFindings } from "./ConnectionFindings";
import { SignInWithMeta } from "./SignInWithMeta";

const emptyForm: ConnectForm = { label: "", business_id: "", admin_token: "", app_id: "", app_secret: "" };

function sameForm(a: ConnectForm, b: ConnectForm | null): boolean {
  return b !== null && (Object.keys(a) as (keyof ConnectForm)[]).every((k) => a[k].trim() === b[k].trim());
}

type Phase = "idle" | "checking" | "saving";

export interface ConnectPortfolioScreenProps {
  /** Saved (and, after a sign-in, set up and opened by the engine), with the engine's words on what it did. */
  onSaved: (entry: PortfolioEntry, message?: string) => void;
  onCancel: () => void;
}

type Way = "sign-in" | "paste";

/**
 * Connect a real business portfolio, one of two ways: sign in with Meta and let Gatehouse set
 * itself up (recommended: nothing to paste), or paste an admin token.
 */
export function ConnectPortfolioScreen({ onSaved, onCancel }: ConnectPortfolioScreenProps) {
  const [way, setWay] = useState<Way>("sign-in");
  return (
    <Page
      title="Connect your business portfolio"
      lede="Sign in with Meta and Gatehouse sets itself up in your portfolio, or paste an admin token. Tokens and your app secret stay only in this computer's keychain."
    >
      <Tabs selectedKey={way} onSelectionChange={(key) => setWay(key === "paste" ? "paste" : "sign-in")}>
        <TabList aria-label="How to connect">
          <Tab id="sign-in">Sign in with Meta (recommended)</Tab>
          <Tab id="paste">Paste an admin token</Tab>
        </TabList>
        <TabPanel id="sign-in">
          <SignInWithMeta onSetUp={onSaved} onCancel={onCancel} />
        </TabPanel>
        <TabPanel id="paste">
          <PasteTokenForm onSaved={onSaved} onCancel={onCancel} />
        </TabPanel>
      </Tabs>
    </Page>
  );
}

/**
 * Connect with a pasted admin token: check the typed details against Meta, show what was found
 * and every problem with its fix, then save (secrets go to the keychain, never to this window).
 */
function PasteTokenForm({ onSaved, onCancel }: ConnectPortfolioScreenProps) {
  const backend = useBackend();
  const [form, setForm] = useState<ConnectForm>(emptyForm);
  const [phase, setPhase] = useState<Phase>("idle");
  const [report, setReport] = useState<ConnectionReport | null>(null);
  // The form as it was when `report` was made: a changed form must be checked again.
  const [checkedForm, setCheckedForm] = useState<ConnectForm | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [saveError, setSaveError] = useState<CommandError | null>(null);
  // An app added to the business from a problem's fix, confirmed above the findings.
  const [claimed, setClaimed] = useState<AppClaim | null>(null);
  const findings = useRef<HTMLDivElement>(null);

  // A new report: bring it into view and move the focus to it, so keyboard and screen-reader
  // users land on what was found (the form stays as typed above it).
  useEffect(() => {
    const el = findings.current;
    if (!report || !el) return;
    el.focus({ preventScroll: true });
    try {
      el.scrollIntoView({ block: "start", behavior: "smooth" });
    } catch {
      // Not every environment scrolls (tests); the focus is what matters.
    }
  }, [report]);

  const set = (key: keyof ConnectForm) => (value: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    setClaimed(null);
    if (error?.field === key) setError(null);
  };
  const fieldError = (key: keyof ConnectForm) => (error?.field === key ? fieldMessage(error) : undefined);

  const check = async () => {
    if (phase !== "idle") return;
    setPhase("checking");
    setError(null);
    setSaveError(null);
    const snapshot = { ...form };
    const result = await backend.checkConnection(snapshot);
    setPhase("idle");
    if (result.status === "error") {
      setError(result.error);
      setReport(null);
      setCheckedForm(null);
      return;
    }
    setReport(result.data);
    setCheckedForm(snapshot);
  };

  const save = async () => {
    if (phase !== "idle") return;
    setPhase("saving");
    setSaveError(null);
    const result = await backend.savePortfolio({ ...form });
    setPhase("idle");
    if (result.status === "error") {
      setSaveError(result.error);
      return;
    }
    setForm(emptyForm);
    onSaved(result.data);
  };

  const blocking = report?.problems.filter((p) => p.blocking) ?? [];
  const warnings = report?.problems.filter((p) => !p.blocking) ?? [];
  const current = report !== null && sameForm(form, checkedForm);
  const canSave = current && blocking.length === 0 && phase === "idle";
  const generalError = error && !error.field ? error : null;

  return (
    <div className="stack">
      <p className="muted">Gatehouse checks everything with Meta before saving.</p>
      <Form
        className="stack"
        aria-label="Portfolio details"
        onSubmit={(event) => {
          event.preventDefault();
          void check();
        }}
      >
        <Card title="Your portfolio">
          <div className="form-grid">
            <TextField
              label="Business ID"
              description="In Business settings › Business info, the number under “Business portfolio ID”."
              value={form.business_id}
              onChange={set("business_id")}
              inputMode="numeric"
              isRequired
              isInvalid={error?.field === "business_id"}
              errorMessage={fieldError("business_id") ?? "Type the business ID."}
            />
            <TextField
              label="Name in Gatehouse (optional)"
              description="How the portfolio switcher lists it. Leave empty to use the business's name."
              value={form.label}
              onChange={set("label")}
            />
          </div>
          <SecretField
            label="Admin token"
            description="An admin system user's token (Business settings › Users › System users › Generate new token) or your own as an admin of the portfolio (Graph API Explorer)."
            value={form.admin_token}
            onChange={set("admin_token")}
            isRequired
            isInvalid={error?.field === "admin_token"}
            errorMessage={fieldError("admin_token") ?? "Paste the admin token."}
          />
        </Card>

        <Card title="Your app" description="Tokens are issued through an app your business owns. Meta checks the app secret with every request Gatehouse sends.">
          <AppFields appId={form.app_id} appSecret={form.app_secret} onChange={set} error={error} />
        </Card>

        <div aria-live="polite" className="stack">
          {phase === "checking" && <Callout tone="info" title="Checking with Meta…" />}
          {generalError && <ErrorCallout error={generalError} title="The details could not be checked" />}
          {error?.field && (
            <div className="field-error-details">
              <FieldErrorDetails error={error} />
            </div>
          )}
        </div>

        <div className="row">
          <Button type="submit" variant={report && current ? "secondary" : "primary"} isDisabled={phase !== "idle"}>
            {phase === "checking" ? "Checking…" : report ? "Check again" : "Check"}
          </Button>
          <span className="muted" aria-live="polite">
            {report && !current
              ? "You changed the details: check again before saving."
              : !report
                ? "Gatehouse asks Meta about these details. Nothing is saved yet."
                : ""}
          </span>
          <span className="spacer" />
          <Button variant="ghost" onPress={onCancel} isDisabled={phase === "saving"}>
            Cancel
          </Button>
        </div>
      </Form>

      {report && (
        <div ref={findings} tabIndex={-1} className="stack findings" aria-label="Result of the check">
          <section className="stack" aria-label="Problems found">
            {claimed && <ClaimOutcome outcome={claimed} />}
            {blocking.length === 0 && warnings.length === 0 && (
              <Callout tone="success" title="Everything checks out" role="none">
                <span>Save the portfolio to start working in it.</span>
              </Callout>
            )}
            {blocking.map((p) => (
              <ErrorCallout key={p.code} error={p} tone="error" prefix="Must be fixed:" role="none">
                {p.claim_app_id && current && checkedForm && (
                  <ClaimAppButton
                    appId={p.claim_app_id}
                    claim={() => backend.claimAppForConnection({ ...checkedForm })}
                    onClaimed={(outcome) => {
                      setClaimed(outcome);
                      // The business changed: check again so the findings show it.
                      if (outcome.status !== "pending") void check();
                    }}
                  />
                )}
              </ErrorCallout>
            ))}
            {warnings.map((p) => (
              <ErrorCallout key={p.code} error={p} tone="warning" prefix="Worth knowing:" role="none" />
            ))}
          </section>
          <ConnectionFindings report={report} appId={checkedForm?.app_id.trim() ?? ""} />
          <div aria-live="polite">{saveError && <ErrorCallout error={saveError} title="The portfolio was not saved" />}</div>
          <div className="row">
            <Button variant="primary" isDisabled={!canSave} onPress={() => void save()}>
              {phase === "saving" ? "Saving…" : "Save portfolio"}
            </Button>
            <span className="muted">
              {!current
                ? "You changed the details: check again before saving."
                : blocking.length > 0
                  ? `Fix ${blocking.length === 1 ? "the problem" : `the ${blocking.length} problems`} marked “Must be fixed”, then check again.`
                  : "The admin token and the app secret go to this computer's keychain; the rest to Gatehouse's settings."}
            </span>
          </div>
        </div>
      )}
    </div>
  );
}
