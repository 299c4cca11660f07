import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Unit tests live beside the code they test (`*.test.ts`). Two projects: the services in plain Node, and the
// renderer's modules and rune stores (*.svelte.ts) compiled by Svelte for the browser, with window.pulse stubbed.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: [
            'common/**/*.test.ts',
            'main/**/*.test.ts',
            'preload/**/*.test.ts',
            'scripts/**/*.test.ts',
            'models/**/*.test.ts',
          ],
          environment: 'node',
          globalSetup: ['scripts/vitest-global-setup.ts'],
        },
      },
      {
        extends: true,
        // Client-side Svelte (the default under Node is the server build, where $state and $derived do not react).
        plugins: [svelte({ configFile: false, dynamicCompileOptions: () => ({ generate: 'client' }) })],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'renderer',
          include: ['renderer/src/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['renderer/src/test-api.ts'],
        },
      },
    ],
  },
});
