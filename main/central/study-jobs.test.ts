import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import type { StudyAgreement } from '../../common/references.ts';
import { exportRequestFor } from '../reports/export-request.ts';
import { pooledAgreement } from '../references/study-agreement.ts';
import { runExport } from '../reports/research-export.ts';
import { stationId } from '../store/station-migration.ts';
import { POSTGRES_SKIP_REASON, throwawayPostgres } from '../../testing/postgres.ts';
import { APP_VERSION, CLI, cli, expectSameExport, NODE, twoSyncedStations } from '../../testing/stations.ts';

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `evaluation and export jobs${POSTGRES_SKIP_REASON ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let worker: ReturnType<typeof spawn> | undefined;
    const { server, temp } = throwawayPostgres(() => worker?.exitCode === null && worker.kill('SIGKILL'));

    test("a worker process pools a study's agreement over two stations and exports each station as it would itself", async () => {
      const url = await server().createDatabase('study_jobs');
      const media = temp('pulse-media-');
      const [a, b] = await twoSyncedStations(url, media, temp);
      const expected = pooledAgreement(
        [a, b].map((store) => ({ store, studyId: store.studies.list()[0]!.id })),
        'skinType',
      );
      const own = await runExport(
        a,
        exportRequestFor(a, {
          study: 'Multi',
          out: temp('pulse-out-'),
          folder: true,
          video: 'include',
          demographics: false,
          'free-text': false,
          'real-dates': true,
          json: false,
        }),
        { appVersion: APP_VERSION },
      );
      const aId = stationId(a.db);
      a.close();
      b.close();

      const evaluation = await cli([
        'enqueue',
        '--db',
        url,
        '--kind',
        'evaluate',
        '--study',
        'Multi',
        '--split',
        'skin-type',
      ]);
      expect(evaluation.code, evaluation.stderr).toBe(0);
      expect(evaluation.stdout).toMatch(/^Queued evaluation job \S+ for Multi;/);
      const exporting = await cli([
        'enqueue',
        '--db',
        url,
        '--kind',
        'export',
        '--study',
        'Multi',
        '--folder',
        '--video',
        'include',
        '--real-dates',
      ]);
      expect(exporting.code, exporting.stderr).toBe(0);
      const refused = await cli(['enqueue', '--db', url, '--kind', 'export', '--study', 'Nothing']);
      expect([refused.code, refused.stderr]).toEqual([
        2,
        'pulse-studio: No station has synced a study named "Nothing" to the study database\n',
      ]);

      worker = spawn(NODE, [CLI, 'worker', '--db', url, '--media', media, '--model', 'none'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      worker.stderr!.on('data', (d: Buffer) => (log += d));
      const exited = new Promise<number | null>((resolve) => worker!.on('exit', resolve));
      for (const end = Date.now() + 90_000; Date.now() < end && (log.match(/: (done|failed)/g) ?? []).length < 2;)
        await new Promise((r) => setTimeout(r, 100));
      worker.kill('SIGINT');
      expect(await exited, log).toBe(0);
      expect(log).not.toMatch(/failed/);

      const client = new pg.Client(url);
      await client.connect();
      const results = (await client.query(`SELECT kind, study, summary, result FROM job_results ORDER BY kind`))
        .rows as { kind: string; summary: string; result: Record<string, unknown> }[];
      expect(results.map((r) => r.kind)).toEqual(['evaluate', 'export']);
      const [evaluated, exported] = results as unknown as [
        { summary: string; result: { stations: number; agreement: StudyAgreement } },
        { summary: string; result: { exports: { stationId: string; path: string; sessions: number }[] } },
      ];
      expect(evaluated.result.stations).toBe(2);
      expect({ ...evaluated.result.agreement, studyId: 0 }).toEqual({ ...expected, studyId: 0 });
      expect(evaluated.summary).toMatch(
        /^4 sessions from 2 stations: MAE \d+\.\d bpm over \d+ windows \(app's reading\)$/,
      );
      expect(exported.result.exports.map((e) => e.sessions)).toEqual([2, 2]);
      const fromJob = exported.result.exports.find((e) => e.stationId === aId)!;
      expectSameExport(path.join(media, ...fromJob.path.split('/')), own.path);
      expect(
        fs.existsSync(
          path.join(media, ...exported.result.exports.find((e) => e.stationId !== aId)!.path.split('/'), 'sub-B1'),
        ),
      ).toBe(true);
      await client.end();

      const jobs = await cli(['jobs', '--db', url]);
      expect(jobs.code, jobs.stderr).toBe(0);
      expect(jobs.stdout).toContain(`evaluation of study Multi — Completed: ${evaluated.summary}`);
      expect(jobs.stdout).toContain(`export of study Multi — Completed: ${exported.summary}`);
    }, 180_000);
  },
);
