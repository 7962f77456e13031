import { useState } from "react";
import { Cell, Column, Link, Row, Table, TableBody, TableHeader } from "react-aria-components";
import { useBackend } from "../backend/context";
import { commandError } from "../backend/query";
import type { AccessCount } from "../backend/types";
import type { AppClaim, CreatedSystemUser, SystemUserSummary } from "../bindings";
import { Button } from "../components/Button";
import { Callout, ErrorCallout } from "../components/Callout";
import { Page } from "../components/Page";
import { useAccessCounts, type OverviewQuery } from "../queries";
import { hrefFor, navigate } from "../router";
import { AddSystemUserDialog } from "./AddSystemUserDialog";
import { ClaimOutcome, NoAppCallout } from "./portfolio/ClaimApp";
import { RenameSystemUserDialog } from "./RenameSystemUserDialog";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function formatDate(iso: string | null): string {
  if (!iso) return "—";
  // Meta writes offsets as +0000; Date wants +00:00.
  const date = new Date(iso.replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** A count, or why it is not shown: still loading (`null`), or not known (the read failed). */
function countCell(counts: ReadonlyMap<string, AccessCount> | "failed" | null, id: string, key: "assets" | "apps") {
  const count = counts !== null && counts !== "failed" ? counts.get(id) : undefined;
  if (count) return count[key];
  return (
    <>
      <span aria-hidden="true">{counts === null ? "…" : "—"}</span>
      <span className="visually-hidden">{counts === null ? "Loading" : "Not known"}</span>
    </>
  );
}

export function SystemUsersScreen({ overview, onReload }: { overview: OverviewQuery; onReload: () => void }) {
  const backend = useBackend();
  // The assets and apps of each system user, read after the list (one call for all of them), and
  // again after the list is: they are counted for the list as it was read. Old numbers are never
  // shown while new ones are on their way.
  const listedAt = overview.isSuccess && !overview.isFetching ? overview.dataUpdatedAt : null;
  const countsQuery = useAccessCounts(listedAt);
  const counts =
    listedAt === null || countsQuery.isFetching ? null : countsQuery.isError ? "failed" : (countsQuery.data ?? null);
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<SystemUserSummary | null>(null);
  // The last change made here, confirmed above the list.
  const [done, setDone] = useState<string | null>(null);
  // An app added to the business here (a pending claim is not a success yet).
  const [claimed, setClaimed] = useState<AppClaim | null>(null);

  if (overview.isPending) {
    return (
      <Page title="System users">
        <Callout tone="info" title="Loading the portfolio's system users…" />
      </Page>
    );
  }
  if (overview.isError) {
    return (
      <Page title="System users">
        <ErrorCallout error={commandError(overview.error)} title="The system users could not be loaded" />
        <div>
          <Button onPress={onReload}>Try again</Button>
        </div>
      </Page>
    );
  }

  const data = overview.data;
  const quota = data.quota;
  // `apps` is null when the token may not list them: then nothing is claimed to be missing. A
  // business that owns no app can have no system users, so no quota is shown for it.
  const ownsNoApp = data.app_problem?.code === "business_owns_no_app";
  return (
    <Page
      title="System users"
      lede="Accounts for your integrations, not for people. Each one gets only the assets and permissions its job needs, and its own access token. Open one to see what it can reach and to change it."
      actions={
        <Button variant="primary" onPress={() => setAdding(true)} isDisabled={ownsNoApp}>
          Add system user
        </Button>
      }
    >
      {/* Always mounted, so screen readers announce each confirmation. */}
      <div aria-live="polite">
        {done && <Callout tone="success" title={done} />}
        {claimed && <ClaimOutcome outcome={claimed} />}
      </div>
      <AddSystemUserDialog
        isOpen={adding}
        roles={data.new_roles}
        onOpenChange={setAdding}
        onCreated={(created: CreatedSystemUser) => {
          setClaimed(null);
          setDone(created.message);
          onReload();
        }}
        onListMayHaveChanged={onReload}
      />
      <RenameSystemUserDialog
        user={renaming}
        onClose={() => setRenaming(null)}
        onRenamed={(user, newName) => {
          setClaimed(null);
          setDone(`“${user.name}” is now called “${newName}”.`);
          onReload();
        }}
      />

      {listedAt !== null && countsQuery.isError && (
        <ErrorCallout
          error={commandError(countsQuery.error)}
          tone="warning"
          title="How many assets and apps each system user has could not be loaded"
        />
      )}

      {data.app_problem && (
        <NoAppCallout
          key={data.business_id}
          problem={data.app_problem}
          appId={data.app_id}
          claim={(appId) => backend.claimApp(appId)}
          onClaimed={(outcome) => {
            setDone(null);
            setClaimed(outcome);
            if (outcome.status !== "pending") onReload();
          }}
        />
      )}

      {quota && !ownsNoApp && (
        <section className="card quota" aria-label="System-user quota">
          <p className="quota__used">{quota.summary}.</p>
          <p className="muted">{data.quota_note}</p>
        </section>
      )}
      {!quota && !ownsNoApp && (
        <section className="card quota" aria-label="System-user quota">
          <p className="quota__used">Meta has not said yet how many system users this portfolio may have.</p>
          <p className="muted">{data.quota_note}</p>
        </section>
      )}

      <section className="card card--flush">
        <Table
          aria-label={`System users of ${data.business_name}`}
          className="table"
          onRowAction={(key) => navigate({ name: "system-user", id: String(key) })}
        >
          <TableHeader className="table__header">
            <Column isRowHeader className="table__column">
              Name
            </Column>
            <Column className="table__column">Role</Column>
            <Column className="table__column">Created</Column>
            <Column className="table__column table__column--number">Assets</Column>
            <Column className="table__column table__column--number">Apps</Column>
            <Column className="table__column">ID</Column>
            <Column className="table__column">
              <span className="visually-hidden">Actions</span>
            </Column>
          </TableHeader>
          <TableBody
            className="table__body"
            items={data.system_users}
            dependencies={[counts]}
            renderEmptyState={() => (
              <p className="table__empty">This portfolio has no system users yet.</p>
            )}
          >
            {(user) => (
              <Row id={user.id} className="table__row">
                <Cell className="table__cell table__cell--strong">
                  <Link href={hrefFor({ name: "system-user", id: user.id })} className="table__link">
                    {user.name}
                  </Link>
                </Cell>
                <Cell className="table__cell">
                  <span className={user.role === "admin" ? "badge badge--accent" : "badge"}>{user.role_label}</span>
                </Cell>
                <Cell className="table__cell">{formatDate(user.created_time)}</Cell>
                <Cell className="table__cell table__cell--number">{countCell(counts, user.id, "assets")}</Cell>
                <Cell className="table__cell table__cell--number">{countCell(counts, user.id, "apps")}</Cell>
                <Cell className="table__cell mono muted">{user.id}</Cell>
                <Cell className="table__cell table__cell--actions">
                  <Button variant="ghost" aria-label={`Rename ${user.name}`} onPress={() => setRenaming(user)}>
                    Rename
                  </Button>
                </Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      </section>
    </Page>
  );
}
