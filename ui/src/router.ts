import { useEffect, useState } from "react";

/**
 * The app's screens. Hash routes keep the webview's back/forward and deep links simple:
 * `#/system-users`, `#/system-users/<id>`, `#/system-users/<id>/assign`, …
 */
export type Route =
  | { name: "home" }
  | { name: "console" }
  | { name: "system-users" }
  | { name: "clients" }
  | { name: "access" }
  | { name: "system-user"; id: string }
  | { name: "assign"; id: string }
  | { name: "inspect-token" }
  | { name: "tokens" }
  | { name: "audit-log" }
  | { name: "connect" }
  | { name: "settings" };

/** The screens the main navigation lists (no parameters). */
export type NavRoute = "home" | "console" | "system-users" | "access" | "clients" | "inspect-token" | "tokens" | "audit-log" | "settings";

const simple = new Set<string>(["home", "console", "system-users", "access", "clients", "inspect-token", "tokens", "audit-log", "connect", "settings"]);

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  const [first, id, action] = parts;
  if (first === "system-users" && id && /^[\w-]+$/.test(id)) {
    if (action === "assign" && parts.length === 3) return { name: "assign", id };
    if (parts.length === 2) return { name: "system-user", id };
  }
  if (first && parts.length === 1 && simple.has(first)) return { name: first } as Route;
  return { name: "home" };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case "system-user":
      return `#/system-users/${encodeURIComponent(route.id)}`;
    case "assign":
      return `#/system-users/${encodeURIComponent(route.id)}/assign`;
    default:
      return `#/${route.name}`;
  }
}

/** Goes to a screen (the hash change re-renders the app). */
export function navigate(route: Route) {
  window.location.hash = hrefFor(route);
}

/** The nav item a route belongs to, so "System users" stays selected on a system user's screen. */
export function navRouteOf(route: Route): NavRoute | null {
  switch (route.name) {
    case "system-user":
    case "assign":
    case "system-users":
      return "system-users";
    case "home":
    case "console":
    case "access":
    case "clients":
    case "inspect-token":
    case "tokens":
    case "audit-log":
    case "settings":
      return route.name;
    case "connect":
      return null;
  }
}

export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  // Parsed on each render from the hash string, so the same URL gives an equal route.
  return parseRoute(hash);
}
