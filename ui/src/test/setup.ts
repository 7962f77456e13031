import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// jsdom lacks CSS.escape, which React Aria uses to find form fields.
if (typeof globalThis.CSS === "undefined") {
  Object.defineProperty(globalThis, "CSS", { value: {} });
}
if (typeof CSS.escape !== "function") {
  CSS.escape = (value: string) => value.replace(/[^a-zA-Z0-9_-]/g, (ch) => `\\${ch}`);
}

afterEach(() => {
  cleanup();
  localStorage.clear();
  window.location.hash = "";
});
