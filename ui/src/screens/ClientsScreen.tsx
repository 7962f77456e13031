import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Form } from "react-aria-components";
import { useBackend } from "../backend/context";
import { commandError, unwrap } from "../backend/query";
import type { AssetKind, ClientAssignmentOutcome, ClientBusiness, ClientTokenIssued, CommandError } from "../bindings";
import { Button } from "../components/Button";
import { Callout, ErrorCallout, fieldMessage } from "../components/Callout";
import { Card } from "../components/Card";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { DataTable, type DataColumn } from "../components/DataTable";
import { Page } from "../components/Page";
import { Radio, RadioGroup } from "../components/Radio";
import { SecretField } from "../components/SecretField";
import { SegmentedControl } from "../components/SegmentedControl";
import { Select } from "../components/Select";
import { TextField } from "../components/TextField";
import { useAssetKinds, usePortfolioId, usePortfolioOverview, useScopeCatalog } from "../queries";
import { VirtualAssetList } from "./assign/VirtualAssetList";
import { CopyOnceDialog } from "./token/CopyOnceDialog";

/** The wizard's steps, in order. */
type Step = "client" | "link" | "token" | "assets" | "done";
const OTHER = "other";
/** The client asset kinds the wizard offers: every kind a system user is given with tasks. */
const KINDS: AssetKind[] = ["ad_account", "page", "catalog", "pixel", "instagram", "whatsapp_business_account"];
type Access = "full" | "read";

function label(c: ClientBusiness): string {
  return c.name ? `${c.name} (${c.id})` : `Business ${c.id}`;
}

/**
 * Business On Behalf Of: the clients this (agency) portfolio linked, and a wizard to link one,
 * get a system user and token inside it (copy-once), and give it the client's assets. The
 * client admin's token is pasted once and kept only in the engine's memory while the wizard is
 * open.
 */
export function ClientsScreen() {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const portfolioId = usePortfolioId();
  const links = useQuery({
    queryKey: ["portfolio", portfolioId, "clients"],
    queryFn: () => unwrap(backend.clientLinks()),
    enabled: portfolioId !== undefined,
  });
  const [wizard, setWizard] = useState<{ step: Step; client: string | null } | null>(null);
  const [removing, setRemoving] = useState<ClientBusiness | null>(null);
  const [removed, setRemoved] = useState<string | null>(null);
  const [removePending, setRemovePending] = useState(false);
  const [removeError, setRemoveError] = useState<CommandError | null>(null);
  const reload = () => void queryClient.invalidateQueries({ queryKey: ["portfolio", portfolioId, "clients"] });

  // Leaving the screen drops the client admin's token.
  useEffect(() => () => void backend.forgetClientAdminToken(), [backend]);

  const closeWizard = () => {
    void backend.forgetClientAdminToken();
    setWizard(null);
    reload();
  };

  const columns: DataColumn<ClientBusiness>[] = [
    { id: "name", name: "Client business", isRowHeader: true, render: (c) => c.name ?? "Not named here" },
    { id: "id", name: "Business ID", className: "mono muted", render: (c) => c.id },
    {
      id: "actions",
      name: "Actions",
      hideHeader: true,
      className: "table__cell--actions",
      render: (c) => (
        <div className="row">
          <Button variant="secondary" onPress={() => setWizard({ step: "link", client: c.id })} aria-label={`Work in ${label(c)}`}>
            Token and assets…
          </Button>
          <Button variant="ghost" onPress={() => setRemoving(c)} aria-label={`Remove the link with ${label(c)}`}>
            Remove link…
          </Button>
        </div>
      ),
    },
  ];

  return (
    <Page
      title="Clients"
      lede="Work inside your clients' business portfolios without their admins adding anyone (Meta's Business On Behalf Of): link a client, get a system user and token inside it, and give it the client's assets."
      actions={
        wizard === null && (
          <Button variant="primary" onPress={() => setWizard({ step: "client", client: null })}>
            Link a client
          </Button>
        )
      }
    >
      <div className="stack">
        <div aria-live="polite">{removed && <Callout tone="success" title={removed} />}</div>
        {wizard && links.data && <ClientWizard key={`${wizard.step}:${wizard.client ?? ""}`} start={wizard} links={links.data} onClose={closeWizard} />}
        {links.isError && <ErrorCallout error={commandError(links.error)} title="The clients could not be read" />}
        {links.data && (
          <DataTable
            label="Linked clients"
            columns={columns}
            items={links.data.linked}
            empty="No client linked through Gatehouse yet. Link one to work inside its business."
          />
        )}
      </div>
      <ConfirmDialog
        isOpen={removing !== null}
        title={`Remove the link with ${removing ? label(removing) : ""}?`}
        confirmLabel="Remove link"
        pendingLabel="Removing…"
        pending={removePending}
        error={removeError}
        errorTitle="The link was not removed"
        onCancel={() => {
          setRemoving(null);
          setRemoveError(null);
        }}
        onConfirm={() => {
          if (!removing) return;
          const client = removing;
          setRemovePending(true);
          void backend.unlinkClient(client.id).then((result) => {
            setRemovePending(false);
            if (result.status === "error") {
              setRemoveError(result.error);
              return;
            }
            setRemoved(`The link with ${label(client)} is removed, with its system user and tokens.`);
            setRemoving(null);
            reload();
          });
        }}
      >
        <p>
          The system user Gatehouse made in the client&apos;s business is removed, and every token it had stops working at once. The client&apos;s own
          people and assets are not touched. To work there again, link the client again.
        </p>
      </ConfirmDialog>
    </Page>
  );
}

