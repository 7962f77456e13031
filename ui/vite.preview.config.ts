// The browser preview (preview.html: the app against the dev/test host) as a production build,
// for the benchmark's baseline (scripts/bench.sh): the same sources and build settings as the app's
// ui/dist, with the dev host's transport instead of Tauri's.
import { mergeConfig } from "vite";
import base from "./vite.config";

export default mergeConfig(base, {
  build: { outDir: "dist-preview", rolldownOptions: { input: "preview.html" } },
});
