import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-aria-components";
import { useBackend } from "../backend/context";
import { commandError, unwrap } from "../backend/query";
import type { CommandError, InventoryToken, IssuedToken, TokenState } from "../bindings";
import { Badge, type BadgeTone } from "../components/Badge";
import { Button } from "../components/Button";
import { Callout, ErrorCallout } from "../components/Callout";
import { DataTable, type DataColumn } from "../components/DataTable";
import { ExportOutcome, useExport } from "../components/ExportOutcome";
import { Page } from "../components/Page";
import { SegmentedControl } from "../components/SegmentedControl";
import { usePortfolioId, usePortfolioOverview } from "../queries";
import { hrefFor } from "../router";
import { CopyOnceDialog } from "./token/CopyOnceDialog";
import { TokenRescueDialog, type TokenRescue } from "./token/TokenRescueDialog";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

const stateTone: Record<TokenState, BadgeTone> = {
  active: "success",
  expires_soon: "warning",
  expired: "danger",
  revoked: "neutral",
  invalidated: "neutral",
  invalid: "danger",
};

type Scope = "this" | "all";

/**
 * Every token Gatehouse generated, refreshed or inspected, the soonest expiry first: whose it
 * is, for which app, with which permissions, and how long it has. Metadata only: Gatehouse keeps
 * no token, so refreshing or revoking one starts from the token itself (Inspect token).
 */
