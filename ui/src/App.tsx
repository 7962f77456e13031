import { Link } from "react-aria-components";
import logoUrl from "../../icons/source/gatehouse.svg?url";
import { useEffect, useState, type ReactNode } from "react";
import { useBackend } from "./backend/context";
import { hrefFor, useRoute, type Route } from "./router";
import { usePortfolioOverview, type OverviewState } from "./portfolio";
import { HomeScreen } from "./screens/HomeScreen";
import { SettingsScreen } from "./screens/SettingsScreen";
import { SystemUsersScreen } from "./screens/SystemUsersScreen";
import { useTheme } from "./theme";

const navIcons: Record<Route, string> = {
  home: "M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z",
  "system-users":
    "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm0 2c-4 0-7 2-7 4.5V20h14v-2.5C16 15 13 13 9 13Zm8.5-2.2a3.3 3.3 0 1 0 0-6.6 3.3 3.3 0 0 0 0 6.6ZM18 13c-.6 0-1.1 0-1.6.2 1.4 1.1 2.1 2.6 2.1 4.3V20H22v-2.7c0-2.3-1.8-4.3-4-4.3Z",
  settings:
    "M19.4 13a7.7 7.7 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.7 7.7 0 0 0 0 2l-2.2 1.6 2 3.5 2.5-1a7.3 7.3 0 0 0 1.7 1L11 21h4l.4-2.9a7.3 7.3 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z",
};

function NavItem({ route, current, children }: { route: Route; current: Route; children: ReactNode }) {
  const selected = route === current;
  return (
    <Link
      href={hrefFor(route)}
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

/** Which portfolio this window works in; the demo is labelled so nobody mistakes it for Meta. */
function PortfolioCard({ overview }: { overview: OverviewState }) {
  if (overview.phase === "loading") {
    return (
      <div className="portfolio-card" aria-live="polite">
        <span className="portfolio-card__label">Portfolio</span>
        <span className="portfolio-card__note">Opening…</span>
      </div>
    );
  }
  if (overview.result.status === "error") {
    return (
      <div className="portfolio-card">
        <span className="portfolio-card__label">Portfolio</span>
        <span className="portfolio-card__note">Could not be opened</span>
      </div>
    );
  }
  const data = overview.result.data;
  return (
    <div className="portfolio-card">
      <span className="portfolio-card__label">{data.kind === "demo" ? "Demo portfolio" : "Portfolio"}</span>
      <span className="portfolio-card__name">{data.business_name}</span>
      {data.kind === "demo" && <span className="portfolio-card__note">Demo: nothing leaves this computer</span>}
    </div>
  );
}

export function App() {
  const backend = useBackend();
  const route = useRoute();
  const [theme, setTheme] = useTheme();
  const [version, setVersion] = useState<string>("");
  const [overview, reloadOverview] = usePortfolioOverview(backend);

  useEffect(() => {
    void backend.appInfo().then((info) => setVersion(info.version));
  }, [backend]);

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
        <PortfolioCard overview={overview} />
        <nav className="nav" aria-label="Main">
          <NavItem route="home" current={route}>
            Start
          </NavItem>
          <NavItem route="system-users" current={route}>
            System users
          </NavItem>
          <NavItem route="settings" current={route}>
            Settings
          </NavItem>
        </nav>
      </aside>
      <main className="main" id="main">
        {route === "home" && <HomeScreen />}
        {route === "system-users" && <SystemUsersScreen overview={overview} onReload={reloadOverview} />}
        {route === "settings" && <SettingsScreen theme={theme} onThemeChange={setTheme} />}
      </main>
    </div>
  );
}
