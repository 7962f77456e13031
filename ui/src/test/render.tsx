import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import type { Backend } from "../backend/backend";
import { BackendProvider } from "../backend/context";

/** Renders a piece of UI against a given backend (usually `freshEngine().backend`). */
export function renderWithBackend(ui: ReactElement, backend: Backend) {
  return render(<BackendProvider backend={backend}>{ui}</BackendProvider>);
}
