// Test helper: the throwaway PostgreSQL cluster (scripts/throwaway-postgres.ts) as hooks of a describe block.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../scripts/throwaway-postgres.ts';

export { POSTGRES_SKIP_REASON } from '../scripts/throwaway-postgres.ts';

/**
 * For a describe block: a cluster started before its tests and stopped after them, and temporary folders removed
 * after them (`temp`), with `cleanup` run first (children to kill).
 */
export function throwawayPostgres(cleanup: () => void = () => {}): {
  server: () => TestPostgres;
  temp: (prefix: string) => string;
} {
  let server: TestPostgres | undefined;
  const temps: string[] = [];
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 60_000);
  afterAll(() => {
    cleanup();
    server?.stop();
    temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });
  return {
    server: () => server!,
    temp: (prefix) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      temps.push(dir);
      return dir;
    },
  };
}
