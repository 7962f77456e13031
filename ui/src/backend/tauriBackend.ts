import { commands } from "../bindings";
import type { Backend } from "./backend";

/** The real backend: the generated, typed Tauri commands. */
export const tauriBackend: Backend = {
  appInfo: () => commands.appInfo(),
  keyringStatus: () => commands.keyringStatus(),
  portfolioOverview: () => commands.portfolioOverview(),
  createSystemUser: (name, role) => commands.createSystemUser(name, role),
  renameSystemUser: (systemUserId, name) => commands.renameSystemUser(systemUserId, name),
};
