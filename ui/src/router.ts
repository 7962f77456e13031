import { useEffect, useState } from "react";

/** The app's screens. Hash routes keep the webview's back/forward and deep links simple. */
export const routes = ["home", "system-users", "settings"] as const;
export type Route = (typeof routes)[number];

function parse(hash: string): Route {
  const name = hash.replace(/^#\/?/, "");
  return (routes as readonly string[]).includes(name) ? (name as Route) : "home";
}

export function hrefFor(route: Route): string {
  return `#/${route}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
