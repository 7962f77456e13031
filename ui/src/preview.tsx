// Dev-only entry (ui/preview.html, opened by scripts/preview.sh): the whole app in a browser
// against the real engine, through the dev/test host (crates/gatehouse-devhost). Each page load
// opens a fresh engine: the demo portfolio, nothing saved. `vite build` never includes it
// (index.html is the only build input).
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { BackendProvider } from "./backend/context";
import { createQueryClient } from "./backend/query";
import { connectToDevHost } from "./backend/devhostIpc";
import { tauriBackend } from "./backend/tauriBackend";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/shell.css";

// ?theme=dark or ?theme=light picks the theme (as Settings would).
const theme = new URLSearchParams(window.location.search).get("theme");
if (theme === "dark" || theme === "light") localStorage.setItem("gatehouse.theme", theme);

const root = document.getElementById("root");
// The dev host's address and secret: from Vite's environment (scripts/preview.sh), or, in a
// built copy (`vite build --config vite.preview.config.ts`, the benchmark's browser baseline,
// which starts a new host each run), from the page's fragment: `#devhost=<url>&secret=<secret>`.
// The fragment never leaves the browser.
const fromFragment = new URLSearchParams(window.location.hash.slice(1));
const url = import.meta.env.VITE_GATEHOUSE_DEVHOST_URL ?? fromFragment.get("devhost") ?? undefined;
const secret = import.meta.env.VITE_GATEHOUSE_DEVHOST_SECRET ?? fromFragment.get("secret") ?? undefined;
if (fromFragment.has("secret")) history.replaceState(null, "", window.location.pathname + window.location.search);

async function start(container: HTMLElement) {
  if (!url || !secret) {
    container.textContent = "Start the preview with ./scripts/preview.sh: it runs the dev host and passes its address.";
    return;
  }
  const engine = await connectToDevHost({ url, secret });
  // The host forgets this page's engine when the page goes away.
  window.addEventListener("pagehide", () => void engine.close());
  const queryClient = createQueryClient();
  createRoot(container).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BackendProvider backend={tauriBackend}>
          <App />
        </BackendProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}

if (root) {
  start(root).catch((error: unknown) => {
    root.textContent = `The dev host did not answer: ${String(error)}`;
  });
}
