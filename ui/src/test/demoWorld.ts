// What a test needs to know about the session's demo world, asked of the demo emulator's control
// endpoint (crates/gatehouse-emulator/src/control.rs) rather than written down: names, ids and
// credentials come from the engine, and the request log shows what was (or was not) sent.
import type { EngineSession } from "../backend/devhostIpc";

export interface DemoApp {
  id: string;
  name: string;
  secret: string;
}

/** One business of the demo fixture, with the credentials a person could connect it with. */
export interface DemoBusiness {
  id: string;
  name: string;
  admin_token: string | null;
  admin_system_user_id: string | null;
  /** A person's (an admin of the business) token. */
  user_token: string | null;
  apps: DemoApp[];
  /** Apps the business's admin develops but the business does not own. */
  developer_apps: DemoApp[];
}

/** The demo's businesses, as `GET manifest` lists them. */
export async function demoBusinesses(engine: EngineSession): Promise<DemoBusiness[]> {
  const manifest = (await engine.emulator("GET", "manifest")) as { businesses: DemoBusiness[] };
  return manifest.businesses;
}

export async function demoBusiness(engine: EngineSession, name: string): Promise<DemoBusiness> {
  const found = (await demoBusinesses(engine)).find((b) => b.name === name);
  if (!found) throw new Error(`The demo has no business called ${name}.`);
  return found;
}

/** A system user's id by its name, from the emulator's state (what Meta really holds). */
export async function systemUserId(engine: EngineSession, name: string): Promise<string> {
  const state = (await engine.emulator("GET", "state")) as {
    businesses: { system_users: { id: string; name: string }[] }[];
  };
  const found = state.businesses.flatMap((b) => b.system_users).find((u) => u.name === name);
  if (!found) throw new Error(`The demo has no system user called ${name}.`);
  return found.id;
}

/** One request the emulator answered. */
export interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  /** Form and query parameters as sent (secrets shortened by the emulator). */
  params: [string, string][];
  status: number;
  error_code: number | null;
  write: boolean;
}

/** Every request the emulator has answered in this session, oldest first. */
export async function requestLog(engine: EngineSession): Promise<LoggedRequest[]> {
  const log = (await engine.emulator("GET", "requests")) as { requests: LoggedRequest[] };
  return log.requests;
}

export function param(request: LoggedRequest, name: string): string | undefined {
  return request.params.find(([key]) => key === name)?.[1];
}
