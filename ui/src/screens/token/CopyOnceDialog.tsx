import { useEffect, useMemo, useState } from "react";
import { Dialog as AriaDialog, Heading, Label, Modal, ModalOverlay, TextArea, TextField } from "react-aria-components";
import type { CommandError } from "../../bindings";
import { useBackend } from "../../backend/context";
import type { CopyReceipt, IssuedToken } from "../../backend/types";
import { Button } from "../../components/Button";
import { Callout, ErrorCallout } from "../../components/Callout";
import { Checkbox } from "../../components/Checkbox";
import { useSystemUserAccess } from "../../queries";
import { useClipboardClearSeconds } from "../../settings";
import "../../styles/flows.css";

const MAX_DOTS = 24;

export interface CopyOnceDialogProps {
  token: IssuedToken;
  systemUserName?: string;
  onClosed: () => void;
  /** Seconds before the copied token is cleared from the clipboard (default: Settings → Clipboard). */
  clipboardClearSeconds?: number;
}

export function maskToken(token: Pick<IssuedToken, "last_chars" | "length">): string {
  const dots = Math.min(MAX_DOTS, Math.max(4, token.length - token.last_chars.length));
  return "•".repeat(dots) + token.last_chars;
}

function formatDate(unix: number): string {
  return new Date(unix * 1000).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
}

const nowSecs = () => Date.now() / 1000;

/**
 * The one time a token is shown. It stays in Rust: the dialog has a handle and the last
 * characters; Copy goes through Rust (cleared later), Reveal is the only way the text reaches
 * this window. Closing forgets the token, and asks first if it was never copied or revealed.
 */
