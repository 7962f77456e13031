// What the Node-side global setup (test/devhost.ts) hands to the tests in the browser.
import "vitest";

/** The dev/test host's address and its per-run secret. */
export interface DevHost {
  url: string;
  secret: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    devHost: DevHost;
  }
}
