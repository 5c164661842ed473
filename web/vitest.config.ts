import { defineConfig } from "vitest/config";

// Unit tests of the front end's pure modules and of the typed API client (src/*.test.ts).
// happy-dom gives them a DOM (SVG charts, ImageData-free helpers, document.cookie) without a
// browser; the browser journeys are the Playwright tests in tests/e2e.
export default defineConfig({
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
    restoreMocks: true,
  },
});
