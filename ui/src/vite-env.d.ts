/// <reference types="vite/client" />

// Set by scripts/preview.sh for the browser preview only (the app's build never has them).
interface ImportMetaEnv {
  readonly VITE_GATEHOUSE_DEVHOST_URL?: string;
  readonly VITE_GATEHOUSE_DEVHOST_SECRET?: string;
}
