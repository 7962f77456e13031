// Every screen test runs against the real engine: a fresh session of the dev/test host per test
// (the demo portfolio open, nothing saved), reached through the same generated bindings and
// `tauriBackend` the app uses.
import { afterEach, inject } from "vitest";
import type { Backend } from "../backend/backend";
import { connectToDevHost, type EngineSession } from "../backend/devhostIpc";
import { tauriBackend } from "../backend/tauriBackend";

let open: EngineSession | null = null;

afterEach(async () => {
  await open?.close();
  open = null;
});

/** A fresh engine for this test; closed after it. */
export async function freshEngine(): Promise<{ backend: Backend; engine: EngineSession }> {
  open = await connectToDevHost(inject("devHost"));
  return { backend: tauriBackend, engine: open };
}