interface WizardProps {
  start: { step: Step; client: string | null };
  links: { linked: ClientBusiness[]; suggestions: ClientBusiness[]; what_the_client_sees: string[]; how_to_get_the_token: string };
  onClose: () => void;
}

function ClientWizard({ start, links, onClose }: WizardProps) {
  const backend = useBackend();
  const catalog = useScopeCatalog().data;
  const kinds = useAssetKinds().data;
  const isDemo = usePortfolioOverview().data?.kind === "demo";
  const [step, setStep] = useState<Step>(start.step);
  const [choice, setChoice] = useState<string>(start.client ?? links.suggestions[0]?.id ?? OTHER);
  const [typedId, setTypedId] = useState("");
  const [adminToken, setAdminToken] = useState("");
  const [preset, setPreset] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [issued, setIssued] = useState<ClientTokenIssued | null>(null);
  const [showToken, setShowToken] = useState(false);
  const [kind, setKind] = useState<AssetKind>("ad_account");
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [search, setSearch] = useState("");
  const [access, setAccess] = useState<Access>("full");
  const [outcomes, setOutcomes] = useState<ClientAssignmentOutcome[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const client = (choice === OTHER ? typedId : choice).trim();
  const known = [...links.linked, ...links.suggestions].find((c) => c.id === client);
  const clientLabel = known ? label(known) : `business ${client}`;
  const presetScopes = catalog?.presets.find((p) => p.id === (preset ?? catalog.presets[0]?.id))?.scopes ?? [];

  const assets = useQuery({
    queryKey: ["client-assets", client, kind],
    queryFn: () => unwrap(backend.clientAssets(client, kind)),
    enabled: step === "assets",
  });
  const info = kinds?.find((k) => k.kind === kind);
  const words = search.trim().toLowerCase();
  const shown = useMemo(
    () => (assets.data ?? []).filter((a) => !words || a.name.toLowerCase().includes(words) || a.id.includes(words) || (a.detail ?? "").toLowerCase().includes(words)),
    [assets.data, words],
  );
  const readTasks = info?.tasks.filter((t) => !t.write).map((t) => t.name) ?? [];

  const run = async <T,>(call: () => Promise<{ status: "ok"; data: T } | { status: "error"; error: CommandError }>, next: (data: T) => void) => {
    setBusy(true);
    setError(null);
    const result = await call();
    setBusy(false);
    if (result.status === "error") setError(result.error);
    else next(result.data);
  };

  return (
    <Card title={`Link a client${step === "client" ? "" : `: ${clientLabel}`}`} description={`Step ${["client", "link", "token", "assets", "done"].indexOf(step) + 1} of 5`}>
      <div className="stack">
        {step === "client" && (
          <Form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              if (client) setStep("link");
            }}
          >
            <RadioGroup label="Client business" value={choice} onChange={setChoice}>
              {links.suggestions.map((c) => (
                <Radio key={c.id} value={c.id} description={`Business ID ${c.id}`}>
                  {c.name ?? `Business ${c.id}`}
                </Radio>
              ))}
              <Radio value={OTHER}>Another business (type its ID)</Radio>
            </RadioGroup>
            {choice === OTHER && (
              <TextField
                label="Client business ID"
                description="The client finds it in Business settings › Business info."
                value={typedId}
                onChange={setTypedId}
                inputMode="numeric"
              />
            )}
            <div className="row">
              <Button type="submit" variant="primary" isDisabled={!client}>
                Next
              </Button>
              <span className="spacer" />
              <Button variant="ghost" onPress={onClose}>
                Cancel
              </Button>
            </div>
          </Form>
        )}

        {step === "link" && (
          <Form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void run(
                () => backend.linkClient(client, adminToken),
                () => {
                  setAdminToken("");
                  setStep("token");
                },
              );
            }}
          >
            <Callout tone="info" title="What the client will see" role="none">
              <ul className="plain-list">
                {links.what_the_client_sees.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </Callout>
            <SecretField
              label="Client admin's token"
              description={links.how_to_get_the_token}
              value={adminToken}
              onChange={setAdminToken}
              isRequired
              isInvalid={error?.field === "client_admin_token"}
              errorMessage={error?.field === "client_admin_token" ? fieldMessage(error) : "Paste the client admin's token."}
            />
            <div aria-live="polite">{error && error.field !== "client_admin_token" && <ErrorCallout error={error} title="The client was not linked" />}</div>
            <div className="row">
              <Button type="submit" variant="primary" isDisabled={busy || adminToken.trim() === ""}>
                {busy ? "Linking…" : "Link client"}
              </Button>
              {isDemo && (
                <Button
                  variant="secondary"
                  isDisabled={busy}
                  onPress={() =>
                    void run(
                      () => backend.linkDemoClient(client),
                      () => setStep("token"),
                    )
                  }
                >
                  Link with the demo client&apos;s admin
                </Button>
              )}
              <span className="muted">The token is used for this client only and never saved.</span>
              <span className="spacer" />
              <Button variant="ghost" onPress={onClose}>
                Cancel
              </Button>
            </div>
          </Form>
        )}

        {step === "token" && catalog && (
          <Form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void run(
                () => backend.clientToken(client, presetScopes, name.trim() === "" ? null : name.trim()),
                (data) => {
                  setIssued(data);
                  setShowToken(true);
                },
              );
            }}
          >
            <Callout tone="success" title={`${clientLabel} is linked`} role="none" />
            <RadioGroup label="What the token is for" value={preset ?? catalog.presets[0]?.id ?? ""} onChange={setPreset}>
              {catalog.presets.map((p) => (
                <Radio key={p.id} value={p.id} description={`${p.description} (${p.scopes.join(", ")})`}>
                  {p.label}
                </Radio>
              ))}
            </RadioGroup>
            <TextField
              label="System user's name in the client's business (optional)"
              description="Leave empty for Meta's default, “<client> SYSTEM USER”."
              value={name}
              onChange={setName}
            />
            <div aria-live="polite">{error && <ErrorCallout error={error} title="No token was made" />}</div>
            <div className="row">
              <Button type="submit" variant="primary" isDisabled={busy || issued !== null}>
                {busy ? "Making the token…" : "Make the system user and its token"}
              </Button>
              {issued && (
                <Button variant="secondary" onPress={() => setStep("assets")}>
                  Next: give it assets
                </Button>
              )}
              <span className="spacer" />
              <Button variant="ghost" onPress={onClose}>
                Close
              </Button>
            </div>
            {issued && (
              <p className="muted">
                System user “{issued.name}” ({issued.system_user_id}) in {clientLabel}.
              </p>
            )}
          </Form>
        )}

        {step === "assets" && issued && (
          <div className="stack">
            <Select<AssetKind>
              label="Kind of asset"
              value={kind}
              options={KINDS.map((k) => ({ value: k, label: kinds?.find((i) => i.kind === k)?.label ?? k }))}
              onChange={(k) => {
                setKind(k);
                setPicked(new Set());
                setSearch("");
                setOutcomes(null);
                // A kind with no read-only task (catalogs) offers full control only.
                if (!kinds?.find((i) => i.kind === k)?.tasks.some((t) => !t.write)) setAccess("full");
              }}
            />
            {assets.isError && <ErrorCallout error={commandError(assets.error)} title="The client's assets could not be read" />}
            {assets.isPending && <Callout tone="info" title="Reading the client's assets…" role="none" />}
            {assets.data && (
              <div className="stack-sm">
                <div className="row">
                  <TextField label="Search the client's assets" value={search} onChange={setSearch} placeholder="Name or ID" />
                  <Button variant="secondary" isDisabled={shown.length === 0} onPress={() => setPicked(new Set([...picked, ...shown.map((a) => a.id)]))}>
                    {`Select the ${shown.length.toLocaleString()} shown`}
                  </Button>
                  <Button variant="ghost" isDisabled={picked.size === 0} onPress={() => setPicked(new Set())}>
                    Clear
                  </Button>
                </div>
                {assets.data.length === 0 ? (
                  <p className="muted">The client owns none.</p>
                ) : (
                  <VirtualAssetList
                    label={`The client's ${info?.plural ?? "assets"}`}
                    rows={shown}
                    selected={picked}
                    height={320}
                    onToggle={(row) => {
                      const next = new Set(picked);
                      if (next.has(row.id)) next.delete(row.id);
                      else next.add(row.id);
                      setPicked(next);
                    }}
                  />
                )}
                <p className="muted" aria-live="polite">{`${picked.size.toLocaleString()} of ${assets.data.length.toLocaleString()} chosen`}</p>
              </div>
            )}
            <SegmentedControl<Access>
              label="Access"
              value={access}
              options={[
                { value: "full", label: "Full control" },
                ...(readTasks.length > 0 ? [{ value: "read" as const, label: "View only" }] : []),
              ]}
              onChange={setAccess}
            />
            <div aria-live="polite" className="stack">
              {error && <ErrorCallout error={error} title="The assets were not given" />}
              {outcomes && (
                <Callout
                  tone={outcomes.some((o) => o.error) ? "warning" : "success"}
                  title={`${outcomes.filter((o) => !o.error).length} of ${outcomes.length} given to “${issued.name}”`}
                >
                  {outcomes
                    .filter((o) => o.error)
                    .map((o) => (
                      <span key={o.asset_id}>
                        {o.asset_name || o.asset_id}: {o.error?.message}
                      </span>
                    ))}
                </Callout>
              )}
            </div>
            <div className="row">
              <Button
                variant="primary"
                isDisabled={busy || picked.size === 0 || !info}
                onPress={() => {
                  const tasks = access === "full" ? (info?.full_control ?? []) : readTasks;
                  const chosen = (assets.data ?? []).filter((a) => picked.has(a.id));
                  void run(
                    () =>
                      backend.assignClientAssets(
                        client,
                        issued.system_user_id,
                        chosen.map((a) => ({ kind, asset_id: a.id, asset_name: a.name, tasks })),
                      ),
                    (data) => {
                      setOutcomes(data);
                      setPicked(new Set());
                    },
                  );
                }}
              >
                {busy ? "Giving…" : `Give ${picked.size} ${picked.size === 1 ? (info?.singular ?? "asset") : (info?.plural ?? "assets")}`}
              </Button>
              <Button variant="secondary" onPress={() => setStep("done")}>
                Finish
              </Button>
            </div>
          </div>
        )}

        {step === "done" && issued && (
          <div className="stack">
            <Callout tone="success" title={`Done: “${issued.name}” works in ${clientLabel}`}>
              <span>Its token was shown once; Gatehouse keeps only its last characters (Tokens). The client can remove the link at any time.</span>
            </Callout>
            <div className="row">
              <Button variant="primary" onPress={onClose}>
                Close
              </Button>
            </div>
          </div>
        )}
      </div>
      {showToken && issued && <CopyOnceDialog token={issued.token} systemUserName={issued.name} onClosed={() => setShowToken(false)} />}
    </Card>
  );
}
