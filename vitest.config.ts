import { defineConfig } from 'vitest/config';

// Unit tests live beside the code they test (`*.test.ts`) and run in plain Node.
export default defineConfig({
  test: {
    include: ['common/**/*.test.ts', 'main/**/*.test.ts', 'preload/**/*.test.ts', 'scripts/**/*.test.ts', 'models/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['scripts/vitest-global-setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
