// Dev-only (src/screens/assign/preview.html): the assign screen and the token dialogs against the
// mock backend, without the app's router. ?screen=assign|token|copy, ?theme=dark, ?resume.
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { BackendProvider, useBackend } from "../../backend/context";
import { mockBackend } from "../../backend/mockBackend";
import { mockAssets, mockJobsTokens } from "../../backend/mockJobsTokens";
import type { IssuedToken } from "../../backend/types";
import "../../styles/tokens.css";
import "../../styles/base.css";
import "../../styles/shell.css";
import { CopyOnceDialog } from "../token/CopyOnceDialog";
import { GenerateTokenDialog } from "../token/GenerateTokenDialog";
import { AssignAssetsScreen } from "./AssignAssetsScreen";

const params = new URLSearchParams(window.location.search);
if (params.get("theme") === "dark") document.documentElement.dataset.theme = "dark";
const screenName = params.get("screen") ?? "assign";
const su = { id: "610000000000002", name: "Reporting Bot" };
const { backend: base, calls } = mockBackend({ latencyMs: 80, jobItemMs: 40 });
// ?big: 10,000 ad accounts and the standalone jobs mock (slow-downs, client assets refusing "Manage").
const backend = params.has("resume") || params.has("big")
  ? {
      ...base,
      ...(params.has("big") ? mockAssets({ calls, assetCounts: { ad_account: 10_000 }, listDelayMs: 600 }) : {}),
      ...mockJobsTokens({ calls, interruptedJobFor: params.has("resume") ? su : null, slowDownAfter: 30, slowDownMs: 3000 }),
    }
  : base;

function CopyPreview() {
  const b = useBackend();
  const [token, setToken] = useState<IssuedToken | null>(null);
  useEffect(() => {
    void b
      .generateToken({ system_user_id: "610000000000003", app_id: "700000000000001", scopes: ["ads_management"], expiry: "sixty_days" }, () => undefined)
      .then((r) => r.status === "ok" && setToken(r.data));
  }, [b]);
  return token ? <CopyOnceDialog token={token} systemUserName="Conversions API server" onClosed={() => setToken(null)} /> : null;
}

function Preview() {
  return (
    <div className="shell">
      <aside className="sidebar" />
      <main className="main">
        {screenName === "assign" && <AssignAssetsScreen systemUserId={su.id} />}
        {screenName === "token" && <GenerateTokenDialog systemUser={su} isOpen onClose={() => undefined} />}
        {screenName === "copy" && <CopyPreview />}
      </main>
    </div>
  );
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BackendProvider backend={backend}>
        <Preview />
      </BackendProvider>
    </StrictMode>,
  );
}
