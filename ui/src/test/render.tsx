import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import type { Backend } from "../backend/backend";
import { BackendProvider } from "../backend/context";
import { createQueryClient } from "../backend/query";

/**
 * Renders a piece of UI against a given backend (usually `freshEngine().backend`), with a query
 * cache of its own: nothing read in one test is seen by another, and nothing is retried.
 */
export function renderWithBackend(ui: ReactElement, backend: Backend) {
  const queryClient = createQueryClient();
  return render(
    <QueryClientProvider client={queryClient}>
      <BackendProvider backend={backend}>{ui}</BackendProvider>
    </QueryClientProvider>,
  );
}
