import { Link } from "react-aria-components";
import logoUrl from "../../icons/source/gatehouse.svg?url";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useBackend } from "./backend/context";
import { commandError, unwrap } from "./backend/query";
import type { PortfolioEntry, PortfolioList } from "./backend/types";
import type { CommandError } from "./bindings";
import { Callout, ErrorCallout } from "./components/Callout";
import {
  forgetOtherPortfolios,
  queryKeys,
  useAppInfo,
  usePortfolioList,
  usePortfolioOverview,
  useReloadOverview,
} from "./queries";
import { hrefFor, navigate, navRouteOf, useRoute, type NavRoute, type Route } from "./router";
import { AssignAssetsScreen } from "./screens/assign/AssignAssetsScreen";
import { HomeScreen } from "./screens/HomeScreen";
import { InspectTokenScreen } from "./screens/InspectTokenScreen";
import {
  ConfirmGraphUrlDialog,
  GRAPH_URL_UNCONFIRMED,
  type GraphUrlRefusal,
} from "./screens/portfolio/ConfirmGraphUrlDialog";
import { AuditLogScreen } from "./screens/audit/AuditLogScreen";
import { ClientsScreen } from "./screens/ClientsScreen";
import { ConsoleScreen } from "./screens/ConsoleScreen";
import { AccessMatrixScreen } from "./screens/matrix/AccessMatrixScreen";
import { ConnectPortfolioScreen } from "./screens/portfolio/ConnectPortfolioScreen";
import { PortfolioSwitcher } from "./screens/portfolio/PortfolioSwitcher";
import { RemovePortfolioDialog } from "./screens/portfolio/RemovePortfolioDialog";
import { SettingsScreen } from "./screens/SettingsScreen";
import { SystemUserScreen } from "./screens/SystemUserScreen";
import { SystemUsersScreen } from "./screens/SystemUsersScreen";
import { TokensScreen } from "./screens/TokensScreen";
import { useExpiryReminderNotice } from "./expiryReminder";
import { useFirstInteractiveMark } from "./firstInteractive";
import { useTheme } from "./theme";

const navIcons: Record<NavRoute, string> = {
  home: "M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z",
  "system-users":
    "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm0 2c-4 0-7 2-7 4.5V20h14v-2.5C16 15 13 13 9 13Zm8.5-2.2a3.3 3.3 0 1 0 0-6.6 3.3 3.3 0 0 0 0 6.6ZM18 13c-.6 0-1.1 0-1.6.2 1.4 1.1 2.1 2.6 2.1 4.3V20H22v-2.7c0-2.3-1.8-4.3-4-4.3Z",
  console: "M3 4h18v12H3zm2 2v8h14V6zM8 18h8v2H8z",
  access: "M3 3h8v8H3zm10 0h8v8h-8zM3 13h8v8H3zm10 0h8v8h-8zM5 5v4h4V5zm10 0v4h4V5zM5 15v4h4v-4zm10 0v4h4v-4z",
  clients: "M3 20v-9l6-4 6 4v9h-4v-5H7v5zm14 0v-8.2l-4.4-3 3.4-2.3 6 4V20z",
  "inspect-token":
    "M10.5 3a7.5 7.5 0 0 1 6 12l4.8 4.8-1.5 1.5-4.8-4.8A7.5 7.5 0 1 1 10.5 3Zm0 2a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11Zm-1 2.5h2V10h2.5v2h-2.5v2.5h-2V12H7v-2h2.5z",
  tokens: "M7.5 9a5.5 5.5 0 1 1 4.9 5.47L10 17H8v2H6v2H2v-3.6l5.6-5.6A5.5 5.5 0 0 1 7.5 9Zm6-2a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Z",
  "audit-log": "M6 2h9l5 5v15H6zm8 1.5V8h4.5M8.5 11h9v1.6h-9zm0 3.5h9v1.6h-9zm0 3.5h6v1.6h-6z",
  settings:
    "M19.4 13a7.7 7.7 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.7 7.7 0 0 0 0 2l-2.2 1.6 2 3.5 2.5-1a7.3 7.3 0 0 0 1.7 1L11 21h4l.4-2.9a7.3 7.3 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z",
};

function NavItem({ route, current, children }: { route: NavRoute; current: NavRoute | null; children: ReactNode }) {
  const selected = route === current;
  return (
    <Link
      href={hrefFor({ name: route })}
      className="nav__item"
      aria-current={selected ? "page" : undefined}
      data-selected={selected || undefined}
    >
      <svg className="nav__icon" viewBox="0 0 24 24" aria-hidden="true">
        <path fill="currentColor" d={navIcons[route]} />
      </svg>
      {children}
    </Link>
  );
}

