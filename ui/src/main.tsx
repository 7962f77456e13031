import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { BackendProvider } from "./backend/context";
import { tauriBackend } from "./backend/tauriBackend";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/shell.css";

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BackendProvider backend={tauriBackend}>
        <App />
      </BackendProvider>
    </StrictMode>,
  );
}
