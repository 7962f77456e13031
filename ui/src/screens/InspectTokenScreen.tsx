import { useMemo, useState } from "react";
import { Form, Link } from "react-aria-components";
import { useBackend } from "../backend/context";
import type { IssuedToken, ScopeInfo, TokenReport } from "../backend/types";
import type { CommandError, SystemUserSummary } from "../bindings";
import { Badge } from "../components/Badge";
import { Button } from "../components/Button";
import { Callout, ErrorCallout, FieldErrorDetails, fieldMessage } from "../components/Callout";
import { Card } from "../components/Card";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Countdown } from "../components/Countdown";
import { DataTable, type DataColumn } from "../components/DataTable";
import { Page } from "../components/Page";
import { SecretField } from "../components/SecretField";
import { usePortfolioOverview, useScopeCatalog, useSystemUserAccess } from "../queries";
import { hrefFor } from "../router";
import { CopyOnceDialog } from "./token/CopyOnceDialog";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function formatUnix(unix: number | null): string {
  return unix === null ? "—" : dateTime.format(new Date(unix * 1000));
}

type ScopeRow = { id: string; scope: string; info: ScopeInfo | null; targets: string[] };


/**
 * Paste a token to see what it is, whose it is, when it ends and what it can reach. The pasted
 * token lives only in this screen's memory: never stored, cleared when the screen is left.
 */
