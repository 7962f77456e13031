// What the screens read from the engine, as @tanstack/react-query queries. Everything read from a
// portfolio is keyed by the portfolio's id, so another portfolio's data is never shown (or
// refreshed into the wrong place) after a switch. Tokens and secrets are never read through a
// query: revealing, generating and inspecting tokens stay direct calls.
import { experimental_streamedQuery, useQueries, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { Backend } from "./backend/backend";
import { useBackend } from "./backend/context";
import { CommandFailure, unwrap } from "./backend/query";
import type { Result } from "./backend/result";
import type { AssetChange, AssetKind, AssetRow } from "./backend/types";
import type { CommandError } from "./bindings";

export const queryKeys = {
  /** The saved and demo portfolios, and which one is open. */
  portfolios: ["portfolios"] as const,
  appInfo: ["app-info"] as const,
  keyringStatus: ["keyring-status"] as const,
  assetKinds: ["asset-kinds"] as const,
  scopeCatalog: ["scope-catalog"] as const,
  /** Everything read from one portfolio. */
  portfolio: (portfolioId: string) => ["portfolio", portfolioId] as const,
  overview: (portfolioId: string) => ["portfolio", portfolioId, "overview"] as const,
  systemUserAccess: (portfolioId: string, systemUserId: string) =>
    ["portfolio", portfolioId, "system-user", systemUserId, "access"] as const,
};

// ---- Not about a portfolio -------------------------------------------------------------------

/** Version and OS; the same for the whole run. */
export function useAppInfo() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: () => unwrap(backend.appInfo()), staleTime: Infinity });
}

/** Stores, reads back and deletes a test entry; `refetch` checks again. */
export function useKeyringStatus() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.keyringStatus, queryFn: () => unwrap(backend.keyringStatus()) });
}

/** The asset kinds and their tasks: built into the engine. */
export function useAssetKinds() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.assetKinds, queryFn: () => unwrap(backend.assetKinds()), staleTime: Infinity });
}

/** The permissions a token can be given: built into the engine. */
export function useScopeCatalog(options: { enabled?: boolean } = {}) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.scopeCatalog,
    queryFn: () => unwrap(backend.scopeCatalog()),
    staleTime: Infinity,
    enabled: options.enabled ?? true,
  });
}

// ---- The portfolios --------------------------------------------------------------------------

/**
 * The portfolios the switcher lists. It changes only through this app's own writes (open, save,
 * remove), which refetch it, so it is not read again on every screen.
 */
export function usePortfolioList() {
  const backend = useBackend();
  return useQuery({ queryKey: queryKeys.portfolios, queryFn: () => unwrap(backend.listPortfolios()), staleTime: Infinity });
}

export type PortfolioListQuery = ReturnType<typeof usePortfolioList>;

/** Stands for the open portfolio when the list could not be read: the screens still work on it. */
const UNLISTED = "unlisted";

/** The open portfolio's id, once the engine has said which one is open. */
export function usePortfolioId(): string | undefined {
  const list = usePortfolioList();
  return list.data?.active_id ?? (list.isError ? UNLISTED : undefined);
}

/** A read from the open portfolio, keyed by its id; waits until the id is known. */
function usePortfolioQuery<T>(
  path: readonly unknown[],
  read: (backend: Backend) => Promise<Result<T, CommandError>>,
  options: { enabled?: boolean; staleTime?: number } = {},
) {
  const backend = useBackend();
  const portfolioId = usePortfolioId();
  return useQuery({
    queryKey: ["portfolio", portfolioId, ...path],
    queryFn: () => unwrap(read(backend)),
    enabled: portfolioId !== undefined && (options.enabled ?? true),
    staleTime: options.staleTime,
  });
}

/** The open portfolio: its business, system users, quota and apps. */
export function usePortfolioOverview() {
  return usePortfolioQuery(["overview"], (backend) => backend.portfolioOverview());
}

export type OverviewQuery = ReturnType<typeof usePortfolioOverview>;

/** Reads the open portfolio's overview again (after a change, or to try again after an error). */
export function useReloadOverview(): () => void {
  const queryClient = useQueryClient();
  const portfolioId = usePortfolioId();
  return useCallback(() => {
    if (portfolioId !== undefined) void queryClient.invalidateQueries({ queryKey: queryKeys.overview(portfolioId) });
  }, [queryClient, portfolioId]);
}

/**
 * After the engine opened another portfolio (`activeId`, when known): no read of the one it left
 * stays in the cache, so nothing of it can be shown again, and a read that was on its way while
 * the portfolio changed (and may hold the new one's data) is dropped too.
 */
export function forgetOtherPortfolios(queryClient: QueryClient, activeId: string | null) {
  queryClient.removeQueries({
    predicate: (query) => query.queryKey[0] === "portfolio" && query.queryKey[1] !== activeId,
  });
}

