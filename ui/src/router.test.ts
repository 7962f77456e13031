import { describe, expect, it } from "vitest";
import { hrefFor, navRouteOf, parseRoute, type Route } from "./router";

describe("routes", () => {
  it("parses plain and parameterised addresses, and writes them back", () => {
    const cases: [string, Route][] = [
      ["", { name: "home" }],
      ["#/system-users", { name: "system-users" }],
      ["#/system-users/610000000000002", { name: "system-user", id: "610000000000002" }],
      ["#/system-users/610000000000002/assign", { name: "assign", id: "610000000000002" }],
      ["#/inspect-token", { name: "inspect-token" }],
      ["#/connect", { name: "connect" }],
      ["#/settings", { name: "settings" }],
    ];
    for (const [hash, route] of cases) {
      expect(parseRoute(hash)).toEqual(route);
      if (hash) expect(hrefFor(route)).toBe(hash);
    }
  });

  it("sends anything else to the start screen", () => {
    for (const hash of ["#/nope", "#/system-users/1/2/3", "#/system-users/<script>", "#/settings/extra", "#/system-users/1/delete"]) {
      expect(parseRoute(hash)).toEqual({ name: "home" });
    }
  });

  it("keeps System users selected in the navigation on a system user's screens", () => {
    expect(navRouteOf({ name: "system-user", id: "1" })).toBe("system-users");
    expect(navRouteOf({ name: "assign", id: "1" })).toBe("system-users");
    expect(navRouteOf({ name: "connect" })).toBeNull();
  });
});
