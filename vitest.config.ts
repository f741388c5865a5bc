import { defineConfig } from 'vitest/config';

// Three tiers, each at a seam: unit (pure logic, fakes through constructors), integration
// (the engine against the lab's real sshd + dockerd), e2e (Chromium against browser mode).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 90_000, hookTimeout: 120_000, fileParallelism: false },
      },
      { test: { name: 'faults', include: ['test/faults/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], setupFiles: ['test/support/e2e-failures.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
    ],
  },
});
