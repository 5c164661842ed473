import { defineConfig } from "vite";

// The bundle is written into the Python package, where groengezond.api.static serves it.
// Nothing is loaded from a CDN: MapLibre GL JS and its CSS are bundled from node_modules.
export default defineConfig({
  base: "/",
  build: {
    outDir: "../src/groengezond/web_dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/ogc": "http://127.0.0.1:8000",
      "/health": "http://127.0.0.1:8000",
    },
  },
});