/**
 * `failure` is the engine refusing `entry` until the person confirms its Graph API URL (not
 * Meta's); the entry as listed now, with that URL.
 */
function graphUrlRefusal(failure: unknown, entry: PortfolioEntry | undefined): GraphUrlRefusal | null {
  const error: CommandError = commandError(failure);
  if (error.code !== GRAPH_URL_UNCONFIRMED || !entry?.graph_url) return null;
  return { entry: { ...entry, graph_url: entry.graph_url }, error };
}

/** Screens that belong to one system user of the portfolio that was open. */
function belongsToPortfolio(route: Route): boolean {
  return route.name === "system-user" || route.name === "assign";
}

export function App() {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const route = useRoute();
  const [theme, setTheme] = useTheme();
  const appInfo = useAppInfo().data;
  const version = appInfo?.version ?? "";
  const expiryNotice = useExpiryReminderNotice(appInfo?.expiry_reminder.default);
  const list = usePortfolioList();
  const overview = usePortfolioOverview();
  const reloadOverview = useReloadOverview();
  useFirstInteractiveMark(overview.isSuccess);
  // Bumped when another portfolio is opened: every screen below remounts, so nothing typed or
  // shown for the previous one stays (their reads are keyed by the portfolio, so they load afresh).
  const [screensKey, setScreensKey] = useState(0);
  const [switched, setSwitched] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  // What the engine did to set Gatehouse up in a portfolio (its words), shown over that portfolio's
  // system users until another portfolio opens.
  const [setUpNote, setSetUpNote] = useState<{ id: string; message: string } | null>(null);
  // When the open portfolio's refusal to be read (at start) was answered: a later refusal (after
  // "Try again") asks again.
  const [answeredAt, setAnsweredAt] = useState(0);

  const listData = list.data ?? null;
  const saved = listData?.portfolios.filter((p) => p.kind !== "demo") ?? [];
  const listed = (id: string | undefined) => listData?.portfolios.find((p) => p.id === id);

  /** The engine has another portfolio open now: show it, and only it. */
  const portfolioChanged = (activeId: string | null) => {
    forgetOtherPortfolios(queryClient, activeId);
    setScreensKey((k) => k + 1);
  };

  const switchPortfolio = useMutation({
    mutationFn: async (entry: PortfolioEntry) => {
      // Reads of the portfolio being left that are still on their way are dropped.
      await queryClient.cancelQueries({ queryKey: ["portfolio"] });
      return unwrap(backend.switchPortfolio(entry.id));
    },
    onSuccess: (_, entry) => {
      const reopened = entry.id === queryClient.getQueryData<PortfolioList>(queryKeys.portfolios)?.active_id;
      queryClient.setQueryData<PortfolioList>(queryKeys.portfolios, (l) => l && { ...l, active_id: entry.id });
      setSwitched(`Opened ${entry.label}.`);
      if (reopened) {
        // The open one again, which could not be read (its URL was not confirmed, say): read it
        // afresh, and stay where the person is.
        void queryClient.resetQueries({ queryKey: queryKeys.portfolio(entry.id) });
        return;
      }
      portfolioChanged(entry.id);
      if (belongsToPortfolio(route) || route.name === "connect") navigate({ name: "system-users" });
    },
    // Not opened: the portfolio that stays open reads again what the switch cancelled.
    onError: () => void queryClient.invalidateQueries({ queryKey: ["portfolio"] }),
    // Opened or not, the list is read again (the switch is over without waiting for it).
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.portfolios }),
  });
  const switching = switchPortfolio.isPending;

  const openPortfolio = (entry: PortfolioEntry, message?: string) => {
    if (switching) return;
    setSetUpNote(message ? { id: entry.id, message } : null);
    switchPortfolio.mutate(entry);
  };

  // A saved portfolio whose Graph API URL is not Meta's opens only once the person confirms it:
  // asked when a switch to it is refused, and when it is the one open at start (the last one
  // opened) and cannot be read.
  const refusedSwitch = switchPortfolio.isError
    ? graphUrlRefusal(switchPortfolio.error, listed(switchPortfolio.variables.id) ?? switchPortfolio.variables)
    : null;
  const refusedAtStart =
    overview.isError && !switching && overview.errorUpdatedAt !== answeredAt
      ? graphUrlRefusal(overview.error, listed(listData?.active_id))
      : null;
  const refusal = refusedSwitch ?? refusedAtStart;

  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <img className="brand__logo" src={logoUrl} alt="" />
          <div>
            <div className="brand__name">Gatehouse</div>
            {version && <div className="brand__version">Version {version}</div>}
          </div>
        </div>
        <div className="stack-sm">
          <PortfolioSwitcher
            list={list}
            overview={overview}
            switching={switching}
            onOpen={openPortfolio}
            onConnect={() => navigate({ name: "connect" })}
            onRemove={() => setRemoving(true)}
          />
          <div aria-live="polite" className="visually-hidden">
            {switched}
          </div>
          {switchPortfolio.isError && !refusedSwitch && (
            <ErrorCallout error={commandError(switchPortfolio.error)} title="That portfolio could not be opened" />
          )}
        </div>
        <nav className="nav" aria-label="Main">
          <NavItem route="home" current={navRouteOf(route)}>
            Start
          </NavItem>
          <NavItem route="console" current={navRouteOf(route)}>
            All portfolios
          </NavItem>
          <NavItem route="system-users" current={navRouteOf(route)}>
            System users
          </NavItem>
          <NavItem route="access" current={navRouteOf(route)}>
            Access matrix
          </NavItem>
          <NavItem route="clients" current={navRouteOf(route)}>
            Clients
          </NavItem>
          <NavItem route="inspect-token" current={navRouteOf(route)}>
            Inspect token
          </NavItem>
          <NavItem route="tokens" current={navRouteOf(route)}>
            Tokens
          </NavItem>
          <NavItem route="audit-log" current={navRouteOf(route)}>
            Audit log
          </NavItem>
          <NavItem route="settings" current={navRouteOf(route)}>
            Settings
          </NavItem>
        </nav>
      </aside>
      <ConfirmGraphUrlDialog
        refusal={refusal}
        onCancel={() => {
          // Nothing opened: the portfolio that was open stays (at start, the menu offers the others).
          if (refusedSwitch) switchPortfolio.reset();
          else setAnsweredAt(overview.errorUpdatedAt);
        }}
        onConfirmed={(entry) => {
          if (!refusedSwitch) setAnsweredAt(overview.errorUpdatedAt);
          switchPortfolio.mutate(entry);
        }}
      />
      <RemovePortfolioDialog
        isOpen={removing}
        saved={saved}
        initialId={saved.some((p) => p.id === listData?.active_id) ? (listData?.active_id ?? null) : null}
        onClose={() => setRemoving(false)}
        onRemoved={(entry) => {
          setRemoving(false);
          setSwitched(`Removed ${entry.label}.`);
          const wasOpen = entry.id === listData?.active_id;
          void queryClient.invalidateQueries({ queryKey: queryKeys.portfolios }).then(() => {
            // The engine falls back to the demo portfolio.
            if (!wasOpen) return;
            portfolioChanged(queryClient.getQueryData<PortfolioList>(queryKeys.portfolios)?.active_id ?? null);
            if (belongsToPortfolio(route)) navigate({ name: "system-users" });
          });
        }}
      />
      <main className="main" id="main" key={screensKey}>
        {setUpNote && setUpNote.id === listData?.active_id && route.name === "system-users" && (
          <div className="main__notice">
            <Callout tone="success" title={setUpNote.message} />
          </div>
        )}
        {expiryNotice && route.name !== "tokens" && (
          <div className="main__notice">
            <Callout tone="warning" title={expiryNotice.title}>
              <span>
                <Link href={hrefFor({ name: "tokens" })}>See them in Tokens</Link> and refresh them before they end.
              </span>
            </Callout>
          </div>
        )}
        {route.name === "home" && <HomeScreen />}
        {route.name === "system-users" && <SystemUsersScreen overview={overview} onReload={reloadOverview} />}
        {route.name === "system-user" && <SystemUserScreen key={route.id} systemUserId={route.id} />}
        {route.name === "assign" && <AssignAssetsScreen key={route.id} systemUserId={route.id} />}
        {route.name === "console" && <ConsoleScreen />}
        {route.name === "access" && <AccessMatrixScreen />}
        {route.name === "clients" && <ClientsScreen />}
        {route.name === "inspect-token" && <InspectTokenScreen />}
        {route.name === "tokens" && <TokensScreen />}
        {route.name === "audit-log" && <AuditLogScreen />}
        {route.name === "connect" && (
          <ConnectPortfolioScreen
            onSaved={openPortfolio}
            onCancel={() => navigate({ name: "system-users" })}
          />
        )}
        {route.name === "settings" && <SettingsScreen theme={theme} onThemeChange={setTheme} />}
      </main>
    </div>
  );
}
