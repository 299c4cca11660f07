import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { analysisSettings } from '../../common/sessions.ts';
import { jobListText, type StudyJobList } from '../../common/study-jobs.ts';
import { openQueue, queueReanalyses, REANALYSES_DDL, sessionsWithCrops } from './analysis-queue.ts';
import { listJobs } from './job-status.ts';
import { POSTGRES_SKIP_REASON, throwawayPostgres } from '../../testing/postgres.ts';
import { CLI, NODE, syncedStation } from '../../testing/stations.ts';
import { runWorker } from './worker.ts';

async function until(
  what: string,
  read: () => Promise<StudyJobList>,
  done: (l: StudyJobList) => boolean,
): Promise<StudyJobList> {
  for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    const list = await read();
    if (done(list)) return list;
  }
  throw new Error(`gave up waiting for ${what}: ${jobListText(await read())}`);
}

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `worker jobs' progress and failures${POSTGRES_SKIP_REASON ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const { server, temp } = throwawayPostgres();

    test('lists queued jobs, a running job with its progress, a failure in words after its retries, and a result', async () => {
      const url = await server().createDatabase('job_status');
      const media = temp('pulse-media-');
      const { store, sessions } = await syncedStation(url, media, temp, {
        study: 'Jobs',
        prefix: 'S',
        cropSeconds: 20,
      });
      store.close();

      const client = new pg.Client(url);
      await client.connect();
      const read = () => listJobs(client, 'test');
      expect(await read()).toMatchObject({ jobs: [], more: 0 }); // nothing ever queued: no pg-boss schema yet

      // The second session's crops vanish from the media folder: its job fails on every try.
      const [, lost] = sessions;
      const cropPath = (
        await client.query('SELECT path FROM media_files WHERE session_id = $1 AND file LIKE $2', [lost, '%roi%'])
      ).rows[0].path as string;
      fs.rmSync(path.join(media, cropPath));
      const boss = await openQueue(url, { supervise: false });
      const ids = await queueReanalyses(
        boss,
        await sessionsWithCrops(client, 'Jobs'),
        analysisSettings.parse({ method: 'pos' }),
      );
      await boss.stop({ graceful: false, close: true });
      const queued = await read();
      expect(queued.counts.queued).toBe(2);
      expect(queued.jobs.map((j) => [j.state, j.tries, j.progress])).toEqual([
        ['queued', 0, null],
        ['queued', 0, null],
      ]);

      // Hold the results table so the job that can finish waits at its last step, where its progress says so.
      await client.query(REANALYSES_DDL);
      const holder = new pg.Client(url);
      await holder.connect();
      await holder.query('BEGIN; LOCK TABLE reanalyses IN EXCLUSIVE MODE');
      const stop = new AbortController();
      const worker = runWorker({ url, mediaRoot: media, model: null, signal: stop.signal });
      try {
        const running = await until('the running job at its last step', read, (l) =>
          l.jobs.some((j) => j.state === 'running' && j.progress?.done === 1),
        );
        expect(running.jobs.find((j) => j.state === 'running')).toMatchObject({
          progress: { done: 1, total: 2, label: 'storing the result' },
          tries: 1,
          finishedAt: null,
        });
        await holder.query('COMMIT');

        const settled = await until(
          'both jobs settled',
          read,
          (l) => l.counts.completed === 1 && l.counts.failed === 1,
        );
        const ok = settled.jobs.find((j) => j.state === 'completed')!;
        expect(ok).toMatchObject({
          kind: 'reanalyse',
          failure: null,
          progress: { done: 1, total: 1, label: 'done' },
          tries: 1,
          maxTries: 4,
        });
        expect(ok.result).toMatch(/^7\d\.\d bpm$/);
        expect(ok.subject).toBe(`session ${sessions[0]} of station ${ok.subject.split(' ').at(-1)}`);
        const bad = settled.jobs.find((j) => j.state === 'failed')!;
        expect(bad).toMatchObject({
          tries: 4,
          maxTries: 4,
          result: null,
          subject: expect.stringContaining(`session ${lost} `),
        });
        expect(bad.failure).toMatch(
          /^The face crops of session \d+ are not in the media folder .* is the share mounted here\?$/,
        );
        expect(ids.sort()).toEqual(settled.jobs.map((j) => j.id).sort());

        // The command line prints the same list, and says by its exit code that a job failed.
        const cli = spawn(NODE, [CLI, 'jobs', '--db', url], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        cli.stdout.on('data', (b: Buffer) => (out += b));
        cli.stderr.on('data', (b: Buffer) => (out += b));
        const code = await new Promise<number | null>((resolve) => cli.on('exit', resolve));
        expect(code, out).toBe(1);
        expect(out).toMatch(/^Jobs on 127\.0\.0\.1:\d+\/job_status: 1 failed, 1 completed\.$/m);
        expect(out).toContain(`${bad.id}  re-analysis of ${bad.subject} — Failed after 4 tries: ${bad.failure}`);
        expect(out).toContain(`${ok.id}  re-analysis of ${ok.subject} — Completed: ${ok.result}`);
      } finally {
        await holder.end();
        stop.abort();
        await worker;
        await client.end();
      }
    }, 120_000);
  },
);
