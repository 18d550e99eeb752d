// The dashboard is served by `harmlens serve` from web/dist: relative asset paths, no
// CDN, everything in the bundle (it must work with no network at all).
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0, sourcemap: false },
});
