import { Link } from "react-aria-components";
import logoUrl from "../../icons/source/gatehouse.svg?url";
import { useEffect, useState, type ReactNode } from "react";
import { useBackend } from "./backend/context";
import type { PortfolioEntry } from "./backend/types";
import type { CommandError } from "./bindings";
import { ErrorCallout } from "./components/Callout";
import { hrefFor, navigate, navRouteOf, useRoute, type NavRoute, type Route } from "./router";
import { usePortfolioList, usePortfolioOverview } from "./portfolio";
import { AssignAssetsScreen } from "./screens/assign/AssignAssetsScreen";
import { HomeScreen } from "./screens/HomeScreen";
import { InspectTokenScreen } from "./screens/InspectTokenScreen";
import { ConnectPortfolioScreen } from "./screens/portfolio/ConnectPortfolioScreen";
import { PortfolioSwitcher } from "./screens/portfolio/PortfolioSwitcher";
import { RemovePortfolioDialog } from "./screens/portfolio/RemovePortfolioDialog";
import { SettingsScreen } from "./screens/SettingsScreen";
import { SystemUserScreen } from "./screens/SystemUserScreen";
import { SystemUsersScreen } from "./screens/SystemUsersScreen";
import { useTheme } from "./theme";

const navIcons: Record<NavRoute, string> = {
  home: "M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z",
  "system-users":
    "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm0 2c-4 0-7 2-7 4.5V20h14v-2.5C16 15 13 13 9 13Zm8.5-2.2a3.3 3.3 0 1 0 0-6.6 3.3 3.3 0 0 0 0 6.6ZM18 13c-.6 0-1.1 0-1.6.2 1.4 1.1 2.1 2.6 2.1 4.3V20H22v-2.7c0-2.3-1.8-4.3-4-4.3Z",
  "inspect-token":
    "M10.5 3a7.5 7.5 0 0 1 6 12l4.8 4.8-1.5 1.5-4.8-4.8A7.5 7.5 0 1 1 10.5 3Zm0 2a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11Zm-1 2.5h2V10h2.5v2h-2.5v2.5h-2V12H7v-2h2.5z",
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

/** Screens that belong to one system user of the portfolio that was open. */
function belongsToPortfolio(route: Route): boolean {
  return route.name === "system-user" || route.name === "assign";
}

export function App() {
  const backend = useBackend();
  const route = useRoute();
  const [theme, setTheme] = useTheme();
  const [version, setVersion] = useState<string>("");
  // Bumped when another portfolio is opened: every screen below remounts and loads afresh.
  const [portfolioRound, setPortfolioRound] = useState(0);
  const [listRound, setListRound] = useState(0);
  const list = usePortfolioList(backend, listRound);
  const [overview, reloadOverview] = usePortfolioOverview(backend, portfolioRound);
  const [switching, setSwitching] = useState(false);
  const [switchError, setSwitchError] = useState<CommandError | null>(null);
  const [switched, setSwitched] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);

  useEffect(() => {
    void backend.appInfo().then((info) => {
      if (info.status === "ok") setVersion(info.data.version);
    });
  }, [backend]);

  const listData = list.phase === "done" && list.result.status === "ok" ? list.result.data : null;
  const saved = listData?.portfolios.filter((p) => p.kind !== "demo") ?? [];

  const openPortfolio = async (entry: PortfolioEntry) => {
    if (switching) return;
    setSwitching(true);
    setSwitchError(null);
    const result = await backend.switchPortfolio(entry.id);
    setSwitching(false);
    setListRound((r) => r + 1);
    if (result.status === "error") {
      setSwitchError(result.error);
      return;
    }
    setSwitched(`Opened ${entry.label}.`);
    setPortfolioRound((r) => r + 1);
    if (belongsToPortfolio(route) || route.name === "connect") navigate({ name: "system-users" });
  };

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
            onOpen={(entry) => void openPortfolio(entry)}
            onConnect={() => navigate({ name: "connect" })}
            onRemove={() => setRemoving(true)}
          />
          <div aria-live="polite" className="visually-hidden">
            {switched}
          </div>
          {switchError && <ErrorCallout error={switchError} title="That portfolio could not be opened" />}
        </div>
        <nav className="nav" aria-label="Main">
          <NavItem route="home" current={navRouteOf(route)}>
            Start
          </NavItem>
          <NavItem route="system-users" current={navRouteOf(route)}>
            System users
          </NavItem>
          <NavItem route="inspect-token" current={navRouteOf(route)}>
            Inspect token
          </NavItem>
          <NavItem route="settings" current={navRouteOf(route)}>
            Settings
          </NavItem>
        </nav>
      </aside>
      <RemovePortfolioDialog
        isOpen={removing}
        saved={saved}
        initialId={saved.some((p) => p.id === listData?.active_id) ? (listData?.active_id ?? null) : null}
        onClose={() => setRemoving(false)}
        onRemoved={(entry) => {
          setRemoving(false);
          setSwitched(`Removed ${entry.label}.`);
          setListRound((r) => r + 1);
          if (entry.id === listData?.active_id) {
            // The engine falls back to the demo portfolio.
            setPortfolioRound((r) => r + 1);
            if (belongsToPortfolio(route)) navigate({ name: "system-users" });
          }
        }}
      />
      <main className="main" id="main" key={portfolioRound}>
        {route.name === "home" && <HomeScreen />}
        {route.name === "system-users" && <SystemUsersScreen overview={overview} onReload={reloadOverview} />}
        {route.name === "system-user" && <SystemUserScreen key={route.id} systemUserId={route.id} />}
        {route.name === "assign" && <AssignAssetsScreen key={route.id} systemUserId={route.id} />}
        {route.name === "inspect-token" && <InspectTokenScreen />}
        {route.name === "connect" && (
          <ConnectPortfolioScreen
            onSaved={(entry) => void openPortfolio(entry)}
            onCancel={() => navigate({ name: "system-users" })}
          />
        )}
        {route.name === "settings" && <SettingsScreen theme={theme} onThemeChange={setTheme} />}
      </main>
    </div>
  );
}
