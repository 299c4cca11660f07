// Settings → Study database with a real PostgreSQL (throwaway cluster): the worker jobs listed with their outcome —
// a failure in words after its retries, a completed job's result — and a study's agreement across stations.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { openQueue } from '../main/central/analysis-queue.ts';
import { syncStation } from '../main/central/sync.ts';
import { runWorker } from '../main/central/worker.ts';
import { openStore } from '../main/store/index.ts';
import { addContactReferences, fillStation } from '../scripts/synth/station.ts';
import { POSTGRES_SKIP_REASON, startTestPostgres, type TestPostgres } from '../scripts/throwaway-postgres.ts';
import { expect, test } from './fixtures.ts';

test.skip(POSTGRES_SKIP_REASON !== null, POSTGRES_SKIP_REASON ?? '');

let server: TestPostgres;
let url: string;
const temps: string[] = [];
const temp = () => (temps.push(fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-db-'))), temps.at(-1)!);

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startTestPostgres();
  url = await server.createDatabase('e2e');
  const media = temp();
  const store = openStore(temp());
  addContactReferences(
    store,
    await fillStation(store, {
      study: 'Sleep',
      prefix: 'S',
      subjects: 1,
      sessionsPerSubject: 2,
      framesPerSession: 900,
      mediaBytes: 0,
    }),
  );
  await syncStation(store, { url, mediaRoot: media, appVersion: 'e2e' });
  store.close();
  // An evaluation that works and an export of a study no station has: it fails on every try.
  const boss: PgBoss = await openQueue(url, { supervise: false });
  await boss.send('evaluate', { study: 'Sleep', split: 'none' });
  await boss.send('export', {
    study: 'Nothing',
    video: 'omit',
    demographics: false,
    freeText: false,
    realDates: false,
    folder: false,
  });
  await boss.stop({ graceful: false, close: true });
  const stop = new AbortController();
  const worker = runWorker({ url, mediaRoot: media, model: null, signal: stop.signal });
  const client = new pg.Client(url);
  await client.connect();
  await expect
    .poll(
      async () =>
        (await client.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE state IN ('completed', 'failed')`)).rows[0]
          .n,
      { message: 'both jobs settle', timeout: 60_000 },
    )
    .toBe(2);
  await client.end();
  stop.abort();
  await worker;
});

test.afterAll(() => {
  server?.stop();
  temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

test('lists the jobs with their failure in words and their result, and a study’s agreement across stations', async ({
  app,
}) => {
  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByLabel('Connection string').fill(url);
  await app.getByRole('button', { name: 'Show jobs' }).click();
  const jobs = app.getByTestId('study-job');
  await expect(jobs).toHaveCount(2);
  await expect(app.getByTestId('study-jobs-counts')).toContainText('1 failed, 1 completed');
  await expect(jobs.filter({ hasText: 'export' })).toContainText(
    'Failed after 4 tries: No station has synced a study named "Nothing" to the study database',
  );
  await expect(jobs.filter({ hasText: 'evaluation' })).toContainText(
    /Completed: 2 sessions from 1 station: MAE \d+\.\d bpm/,
  );
  await app.getByRole('button', { name: 'Hide jobs' }).press('Enter');
  await expect(jobs).toHaveCount(0);

  await app.getByTestId('central-agreement-study').fill('sleep');
  await app.getByTestId('central-agreement-show').press('Enter');
  await expect(app.getByTestId('central-agreement')).toContainText('2 session(s) with a reference from 1 station(s)');
  await app.getByTestId('central-agreement-study').fill('Nothing');
  await app.getByTestId('central-agreement-show').click();
  await expect(app.getByTestId('central-agreement-error')).toHaveText(
    'No station has synced a study named "Nothing" to the study database',
  );
});
