// The system user assets are assigned to: its name, and what it holds already.
import { useMemo } from "react";
import { usePortfolioOverview, useSystemUserAccess } from "../../queries";

export function useAssignee(systemUserId: string) {
  const overview = usePortfolioOverview();
  const access = useSystemUserAccess(systemUserId);
  const name =
    overview.data?.system_users.find((u) => u.id === systemUserId)?.name ?? access.data?.system_user.name ?? null;
  /** The access it holds now, in the engine's words ("Can change"), by `${kind}:${id}`. */
  const assigned = useMemo<ReadonlyMap<string, string>>(
    () => new Map(access.data?.assets.map((a) => [`${a.kind}:${a.id}`, a.access_label]) ?? []),
    [access.data],
  );
  return { name, assigned };
}
