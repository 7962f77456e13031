import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
// The app's own styles, so layout, visibility and colour contrast are the app's.
import "../styles/tokens.css";
import "../styles/base.css";
import "../styles/shell.css";

afterEach(() => {
  cleanup();
  localStorage.clear();
  window.location.hash = "";
});
