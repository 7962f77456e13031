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

// ?script=NAME plays a few steps after loading, to look at states that need input (screenshots).
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function byLabel(label: string): HTMLInputElement | null {
  const labelEl = [...document.querySelectorAll("label")].find((l) => l.textContent === label);
  const id = labelEl?.getAttribute("for");
  return id ? (document.getElementById(id) as HTMLInputElement | null) : null;
}

function fill(label: string, value: string) {
  const input = byLabel(label);
  if (!input) return;
  // React tracks the value property; set it the way typing does, then tell React.
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set?.call(input, value);
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

function press(text: string) {
  const button = [...document.querySelectorAll<HTMLElement>("button, [role=menuitem]")].find(
    (b) => b.textContent.trim() === text || b.getAttribute("aria-label") === text,
  );
  button?.click();
}

const scripts: Record<string, () => Promise<void>> = {
  menu: async () => {
    await wait(600);
    document.querySelector<HTMLElement>(".portfolio-switcher")?.click();
  },
  switch: async () => {
    await wait(600);
    document.querySelector<HTMLElement>(".portfolio-switcher")?.click();
    await wait(300);
    press("Harbor & Pine OutfittersDemo: nothing leaves this computer");
  },
  connect: async () => {
    await wait(600);
    fill("Business ID", "123456789012345");
    fill("Admin token", "EAAGuserTokenOfDanaWhitfield000000");
    fill("App ID", "999000111");
    fill("App secret", "0123456789abcdef0123456789abcdef");
    await wait(100);
    press("Check");
  },
  inspect: async () => {
    await wait(600);
    fill("Access token", "EAAGdemoSixtyDayTokenForReportingBot0000000000000000001");
    await wait(100);
    press("Inspect");
  },
  inspectBad: async () => {
    await wait(600);
    fill("Access token", "EAAGnotARealToken");
    await wait(100);
    press("Inspect");
  },
  remove: async () => {
    await wait(900);
    press("Remove access to Lumen Dental – Prospecting");
  },
  generate: async () => {
    await wait(900);
    press("Generate token");
  },
};

const script = scripts[params.get("script") ?? ""];
if (script) void script();

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
