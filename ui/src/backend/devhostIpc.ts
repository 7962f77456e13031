// The webview's IPC, served by the dev/test host (crates/gatehouse-devhost) instead of Tauri: the
// generated bindings and `tauriBackend` run unchanged, and every command reaches the real engine
// over HTTP on 127.0.0.1. For the UI's tests and the browser preview only; the app's entry
// (main.tsx) never imports it.
import type { Channel } from "@tauri-apps/api/core";

/** Where the host listens and its per-run secret (printed by the host when it starts). */
export interface DevHostAddress {
  url: string;
  secret: string;
}

/** One engine in the host: a first run's state, with the demo portfolio open. */
export interface EngineSession {
  readonly id: string;
  /** The session's demo emulator's control endpoint (`/__emulator/{path}`): faults, clock… */
  emulator(method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown): Promise<unknown>;
  /** Whether the session's clipboard holds a copied token now (never the token). */
  clipboardHoldsSecret(): Promise<boolean>;
  /** Makes the next keyring call fail as the OS keyring would. */
  keyringFault(fault: KeyringFault): Promise<void>;
  /**
   * Writes a saved portfolio straight to the session's files and keyring, as a hand-edited
   * profiles.json would hold it: no connection check, any Graph API URL.
   */
  writeProfile(profile: WrittenProfile): Promise<void>;
  close(): Promise<void>;
}

/** The keyring failures the host can inject (see crates/gatehouse-devhost/README.md). */
export type KeyringFault =
  | "no_secret_service"
  | "locked"
  | "prompt_dismissed"
  | "no_default_collection"
  | "access_denied"
  | "timeout";

/** A saved portfolio as its file and keyring entries hold it (`base_url` null: Meta's). */
export interface WrittenProfile {
  id: string;
  label: string;
  business_id: string;
  app_id: string;
  base_url: string | null;
  admin_token: string;
  app_secret: string;
}

/** What the host streams back: progress messages, then the answer. */
type Line =
  | { channel: string; message: unknown }
  | { status: "ok"; data: unknown }
  | { status: "error"; error: unknown }
  | { status: "bad_request"; reason: string };

interface TauriInternals {
  invoke(command: string, args?: Record<string, unknown>): Promise<unknown>;
  transformCallback(callback: (message: unknown) => void, once?: boolean): number;
  unregisterCallback(id: number): void;
}

function headers(host: DevHostAddress): HeadersInit {
  return { authorization: `Bearer ${host.secret}`, "content-type": "application/json" };
}

async function expectOk(response: Response, what: string): Promise<unknown> {
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${what}: HTTP ${String(response.status)} ${JSON.stringify(body)}`);
  return body;
}

/** Reads newline-delimited JSON as it arrives. */
async function* lines(response: Response): AsyncGenerator<Line> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) yield JSON.parse(line) as Line;
      newline = buffered.indexOf("\n");
    }
  }
}

/** Sends one command to the session and feeds its progress to the command's channel argument. */
async function invoke(host: DevHostAddress, session: string, command: string, args: Record<string, unknown> = {}) {
  const response = await fetch(`${host.url}/sessions/${session}/invoke/${command}`, {
    method: "POST",
    headers: headers(host),
    body: JSON.stringify(args),
  });
  if (!response.ok) throw new Error(`${command}: HTTP ${String(response.status)} ${await response.text()}`);
  for await (const line of lines(response)) {
    if ("channel" in line) {
      const channel = args[line.channel] as Channel | undefined;
      channel?.onmessage(line.message);
    } else if (line.status === "ok") {
      return line.data;
    } else if (line.status === "error") {
      // As Tauri does: a command's error rejects the invoke; the bindings turn it into a Result.
      throw line.error;
    } else {
      throw new Error(`${command}: the dev host refused the request: ${line.reason}`);
    }
  }
  throw new Error(`${command}: the dev host closed the answer early`);
}

/**
 * Opens a fresh engine session in the host and routes the webview's IPC to it: from here on,
 * `tauriBackend` (and the generated `commands`) talk to that engine.
 */
export async function connectToDevHost(host: DevHostAddress): Promise<EngineSession> {
  const created = (await expectOk(
    await fetch(`${host.url}/sessions`, { method: "POST", headers: headers(host) }),
    "opening an engine session",
  )) as { id: string };
  const id = created.id;
  let next = 1;
  const callbacks = new Map<number, (message: unknown) => void>();
  const internals: TauriInternals = {
    invoke: (command, args) => invoke(host, id, command, args),
    transformCallback: (callback) => {
      const handle = next++;
      callbacks.set(handle, callback);
      return handle;
    },
    unregisterCallback: (handle) => callbacks.delete(handle),
  };
  Object.defineProperty(window, "__TAURI_INTERNALS__", { value: internals, configurable: true, writable: true });
  return {
    id,
    emulator: async (method, path, body) =>
      expectOk(
        await fetch(`${host.url}/sessions/${id}/emulator/${path}`, {
          method,
          headers: headers(host),
          body: body === undefined ? null : JSON.stringify(body),
        }),
        `emulator ${method} ${path}`,
      ),
    clipboardHoldsSecret: async () => {
      const state = (await expectOk(
        await fetch(`${host.url}/sessions/${id}/clipboard`, { headers: headers(host) }),
        "reading the clipboard's state",
      )) as { holds_secret: boolean };
      return state.holds_secret;
    },
    keyringFault: async (fault) => {
      await expectOk(
        await fetch(`${host.url}/sessions/${id}/keyring/fault`, {
          method: "POST",
          headers: headers(host),
          body: JSON.stringify({ fault }),
        }),
        `keyring fault ${fault}`,
      );
    },
    writeProfile: async (profile) => {
      await expectOk(
        await fetch(`${host.url}/sessions/${id}/profiles`, {
          method: "POST",
          headers: headers(host),
          body: JSON.stringify(profile),
        }),
        `writing profile ${profile.id}`,
      );
    },
    close: async () => {
      // keepalive: the request outlives a page that is going away.
      await fetch(`${host.url}/sessions/${id}`, { method: "DELETE", headers: headers(host), keepalive: true });
    },
  };
}