export function TokensScreen() {
  const backend = useBackend();
  const portfolioId = usePortfolioId();
  const [scope, setScope] = useState<Scope>("this");
  const exporting = useExport();
  const [rescuing, setRescuing] = useState<TokenRescue | null>(null);
  const [refreshed, setRefreshed] = useState<IssuedToken | null>(null);
  const [actionError, setActionError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const reload = () => void inventory.refetch();
  const refresh = async (t: InventoryToken) => {
    setBusy(t.fingerprint.hash);
    setActionError(null);
    const result = await backend.refreshKeptToken(t.fingerprint.hash);
    setBusy(null);
    if (result.status === "error") setActionError(result.error);
    else setRefreshed(result.data);
    reload();
  };
  const all = scope === "all";
  const inventory = useQuery({
    queryKey: ["tokens", all ? "all" : portfolioId],
    queryFn: () => unwrap(backend.tokenInventory(all)),
    enabled: all || portfolioId !== undefined,
    placeholderData: keepPreviousData,
  });
  // Names of the open portfolio's system users, for the tokens that belong to them.
  const overview = usePortfolioOverview();
  const names = new Map((overview.data?.system_users ?? []).map((u) => [u.id, u.name]));

  const exportCalendar = () => exporting.run("ics", () => backend.exportTokenCalendar(all));

  const columns: DataColumn<InventoryToken & { id: string }>[] = [
    {
      id: "token",
      name: "Token",
      isRowHeader: true,
      render: (t) => (
        <div className="stack-xs">
          <span className="mono table__cell--strong">…{t.fingerprint.last}</span>
          <span className="mono muted tokens__hash" title="The first 16 hex digits of the token's SHA-256">
            {t.fingerprint.hash}
          </span>
        </div>
      ),
    },
    {
      id: "owner",
      name: "Belongs to",
      render: (t) => (
        <div className="stack-xs">
          <span>{(t.user_id && names.get(t.user_id)) ?? t.user_id ?? "Not known"}</span>
          <span className="muted">{t.kind_label}</span>
        </div>
      ),
    },
    {
      id: "access",
      name: "App and permissions",
      render: (t) => (
        <div className="stack-xs tokens__access">
          <span className="mono">{t.app_id ?? "—"}</span>
          <span className="muted">{t.scopes.join(", ")}</span>
        </div>
      ),
    },
    {
      id: "expiry",
      name: "Expiry",
      render: (t) => (
        <div className="stack-xs">
          <span>
            <Badge tone={stateTone[t.state]}>{t.state_label}</Badge>
          </span>
          {t.expires_at_unix !== null && !t.never_expires && (
            <span className="muted">{dateFormat.format(new Date(t.expires_at_unix * 1000))}</span>
          )}
        </div>
      ),
    },
    ...(all ? [{ id: "portfolio", name: "Portfolio", className: "mono muted", render: (t: InventoryToken) => t.portfolio_id }] : []),
    {
      id: "actions",
      name: "Actions",
      hideHeader: true,
      className: "table__cell--actions",
      render: (t) => {
        const kept = inventory.data?.kept.includes(t.fingerprint.hash) ?? false;
        return (
          <div className="stack-xs tokens__actions">
            {kept && t.refreshable && (
              <Button variant="secondary" isDisabled={busy !== null} onPress={() => void refresh(t)} aria-label={`Refresh token …${t.fingerprint.last}`}>
                {busy === t.fingerprint.hash ? "Refreshing…" : "Refresh"}
              </Button>
            )}
            <Button variant="ghost" onPress={() => setRescuing({ token: t, rescueCase: "lost" })} aria-label={`I lost it… token …${t.fingerprint.last}`}>
              I lost it…
            </Button>
            <Button variant="ghost" onPress={() => setRescuing({ token: t, rescueCase: "leaked" })} aria-label={`I leaked it… token …${t.fingerprint.last}`}>
              I leaked it…
            </Button>
          </div>
        );
      },
    },
    {
      id: "seen",
      name: "Last known",
      render: (t) => (
        <div className="stack-xs">
          <span>{t.last_check}</span>
          <span className="muted">{t.source_label}</span>
        </div>
      ),
    },
  ];

  const data = inventory.data;
  return (
    <Page
      title="Tokens"
      lede="Every token Gatehouse generated, refreshed or inspected, the soonest expiry first. Gatehouse keeps no token here: only its last characters and a hash."
      actions={
        <Button onPress={() => void exportCalendar()} isDisabled={exporting.running !== null}>
          {exporting.running ? "Exporting…" : "Export expiry dates (.ics)"}
        </Button>
      }
    >
      <div className="stack">
        <div aria-live="polite" className="stack">
          <ExportOutcome
            exported={exporting.exported}
            error={exporting.error}
            title={(n) => `Saved ${n.toLocaleString()} expiry ${n === 1 ? "date" : "dates"} for your calendar, each with a reminder a week before`}
            errorTitle="The calendar was not saved"
          />
          {data && data.expiring_soon > 0 && (
            <Callout
              tone="warning"
              title={`${data.expiring_soon.toLocaleString()} ${data.expiring_soon === 1 ? "token expires" : "tokens expire"} within ${data.warn_days} days`}
              role="none"
            >
              <span>
                Refresh a 60-day token before it ends: paste it in <Link href={hrefFor({ name: "inspect-token" })}>Inspect token</Link>, then Refresh. The
                new token goes through the copy-once dialog; update it where it is used.
              </span>
            </Callout>
          )}
        </div>
        <SegmentedControl<Scope>
          label="Portfolios"
          value={scope}
          options={[
            { value: "this", label: "This portfolio" },
            { value: "all", label: "All" },
          ]}
          onChange={setScope}
        />
        <div aria-live="polite">{actionError && <ErrorCallout error={actionError} title="The token was not refreshed" />}</div>
        {inventory.isError && <ErrorCallout error={commandError(inventory.error)} title="The tokens could not be read" />}
        {inventory.isPending && <Callout tone="info" title="Reading the tokens…" role="none" />}
        {data && (
          <DataTable
            label="Tokens"
            columns={columns}
            items={data.tokens.map((t) => ({ ...t, id: t.fingerprint.hash }))}
            empty="No token yet. Tokens generated, refreshed or inspected in Gatehouse are listed here, by their last characters."
          />
        )}
      </div>
      <TokenRescueDialog
        key={rescuing ? `${rescuing.token.fingerprint.hash}-${rescuing.rescueCase}` : "none"}
        rescue={rescuing}
        inOpenPortfolio={rescuing !== null && rescuing.token.portfolio_id === portfolioId}
        ownerName={rescuing?.token.user_id ? (names.get(rescuing.token.user_id) ?? null) : null}
        onClose={() => setRescuing(null)}
        onChanged={reload}
      />
      {refreshed && <CopyOnceDialog token={refreshed} onClosed={() => setRefreshed(null)} />}
    </Page>
  );
}
