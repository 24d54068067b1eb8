import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The built client is embedded in the Go binary (web/dist, go:embed) and
// served at / by the API; no inline script, so the CSP can forbid it.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    // The stylesheets' own text, for src/css.test.ts (imported with ?raw).
    css: { include: [/\.css\?raw/] },
  },
});
