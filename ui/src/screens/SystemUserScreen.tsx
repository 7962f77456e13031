import { useState } from "react";
import { Link } from "react-aria-components";
import { useBackend } from "../backend/context";
import { commandError } from "../backend/query";
import type { AccessLevel, AssetKindInfo, AssignedAsset } from "../backend/types";
import type { CommandError } from "../bindings";
import { Badge, type BadgeTone } from "../components/Badge";
import { Button } from "../components/Button";
import { Callout, ErrorCallout } from "../components/Callout";
import { Card } from "../components/Card";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { DataTable, type DataColumn } from "../components/DataTable";
import { Page } from "../components/Page";
import { useAssetKinds, useReloadSystemUserAccess, useSystemUserAccess } from "../queries";
import { hrefFor } from "../router";
import { formatDate } from "./SystemUsersScreen";
import { GenerateTokenDialog } from "./token/GenerateTokenDialog";

/** How each level looks; its words come from the engine (`access_label`). */
const accessTone: Record<AccessLevel, BadgeTone> = { full: "accent", write: "warning", read: "success" };



/** The tasks of an asset as plain labels ("Create and edit ads", "View performance"). */
export function taskLabels(info: AssetKindInfo | undefined, tasks: string[]): string[] {
  return tasks.map((name) => info?.tasks.find((t) => t.name === name)?.label ?? name);
}

