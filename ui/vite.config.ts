import react from "@vitejs/plugin-react";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

// Debian's Chromium (the `chromium` package; the real binary, not the /usr/bin shell wrapper).
// Nothing is downloaded: Playwright only drives it.
const chromium = process.env.GATEHOUSE_CHROMIUM ?? "/usr/lib/chromium/chromium";

// The Tauri window loads the dev server on a fixed loopback port (tauri.conf.json `devUrl`).
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { host: "127.0.0.1", port: 1420, strictPort: true, fs: { allow: [".", "../icons"] } },
  build: { target: "safari16", outDir: "dist", emptyOutDir: true, sourcemap: false },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    // Starts the dev/test host (the real engine over HTTP) once per run; each test opens its
    // own session in it.
    globalSetup: ["test/devhost.ts"],
    // The screens are driven by keyboard in a real browser against the real engine (with its
    // demo emulator): a loaded 2-core machine needs headroom.
    testTimeout: 30_000,
    browser: {
      enabled: true,
      headless: true,
      // The test page: 127.0.0.1 (the server's host above); any free port from 63315.
      api: { host: "127.0.0.1", port: 63315, strictPort: false },
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: chromium,
          args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"],
        },
      }),
      instances: [{ browser: "chromium", viewport: { width: 1280, height: 800 } }],
    },
  },
});