export function InspectTokenScreen() {
  const backend = useBackend();
  // The pasted token is this component's state only: leaving the screen unmounts it and the
  // token is gone (no storage, no URL, no global, never a query).
  const [token, setToken] = useState("");
  const [inspected, setInspected] = useState<string | null>(null);
  const [report, setReport] = useState<TokenReport | null>(null);
  const [pending, setPending] = useState<"inspect" | "refresh" | "revoke" | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const [revokeError, setRevokeError] = useState<CommandError | null>(null);
  const [actionError, setActionError] = useState<CommandError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [refreshed, setRefreshed] = useState<IssuedToken | null>(null);
  // Only for the plain sentence next to each permission; the screen works without it.
  const catalog = useScopeCatalog().data ?? null;
  // The open portfolio's system users, to name a token's owner (null until the engine answered).
  const overview = usePortfolioOverview();
  const people = overview.isPending ? null : (overview.data?.system_users ?? []);
  // Names of the owner's assets (when it is one of them), to show names instead of bare IDs.
  const owner = report?.user_id ?? null;
  const ownerAccess = useSystemUserAccess(owner, { enabled: people?.some((p) => p.id === owner) ?? false }).data;
  const assetNames = useMemo(
    // By the id a token's targets use (the engine gives both sides in that form).
    () => new Map(ownerAccess?.assets.map((a) => [a.target_id, a.name]) ?? []),
    [ownerAccess],
  );

  const inspect = async (value = token) => {
    if (pending) return;
    setPending("inspect");
    setError(null);
    setActionError(null);
    const result = await backend.inspectToken(value);
    setPending(null);
    if (result.status === "error") {
      setError(result.error);
      setReport(null);
      setInspected(null);
      return;
    }
    setReport(result.data);
    setInspected(value);
  };

  const refresh = async () => {
    if (pending || inspected === null) return;
    setPending("refresh");
    setActionError(null);
    setDone(null);
    const result = await backend.refreshToken(inspected);
    setPending(null);
    if (result.status === "error") {
      setActionError(result.error);
      return;
    }
    setRefreshed(result.data);
  };

  const revoke = async () => {
    if (pending || inspected === null) return;
    setPending("revoke");
    setRevokeError(null);
    const result = await backend.revokeToken(inspected);
    setPending(null);
    if (result.status === "error") {
      setRevokeError(result.error);
      return;
    }
    setConfirmRevoke(false);
    setDone(
      result.data.already_invalid
        ? "This token already did not work. Nothing changed."
        : "The token is revoked. Integrations that used it stop working now.",
    );
    // Not inspected again: the engine answers a token that no longer works with an error (whose
    // fix is about the portfolio's own token), which would replace this report. What it was stays
    // shown, marked as no longer working.
    setReport((r) => r && { ...r, valid: false });
  };

  const current = report !== null && inspected === token;
  const scopes = catalog?.groups.flatMap((g) => g.scopes) ?? [];
  const rows: ScopeRow[] = (report?.scopes ?? []).map((scope) => ({
    id: scope,
    scope,
    info: scopes.find((s) => s.name === scope) ?? null,
    targets: report?.scope_targets.find((t) => t.scope === scope)?.target_ids ?? [],
  }));
  const canRefresh = report?.refreshable ?? false;

  const columns: DataColumn<ScopeRow>[] = [
    {
      id: "scope",
      name: "Permission",
      isRowHeader: true,
      render: (row) => (
        <span className="stack-xs">
          <span className="mono">{row.scope}</span>
          {row.info && <span className="muted small">{row.info.sentence}</span>}
        </span>
      ),
    },
    {
      id: "targets",
      name: "Assets it covers",
      render: (row) =>
        row.targets.length === 0 ? (
          <span>All assets the system user can reach</span>
        ) : (
          <span className="task-list">
            {row.targets.map((id) => {
              const name = assetNames.get(id);
              return (
                <span key={id} className={name ? "task-chip" : "task-chip mono"} title={name ? id : undefined}>
                  {name ?? id}
                </span>
              );
            })}
          </span>
        ),
    },
  ];

  return (
    <Page
      title="Inspect a token"
      lede="Paste an access token to see what kind it is, whose it is, when it ends and what it can reach. The token is not saved anywhere and is cleared when you leave this screen."
    >
      <Card title="Token">
        <Form
          className="stack"
          aria-label="Token to inspect"
          onSubmit={(event) => {
            event.preventDefault();
            void inspect();
          }}
        >
          <SecretField
            label="Access token"
            description="It usually starts with “EAA”. Gatehouse asks Meta about it (debug_token) with your portfolio's app; nothing is changed."
            value={token}
            onChange={(value) => {
              setToken(value);
              if (error?.field === "token") setError(null);
            }}
            autoFocus
            isInvalid={error?.field === "token"}
            errorMessage={error?.field === "token" ? fieldMessage(error) : undefined}
          />
          {error?.field === "token" && error.code !== "invalid_input" && <FieldErrorDetails error={error} />}
          <div className="row">
            <Button type="submit" variant="primary" isDisabled={pending !== null}>
              {pending === "inspect" ? "Inspecting…" : "Inspect"}
            </Button>
            <Button
              variant="ghost"
              isDisabled={token === "" || pending !== null}
              onPress={() => {
                setToken("");
                setReport(null);
                setInspected(null);
                setError(null);
                setDone(null);
                setActionError(null);
              }}
            >
              Clear
            </Button>
            {report && !current && <span className="muted">You changed the token: inspect it again.</span>}
          </div>
        </Form>
      </Card>

      <div aria-live="polite" className="stack">
        {error && error.field !== "token" && <ErrorCallout error={error} title="The token could not be inspected" />}
        {done && <Callout tone="success" title={done} />}
        {actionError && <ErrorCallout error={actionError} title="The token was not refreshed" />}
      </div>

      {report && (
        <Card
          title="About this token"
          actions={
            current && report.valid ? (
              <div className="row">
                {canRefresh && (
                  <Button onPress={() => void refresh()} isDisabled={pending !== null}>
                    {pending === "refresh" ? "Refreshing…" : "Refresh for 60 days"}
                  </Button>
                )}
                <Button variant="danger" onPress={() => setConfirmRevoke(true)} isDisabled={pending !== null}>
                  Revoke…
                </Button>
              </div>
            ) : undefined
          }
        >
          <dl className="definition-list">
            <dt>Status</dt>
            <dd>
              {report.valid ? <Badge tone="success">Works</Badge> : <Badge tone="danger">Does not work</Badge>}{" "}
              <span className="muted">
                {report.valid
                  ? "Meta accepts this token."
                  : "Meta rejects it: it expired, was revoked, or its system user or app changed. Generate a new token."}
              </span>
            </dd>
            <dt>Type</dt>
            <dd>{report.kind_label}</dd>
            <dt>App</dt>
            <dd>
              {report.application ?? "Unknown"} {report.app_id && <span className="muted mono">{report.app_id}</span>}
            </dd>
            <dt>Owner</dt>
            <dd>
              <Owner id={report.user_id} people={people} />
            </dd>
            <dt>Issued</dt>
            <dd>{formatUnix(report.issued_at_unix)}</dd>
            <dt>Expires</dt>
            <dd>
              {report.expiry === "never" ? (
                <>
                  <Badge tone="accent">Never</Badge> <span className="muted">{report.expiry_note}</span>
                </>
              ) : report.expiry === "at" && report.expires_at_unix !== null ? (
                <>
                  {formatUnix(report.expires_at_unix)}
                  {" — "}
                  <strong>
                    <Countdown untilUnix={report.expires_at_unix} endedText="already expired" suffix=" left" everyMs={30_000} />
                  </strong>
                  <p className="muted small">{report.expiry_note}</p>
                </>
              ) : (
                <>
                  Unknown <span className="muted">{report.expiry_note}</span>
                </>
              )}
            </dd>
          </dl>
        </Card>
      )}

      {report && (
        <Card
          title="Permissions"
          description="What the token may do, and on which assets. When Meta lists no assets, the permission covers every asset the system user can reach."
        >
          <div className="card__table">
            <DataTable label="Permissions of the token" columns={columns} items={rows} empty="This token has no permissions." />
          </div>
        </Card>
      )}

      <ConfirmDialog
        title="Revoke this token?"
        isOpen={confirmRevoke}
        onCancel={() => {
          setConfirmRevoke(false);
          setRevokeError(null);
        }}
        onConfirm={() => void revoke()}
        confirmLabel="Revoke token"
        pendingLabel="Revoking…"
        pending={pending === "revoke"}
        error={revokeError}
        errorTitle="The token was not revoked"
      >
        <p>Every integration that uses this token stops working at once. This cannot be undone.</p>
        <p className="muted">The system user keeps its assets; you can generate a new token for it at any time.</p>
      </ConfirmDialog>

      {refreshed && (
        <CopyOnceDialog
          token={refreshed}
          onClosed={() => {
            setRefreshed(null);
            setDone("The new token lasts 60 days. The old one keeps working until it expires; paste the new one where the old one is used.");
          }}
        />
      )}
    </Page>
  );
}

function Owner({ id, people }: { id: string | null; people: SystemUserSummary[] | null }) {
  if (!id) return <>—</>;
  // The portfolio's system users are not known yet: nothing is said about whose it is.
  if (people === null) return <span className="mono">{id}</span>;
  const person = people.find((p) => p.id === id);
  if (!person) {
    return (
      <>
        <span className="mono">{id}</span> <span className="muted">(not a system user of the open portfolio)</span>
      </>
    );
  }
  return (
    <>
      <Link href={hrefFor({ name: "system-user", id })}>{person.name}</Link> <span className="muted mono">{id}</span>
    </>
  );
}