export function CopyOnceDialog({ token, systemUserName, onClosed, clipboardClearSeconds }: CopyOnceDialogProps) {
  const backend = useBackend();
  const [settingSeconds] = useClipboardClearSeconds();
  const seconds = clipboardClearSeconds ?? settingSeconds;
  const [receipt, setReceipt] = useState<CopyReceipt | null>(null);
  const [now, setNow] = useState(nowSecs);
  const [revealed, setRevealed] = useState<string | null>(null);
  const [shown, setShown] = useState(false);
  const [everRevealed, setEverRevealed] = useState(false);
  const [keep, setKeep] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [closing, setClosing] = useState(false);
  const [error, setError] = useState<{ title: string; error: CommandError } | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [backFromConfirm, setBackFromConfirm] = useState(false);

  const remaining = receipt ? Math.max(0, Math.ceil((receipt.clears_at_unix ?? now) - now)) : 0;
  const copied = receipt !== null;

  useEffect(() => {
    if (!receipt) return;
    const timer = setInterval(() => {
      const t = nowSecs();
      setNow(t);
      if (t >= (receipt.clears_at_unix ?? t)) {
        clearInterval(timer);
        setAnnouncement("The clipboard was cleared.");
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [receipt]);

  const copy = async () => {
    setError(null);
    const result = await backend.copyToken(token.handle, seconds);
    if (result.status === "error") {
      setError({ title: "The token was not copied", error: result.error });
      return;
    }
    setNow(nowSecs());
    setReceipt(result.data);
    setAnnouncement(`Copied. The clipboard clears in ${String(result.data.clear_after_secs)} seconds.`);
  };

  const toggleReveal = async () => {
    setError(null);
    if (shown) {
      setShown(false);
      return;
    }
    // The engine hands the token over once; showing it again uses what it gave.
    if (revealed !== null) {
      setShown(true);
      return;
    }
    const result = await backend.revealToken(token.handle);
    if (result.status === "error") {
      setError({ title: "The token could not be shown", error: result.error });
      return;
    }
    setRevealed(result.data);
    setShown(true);
    setEverRevealed(true);
  };

  const finish = async () => {
    if (closing) return;
    setClosing(true);
    setError(null);
    if (keep) {
      // The engine files the copy under this portfolio and the token's system user.
      const kept = await backend.keepTokenInKeychain(token.handle);
      if (kept.status === "error") {
        setClosing(false);
        setConfirming(false);
        setError({ title: "The token was not saved in the keychain, and it is still here", error: kept.error });
        return;
      }
    }
    // Drop every reference to the token's text before telling Rust to forget it.
    setRevealed(null);
    await backend.forgetToken(token.handle);
    onClosed();
  };

  const requestClose = () => {
    if (closing) return;
    if (!copied && !everRevealed && !keep) setConfirming(true);
    else void finish();
  };

  // Escape means Close (with its confirmation); in the confirmation it means "Go back".
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      event.stopPropagation();
      if (confirming) {
        setConfirming(false);
        setBackFromConfirm(true);
      } else requestClose();
    };
    document.addEventListener("keydown", onKey, true);
    return () => document.removeEventListener("keydown", onKey, true);
  });

  const title = systemUserName ? `The new token for ${systemUserName}` : "Your new token";
  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable={false} isKeyboardDismissDisabled>
      <Modal className="modal modal--wide">
        <AriaDialog className="dialog" role={confirming ? "alertdialog" : "dialog"}>
          <Heading slot="title">{confirming ? "Close without copying?" : title}</Heading>
          {confirming ? (
            <>
              <Callout tone="warning" title="You have not copied this token. Once closed it cannot be shown again.">
                <span>If you need it later, you will have to generate a new one.</span>
              </Callout>
              <div className="dialog__actions">
                <Button
                  autoFocus
                  variant="primary"
                  onPress={() => {
                    setConfirming(false);
                    setBackFromConfirm(true);
                  }}
                >
                  Go back
                </Button>
                <Button variant="danger" onPress={() => void finish()} isDisabled={closing}>
                  Close without copying
                </Button>
              </div>
            </>
          ) : (
            <>
              <Callout tone="warning" title="Copy it now: it is shown only once.">
                <span>After you close this window, Gatehouse cannot show this token again.</span>
              </Callout>
              <div className="stack-sm">
                <span className="field__label" id="token-mask-label">
                  Access token
                </span>
                <div
                  className="token-mask"
                  role="img"
                  aria-labelledby="token-mask-label"
                  aria-describedby="token-mask-note"
                >
                  {maskToken(token)}
                </div>
                <span id="token-mask-note" className="field__description">
                  Hidden except the last {token.last_chars.length} characters ({token.last_chars.split("").join(" ")}),{" "}
                  {token.length} characters in all.
                </span>
              </div>
              <div className="row">
                <Button variant="primary" onPress={() => void copy()}>
                  {copied ? "Copy again" : "Copy"}
                </Button>
                <Button onPress={() => void toggleReveal()}>{shown ? "Hide" : "Reveal"}</Button>
                {copied && (
                  <span className="countdown">
                    {remaining > 0 ? `Copied · Clipboard clears in ${String(remaining)} s` : "Copied · Clipboard cleared"}
                  </span>
                )}
              </div>
              <div className="visually-hidden" aria-live="polite">
                {announcement}
              </div>
              {shown && revealed !== null && (
                <TextField value={revealed} isReadOnly className="field">
                  <Label className="field__label">The token</Label>
                  <TextArea
                    className="token-reveal"
                    spellCheck={false}
                    autoComplete="off"
                    autoCorrect="off"
                    // A copy by hand goes through Rust like Copy: kept out of clipboard history
                    // and cleared after the countdown (the browser's own copy would do neither).
                    onCopy={(event) => {
                      event.preventDefault();
                      void copy();
                    }}
                  />
                </TextField>
              )}
              {error && <ErrorCallout error={error.error} title={error.title} />}
              <PostCheck token={token} />
              <Checkbox
                variant="flow"
                isSelected={keep}
                onChange={setKeep}
                description="Off by default. Anyone who can sign in to your account on this computer could read it there."
              >
                Keep a copy in this computer's keychain
              </Checkbox>
              <div className="dialog__actions">
                <Button autoFocus={backFromConfirm} variant={copied || everRevealed ? "primary" : "secondary"} onPress={requestClose} isDisabled={closing}>
                  {closing ? "Closing…" : "Close"}
                </Button>
              </div>
            </>
          )}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}

/** What Meta says the token can really do (the post-check after generating). */
function PostCheck({ token }: { token: IssuedToken }) {
  const report = token.post_check;
  // Names for the asset IDs a permission is limited to, when the system user holds them. (Read
  // by the system user's id: the token itself is never part of a query.)
  const access = useSystemUserAccess(report.user_id, { enabled: report.scope_targets.length > 0 }).data;
  // By the id a token's targets use (the engine gives both sides in that form).
  const names = useMemo(() => new Map(access?.assets.map((a) => [a.target_id, a.name]) ?? []), [access]);
  const nameOf = (id: string) => names.get(id) ?? id;
  if (token.post_check_error) {
    return (
      <Callout tone="warning" title="The token was issued, but Gatehouse could not check what it can do.">
        <span>{token.post_check_error}</span>
        <span>The token works as generated; you can inspect it later from Inspect a token.</span>
      </Callout>
    );
  }
  const targetsOf = (scope: string) => report.scope_targets.find((t) => t.scope === scope)?.target_ids ?? [];
  return (
    <section className="stack-sm" aria-labelledby="post-check-heading">
      <h3 id="post-check-heading">What this token can do</h3>
      {!report.valid && (
        <Callout tone="warning" title="Meta reports this token as not valid.">
          <span>It may have been revoked already. Generate a new one if it does not work.</span>
        </Callout>
      )}
      <dl className="definition-list">
        <dt>Type</dt>
        <dd>{report.kind_label}</dd>
        <dt>App</dt>
        <dd>
          {report.application ?? "Unknown app"} {report.app_id && <span className="muted">({report.app_id})</span>}
        </dd>
        <dt>Expires</dt>
        <dd>
          {report.expiry === "at" && report.expires_at_unix !== null
            ? `${formatDate(report.expires_at_unix)}${report.expires_in_days !== null ? ` (in ${String(report.expires_in_days)} days)` : ""}`
            : report.expiry === "never"
              ? "Never"
              : "Unknown"}
        </dd>
      </dl>
      <table className="scope-table">
        <caption className="visually-hidden">Permissions and the assets each one reaches</caption>
        <thead>
          <tr>
            <th scope="col">Permission</th>
            <th scope="col">Reaches</th>
          </tr>
        </thead>
        <tbody>
          {report.scopes.map((scope) => {
            const targets = targetsOf(scope);
            return (
              <tr key={scope}>
                <td className="mono">{scope}</td>
                <td>
                  {targets.length === 0
                    ? "All assets the system user has"
                    : `${String(targets.length)} ${targets.length === 1 ? "asset" : "assets"}: ${targets.map(nameOf).join(", ")}`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
