// Vitest's global setup (runs in Node once per run): starts the dev/test host, the real engine
// over HTTP on 127.0.0.1 (crates/gatehouse-devhost), and hands its address and per-run secret
// to the tests. The host stops with the run (and by itself if this process dies: its standard
// input closes).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { TestProject } from "vitest/node";
import type { DevHost } from "../src/test/provided";

function devhostBinary(): string {
  if (process.env.GATEHOUSE_DEVHOST_BIN) return process.env.GATEHOUSE_DEVHOST_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache", "gatehouse", "target");
  return join(target, "debug", "gatehouse-devhost");
}

export default async function setup(project: TestProject) {
  const binary = devhostBinary();
  if (!existsSync(binary)) {
    throw new Error(
      `The UI's tests run against the real engine, through ${binary}, which is not built. ` +
        "Build it from the repository's root: cargo build --features custom-protocol --workspace",
    );
  }
  const child = spawn(binary, [], { stdio: ["pipe", "pipe", "inherit"] });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  try {
    const host = await new Promise<DevHost>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error("The dev host did not say it was ready within 20 s."));
      }, 20_000);
      child.once("error", reject);
      child.once("exit", (code) => {
        reject(new Error(`The dev host stopped before it was ready (exit code ${String(code)}).`));
      });
      createInterface({ input: child.stdout }).once("line", (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as DevHost);
      });
    });
    project.provide("devHost", host);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
