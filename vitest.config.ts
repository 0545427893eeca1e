import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["spec/**/*.test.ts"],
    // gateway and host specs start real nginx/Redis processes and measure timing: one file at a time on 2 cores
    fileParallelism: false,
    testTimeout: 60000,
    hookTimeout: 60000,
  },
});
