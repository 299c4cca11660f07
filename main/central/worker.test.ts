import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { openQueue } from './analysis-queue.ts';
import { listJobs } from './job-status.ts';
import { POSTGRES_SKIP_REASON, throwawayPostgres } from '../../testing/postgres.ts';
import { CLI, NODE, syncedStation } from '../../testing/stations.ts';

/** 30 s of crops: a POS analysis of about a second, long enough to kill a worker in the middle. */
const CROP_SECONDS = 30;

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `analysis workers on the study database's queue${POSTGRES_SKIP_REASON ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const children: ChildProcess[] = [];
    const { server, temp } = throwawayPostgres(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

    function cli(args: string[]) {
      const child = spawn(NODE, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let output = '';
      child.stdout!.on('data', (b: Buffer) => (output += b));
      child.stderr!.on('data', (b: Buffer) => (output += b));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const waitFor = async (pattern: RegExp, timeoutMs: number) => {
        for (const end = Date.now() + timeoutMs; Date.now() < end && !pattern.test(output);)
          await new Promise((r) => setTimeout(r, 20));
        return pattern.test(output);
      };
      return { child, exited, waitFor, output: () => output };
    }

    test('a job whose worker is killed mid-way (kill -9) is retried by another worker and its result stored once', async () => {
      const url = await server().createDatabase('jobs');
      const media = temp('pulse-media-');
      const { store, sessions } = await syncedStation(url, media, temp, {
        study: 'Jobs',
        prefix: 'J',
        cropSeconds: CROP_SECONDS,
      });
      store.close();

      const queued = cli(['enqueue', '--db', url, '--study', 'Jobs', '--method', 'pos']);
      expect(await queued.exited, queued.output()).toBe(0);
      expect(queued.output()).toMatch(/Queued 2 re-analysis jobs/);

      const first = cli(['worker', '--db', url, '--media', media, '--model', 'none']);
      expect(await first.waitFor(/job \S+: started/, 30_000), first.output()).toBe(true);
      first.child.kill('SIGKILL');
      await first.exited;
      const killedJob = first.output().match(/job (\S+): started/)![1]!;
      expect(first.output()).not.toMatch(new RegExp(`job ${killedJob}: done`));

      // Until a worker takes it again, the list says why the try failed, in words (pg-boss's supervisor, no worker).
      const watcher = await openQueue(url);
      const reader = new pg.Client(url);
      await reader.connect();
      let waiting;
      for (
        const end = Date.now() + 45_000;
        Date.now() < end && waiting?.state !== 'retrying';
        await new Promise((r) => setTimeout(r, 200))
      ) {
        waiting = (await listJobs(reader, 'test')).jobs.find((j) => j.id === killedJob);
      }
      expect(waiting).toMatchObject({
        state: 'retrying',
        tries: 1,
        failure: 'Its worker stopped answering (stopped, killed or cut off from the database)',
      });
      await reader.end();
      await watcher.stop({ graceful: false, close: true });

      const second = cli(['worker', '--db', url, '--media', media, '--model', 'none', '--concurrency', '2']);
      expect(await second.waitFor(new RegExp(`job ${killedJob}: done`), 45_000), second.output()).toBe(true);
      expect(await second.waitFor(/(job \S+: done[\s\S]*){2}/, 20_000), second.output()).toBe(true);
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);

      const client = new pg.Client(url);
      await client.connect();
      const results = (
        await client.query('SELECT job_id, session_id, summary_json FROM reanalyses ORDER BY session_id')
      ).rows;
      expect(results.map((r) => Number(r.session_id))).toEqual(sessions);
      for (const r of results) expect(JSON.parse(r.summary_json).hr.bpm).toBeCloseTo(72, 0);
      const jobs = (await client.query(`SELECT id::text, state, retry_count FROM pgboss.job WHERE name = 'reanalyse'`))
        .rows;
      expect(jobs.map((j) => j.state)).toEqual(['completed', 'completed']);
      expect(jobs.find((j) => j.id === killedJob)?.retry_count).toBeGreaterThanOrEqual(1);
      await client.end();
    }, 120_000);
  },
);