/**
 * The assets and apps of each system user, for the overview's list as it was read at
 * `listedAt` (its `dataUpdatedAt`): a reloaded list reads them again, and until then shows them
 * as loading rather than the old numbers.
 */
export function useAccessCounts(listedAt: number | null) {
  return usePortfolioQuery(
    ["access-counts", listedAt],
    async (backend) => {
      const result = await backend.accessCounts();
      return result.status === "ok"
        ? { status: "ok" as const, data: new Map(result.data.map((c) => [c.system_user_id, c])) }
        : result;
    },
    { enabled: listedAt !== null },
  );
}

/** What a system user can reach: its assets (with tasks) and apps. */
export function useSystemUserAccess(systemUserId: string | null, options: { enabled?: boolean } = {}) {
  return usePortfolioQuery(
    ["system-user", systemUserId, "access"],
    (backend) => backend.systemUserAccess(systemUserId ?? ""),
    { enabled: systemUserId !== null && (options.enabled ?? true) },
  );
}

/** Reads a system user's access again (after a change to it). */
export function useReloadSystemUserAccess(systemUserId: string): () => Promise<void> {
  const queryClient = useQueryClient();
  const portfolioId = usePortfolioId();
  return useCallback(async () => {
    if (portfolioId === undefined) return;
    await queryClient.invalidateQueries({ queryKey: queryKeys.systemUserAccess(portfolioId, systemUserId) });
  }, [queryClient, portfolioId, systemUserId]);
}

/** The apps a system user could get a token from, with why others cannot be used. */
export function useTokenApps(systemUserId: string, options: { enabled?: boolean } = {}) {
  return usePortfolioQuery(["system-user", systemUserId, "token-apps"], (backend) => backend.tokenApps(systemUserId), options);
}

/**
 * Every asset of each of `kinds` the portfolio can hand out (large portfolios take seconds), in
 * the same order. A kind is read once it is asked for, then kept while the screen that asked for
 * it is open (it asks for every kind it has shown so far).
 */
export function useAssetLists(kinds: readonly AssetKind[]) {
  const backend = useBackend();
  const portfolioId = usePortfolioId();
  return useQueries({
    queries: kinds.map((kind) => ({
      queryKey: ["portfolio", portfolioId, "assets", kind],
      // Rows show from the first page on (success after it); `isFetching` until the last.
      queryFn: experimental_streamedQuery<AssetRow[], AssetRow[]>({
        streamFn: () => assetPages(backend, kind),
        reducer: (rows, page) => rows.concat(page),
        initialValue: [],
      }),
      enabled: portfolioId !== undefined,
    })),
  });
}

/** The engine's pages of `kind` as they arrive. Pages that came while the screen was busy are
 * handed over together, so a fast listing re-renders the list less often. The listing ends when
 * the command has answered and as many rows as it says it sent have come (a channel message may
 * arrive after the answer). */
async function* assetPages(backend: Backend, kind: AssetKind): AsyncGenerator<AssetRow[]> {
  const stream: {
    arrived: AssetRow[][];
    received: number;
    ended: Result<number, CommandError> | null;
    wake: () => void;
  } = { arrived: [], received: 0, ended: null, wake: () => undefined };
  void backend
    .streamAssets(kind, (rows) => {
      stream.arrived.push(rows);
      stream.received += rows.length;
      stream.wake();
    })
    .then((answer) => {
      stream.ended = answer;
      stream.wake();
    });
  let yielded = false;
  for (;;) {
    if (stream.arrived.length > 0) {
      // The first rows at once; then what came in the meantime, at most five times a second, so
      // a long listing does not re-render (and re-filter) the list for every part.
      if (yielded && !stream.ended) await new Promise((resolve) => setTimeout(resolve, 200));
      yielded = true;
      yield stream.arrived.splice(0).flat();
      continue;
    }
    if (stream.ended?.status === "error") throw new CommandFailure(stream.ended.error);
    if (stream.ended && stream.received >= stream.ended.data) return;
    await new Promise<void>((resolve) => (stream.wake = resolve));
  }
}

/**
 * What `changes` would take away that the system user has now, read when the review shows
 * (`enabled`) and again each time the review opens (nothing older than what Meta holds now).
 */
export function useChangeReview(systemUserId: string, changes: readonly AssetChange[], enabled: boolean) {
  return usePortfolioQuery(["system-user", systemUserId, "change-review", changes], (backend) => backend.reviewChanges(systemUserId, [...changes]), {
    enabled,
    staleTime: 0,
  });
}

/** Changes to assets that were stopped or interrupted before they finished. */
export function useUnfinishedJobs() {
  return usePortfolioQuery(["unfinished-jobs"], (backend) => backend.unfinishedJobs());
}
