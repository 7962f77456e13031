// Dev-only entry (ui/preview.html): the whole app against the stateful mock backend, for
// looking at screens in a browser without Tauri. `vite build` never includes it (index.html is
// the only build input), so the shipped app has no mock.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { BackendProvider } from "./backend/context";
import { mockBackend } from "./backend/mockBackend";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/shell.css";

// ?theme=dark or ?theme=light picks the theme (as Settings would); ?slow adds latency.
const params = new URLSearchParams(window.location.search);
const theme = params.get("theme");
if (theme === "dark" || theme === "light") localStorage.setItem("gatehouse.theme", theme);
const { backend } = mockBackend({ latencyMs: params.has("slow") ? 600 : 80, jobItemMs: 40 });

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BackendProvider backend={backend}>
        <App />
      </BackendProvider>
    </StrictMode>,
  );
}
