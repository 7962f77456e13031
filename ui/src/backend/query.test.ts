import { QueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { CommandError } from "../bindings";
import { CommandFailure, commandError, createQueryClient, unwrap } from "./query";

const refused: CommandError = {
  code: "rate_limited",
  message: "Meta is throttling requests.",
  fix: "Wait, then try again.",
  detail: "code 80004",
  field: null,
};

describe("query helpers", () => {
  it("throws an error answer and gives back the very error the screens show", async () => {
    expect(await unwrap(Promise.resolve({ status: "ok" as const, data: 42 }))).toBe(42);
    const thrown = await unwrap(Promise.resolve({ status: "error" as const, error: refused })).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(CommandFailure);
    expect(commandError(thrown)).toBe(refused);
  });

  it("turns anything else a query failed with into Gatehouse's plain internal error", () => {
    const error = commandError(new TypeError("x is undefined"));
    expect(error.code).toBe("internal");
    expect(error.message).toBe("Something went wrong inside Gatehouse.");
    expect(error.detail).toBe("x is undefined");
  });

  it("never retries a read or a write", async () => {
    const client = createQueryClient();
    let calls = 0;
    const failing = () => {
      calls += 1;
      return unwrap(Promise.resolve({ status: "error" as const, error: refused }));
    };
    // As a screen reads (an observer, with the client's defaults): failed after one call.
    const observer = new QueryObserver(client, { queryKey: ["failing"], queryFn: failing });
    const failed = await new Promise<unknown>((resolve) => {
      const stop = observer.subscribe((result) => {
        if (result.status !== "error") return;
        stop();
        resolve(result.error);
      });
    });
    expect(commandError(failed)).toBe(refused);
    expect(calls).toBe(1);
    await expect(client.getMutationCache().build(client, { mutationFn: failing }).execute(undefined)).rejects.toBeInstanceOf(
      CommandFailure,
    );
    expect(calls).toBe(2);
  });
});
