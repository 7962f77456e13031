import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { BackendProvider } from "./backend/context";
import { createQueryClient } from "./backend/query";
import { tauriBackend } from "./backend/tauriBackend";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/shell.css";

const root = document.getElementById("root");
if (root) {
  const queryClient = createQueryClient();
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BackendProvider backend={tauriBackend}>
          <App />
        </BackendProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
