import { defineConfig } from 'vitest/config';

// `npm run test:faults`: real processes killed with -9, locked and corrupt databases, a full disk, two instances.
export default defineConfig({
  test: {
    include: ['faults/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['scripts/vitest-global-setup.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // One app process at a time: the scenarios measure what a machine under load does, not each other.
    fileParallelism: false,
  },
});