/** One system user: what it can reach (grouped by kind, in plain words) and its apps. */
export function SystemUserScreen({ systemUserId }: { systemUserId: string }) {
  const backend = useBackend();
  const accessQuery = useSystemUserAccess(systemUserId);
  const kindsQuery = useAssetKinds();
  // Read again after a change here (the list on screen, and the focus in it, stay meanwhile).
  const reloadAccess = useReloadSystemUserAccess(systemUserId);
  const reload = () => void reloadAccess();
  const [removing, setRemoving] = useState<AssignedAsset | null>(null);
  const [removePending, setRemovePending] = useState(false);
  const [removeError, setRemoveError] = useState<CommandError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [generating, setGenerating] = useState(false);

  const back = (
    <Link href={hrefFor({ name: "system-users" })} className="back-link">
      ← All system users
    </Link>
  );

  if (accessQuery.isError || kindsQuery.isError) {
    return (
      <Page title="System user" back={back}>
        <ErrorCallout error={commandError(accessQuery.error ?? kindsQuery.error)} title="This system user could not be loaded" />
        <div>
          <Button
            onPress={() => {
              if (accessQuery.isError) void accessQuery.refetch();
              if (kindsQuery.isError) void kindsQuery.refetch();
            }}
          >
            Try again
          </Button>
        </div>
      </Page>
    );
  }
  if (!accessQuery.isSuccess || !kindsQuery.isSuccess) {
    return (
      <Page title="System user" back={back}>
        <Callout tone="info" title="Loading what this system user can reach…" />
      </Page>
    );
  }

  const access = accessQuery.data;
  const kinds = kindsQuery.data;
  const user = access.system_user;

  const remove = async (asset: AssignedAsset) => {
    if (removePending) return;
    setRemovePending(true);
    setRemoveError(null);
    const job = await backend.createJob(user.id, user.name, [
      { kind: asset.kind, asset_id: asset.id, asset_name: asset.name, action: "unassign", tasks: [] },
    ]);
    if (job.status === "error") {
      setRemovePending(false);
      setRemoveError(job.error);
      return;
    }
    const report = await backend.runJob(job.data.id, () => undefined);
    setRemovePending(false);
    if (report.status === "error") {
      setRemoveError(report.error);
      reload();
      return;
    }
    const failed = report.data.items.find((i) => i.status === "failed");
    if (failed?.error) {
      setRemoveError({ ...failed.error, field: null });
      return;
    }
    setRemoving(null);
    setDone(`“${user.name}” no longer has access to “${asset.name}”.`);
    reload();
  };

  const groups = kinds
    .map((info) => ({ info, assets: access.assets.filter((a) => a.kind === info.kind) }))
    .filter((g) => g.assets.length > 0);
  const unknownKinds = access.assets.filter((a) => !kinds.some((k) => k.kind === a.kind));

  return (
    <Page
      title={user.name}
      lede={`${user.role_label} system user${user.created_time ? `, created ${formatDate(user.created_time)}` : ""}. ${user.role_description}`}
      back={back}
      actions={
        <div className="row">
          <Link href={hrefFor({ name: "assign", id: user.id })} className="button">
            Assign assets
          </Link>
          <Button variant="primary" onPress={() => setGenerating(true)}>
            Generate token
          </Button>
        </div>
      }
    >
      <GenerateTokenDialog
        systemUser={{ id: user.id, name: user.name }}
        isOpen={generating}
        onClose={() => {
          setGenerating(false);
          // Generating may have installed an app.
          reload();
        }}
      />
      <div aria-live="polite">{done && <Callout tone="success" title={done} />}</div>

      <ConfirmDialog
        title={removing ? `Remove access to “${removing.name}”?` : "Remove access"}
        isOpen={removing !== null}
        onCancel={() => {
          setRemoving(null);
          setRemoveError(null);
        }}
        onConfirm={() => removing && void remove(removing)}
        confirmLabel="Remove access"
        pendingLabel="Removing…"
        pending={removePending}
        error={removeError}
        errorTitle="Access was not removed"
      >
        <p>
          “{user.name}” will no longer reach this {removing ? (kinds.find((k) => k.kind === removing.kind)?.singular ?? "asset") : "asset"}.
          Integrations that use its tokens lose access to it straight away.
        </p>
        <p className="muted">You can assign it again at any time. Nothing else changes.</p>
      </ConfirmDialog>

      <section className="card summary-strip" aria-label="Summary">
        <dl className="definition-list definition-list--inline">
          <dt>Role</dt>
          <dd>
            <Badge tone={user.role === "admin" ? "accent" : "neutral"}>{user.role_label}</Badge>
          </dd>
          <dt>Assets</dt>
          <dd>{access.assets.length}</dd>
          <dt>Apps</dt>
          <dd>{access.apps.length}</dd>
          <dt>ID</dt>
          <dd className="mono">{user.id}</dd>
        </dl>
      </section>

      {access.no_assets_note && (
        <Callout tone="info" title="No assets are assigned to this system user yet">
          <span>{access.no_assets_note}</span>
        </Callout>
      )}

      {groups.map(({ info, assets }) => (
        <AssetGroup
          key={info.kind}
          info={info}
          assets={assets}
          summary={access.kind_summaries.find((k) => k.kind === info.kind)?.summary ?? ""}
          onRemove={(a) => setRemoving(a)}
        />
      ))}
      {unknownKinds.length > 0 && (
        <Callout tone="warning" title={`${unknownKinds.length} more assets of a kind Gatehouse does not know`} />
      )}

      <Card
        title="Apps"
        description="A token is always issued through an app installed for the system user. Gatehouse installs the app you pick when it generates a token."
      >
        {access.apps.length === 0 ? (
          <p className="muted">No app is installed for this system user yet.</p>
        ) : (
          <ul className="plain-list">
            {access.apps.map((app) => (
              <li key={app.id}>
                <strong>{app.name}</strong> <span className="muted mono">App ID {app.id}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </Page>
  );
}

function AssetGroup({
  info,
  assets,
  summary,
  onRemove,
}: {
  info: AssetKindInfo;
  assets: AssignedAsset[];
  /** The engine's "12 ad accounts: 3 can change, 9 read only". */
  summary: string;
  onRemove: (a: AssignedAsset) => void;
}) {
  const columns: DataColumn<AssignedAsset>[] = [
    {
      id: "name",
      name: "Name",
      isRowHeader: true,
      className: "table__cell--strong",
      render: (a) => (
        <span className="stack-xs">
          <span>{a.name}</span>
          <span className="muted mono small">{a.id}</span>
        </span>
      ),
    },
    { id: "access", name: "Access", render: (a) => <Badge tone={accessTone[a.access]}>{a.access_label}</Badge> },
    {
      id: "tasks",
      name: "What it can do",
      render: (a) => (
        <span className="task-list">
          {taskLabels(info, a.tasks).map((label) => (
            <span key={label} className="task-chip">
              {label}
            </span>
          ))}
        </span>
      ),
    },
    {
      id: "actions",
      name: "Actions",
      hideHeader: true,
      className: "table__cell--actions",
      render: (a) =>
        info.removal_elsewhere ? null : (
          <Button variant="ghost" aria-label={`Remove access to ${a.name}`} onPress={() => onRemove(a)}>
            Remove
          </Button>
        ),
    },
  ];
  return (
    <Card title={info.label} description={summary}>
      {/* The engine says when Meta's API cannot remove this kind's access, and where it is done. */}
      {info.removal_elsewhere && assets.length > 0 && <p className="muted small">{info.removal_elsewhere}</p>}
      <div className="card__table">
        <DataTable label={`${info.label} assigned`} columns={columns} items={assets} empty="None" />
      </div>
    </Card>
  );
}
