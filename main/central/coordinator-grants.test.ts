import fs from 'node:fs';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import type { StudyJobList } from '../../common/study-jobs.ts';
import type { ExportLogRow } from './export-audit.ts';
import { runWorker } from './worker.ts';
import { POSTGRES_SKIP_REASON, throwawayPostgres } from '../../testing/postgres.ts';
import { cli, syncedStation } from '../../testing/stations.ts';

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `coordinators who are not superusers, and the export log${POSTGRES_SKIP_REASON ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const { server, temp } = throwawayPostgres();

    test('a plain member of pulse_coordinator queues an export that a worker runs; both exports are logged; others are refused in words', async () => {
      const url = await server().createDatabase('grants');
      const media = temp('pulse-media-');
      const { store, sessions } = await syncedStation(url, media, temp, {
        study: 'Grants',
        prefix: 'G',
        cropSeconds: 0,
      });
      store.close();

      const admin = new pg.Client(url);
      admin.on('error', () => {}); // the server stops in afterAll, after a failed test may have left this open
      await admin.connect();
      await admin.query(`CREATE ROLE pulse_coordinator; CREATE ROLE coord LOGIN IN ROLE pulse_coordinator;
        CREATE ROLE outsider LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO pulse_coordinator, outsider`);
      const coordUrl = url.replace('//pulse@', '//coord@');
      const outsiderUrl = url.replace('//pulse@', '//outsider@');

      // Before any worker set the queue up, a coordinator who may not create it is told what to do.
      const early = await cli(['enqueue', '--db', coordUrl, '--kind', 'export', '--study', 'Grants']);
      expect(early.code).toBe(1);
      expect(early.stderr).toMatch(
        /has no job queue yet, and coord may not create one: start pulse-studio worker once as the database's owner/,
      );

      // The worker runs as the database's owner (here its superuser): it sets up the queue and coordinators' rights.
      const lines: string[] = [];
      const stop = new AbortController();
      const worker = runWorker({
        url,
        mediaRoot: media,
        appVersion: 'test',
        signal: stop.signal,
        log: (l) => lines.push(l),
      });
      for (const end = Date.now() + 30_000; Date.now() < end && !lines.some((l) => /waiting for jobs/.test(l));)
        await new Promise((r) => setTimeout(r, 50));
      expect(lines.join('\n')).toMatch(/waiting for jobs/);
      expect((await admin.query(`SELECT rolsuper FROM pg_roles WHERE rolname = 'coord'`)).rows[0].rolsuper).toBe(false);

      const queued = await cli(['enqueue', '--db', coordUrl, '--kind', 'export', '--study', 'Grants']);
      expect(queued.code, queued.stderr).toBe(0);
      const jobId = queued.stdout.match(/Queued export job (\S+) for Grants/)![1]!;
      let list: StudyJobList | undefined;
      for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
        const jobs = await cli(['jobs', '--db', coordUrl, '--json']);
        expect(jobs.stderr).toBe('');
        list = JSON.parse(jobs.stdout) as StudyJobList;
        if (list.jobs.some((j) => j.id === jobId && (j.state === 'completed' || j.state === 'failed'))) break;
      }
      expect(
        list?.jobs.find((j) => j.id === jobId),
        lines.join('\n'),
      ).toMatchObject({
        state: 'completed',
        result: `2 sessions from 1 station exported to exports/${jobId}/ in the media folder`,
      });

      // The coordinator's own export across stations, from the command line.
      const out = temp('pulse-out-');
      const exported = await cli([
        'export',
        '--db',
        coordUrl,
        '--media',
        media,
        '--study',
        'Grants',
        '--out',
        out,
        '--folder',
        '--quiet',
      ]);
      expect(exported.code, exported.stderr).toBe(0);
      const [folder] = fs.readdirSync(out);

      const audit = await cli(['audit', '--db', coordUrl, '--json']);
      expect(audit.code, audit.stderr).toBe(0);
      const rows = JSON.parse(audit.stdout) as ExportLogRow[];
      const stationId = (await admin.query(`SELECT id FROM stations`)).rows[0].id as string;
      expect(
        rows.map((r) => ({ ...r, exportedAt: '', host: '', stations: r.stations.map((s) => ({ ...s, path: '' })) })),
      ).toEqual([
        {
          exportedAt: '',
          user: 'coord',
          via: 'command',
          jobId: null,
          requestedBy: null,
          host: '',
          study: 'Grants',
          destination: out,
          stations: [{ stationId, sessionIds: sessions, path: '', files: expect.any(Number) }],
        },
        {
          exportedAt: '',
          user: 'pulse',
          via: 'job',
          jobId,
          requestedBy: 'coord',
          host: '',
          study: 'Grants',
          destination: `${media}/exports/${jobId}`,
          stations: [{ stationId, sessionIds: sessions, path: '', files: expect.any(Number) }],
        },
      ]);
      expect(rows[0]!.stations[0]!.path).toBe(`${out}/${folder}`);
      expect(rows[1]!.stations[0]!.path).toMatch(
        new RegExp(`^exports/${jobId}/${stationId}/pulse-export-Grants-\\d{8}-\\d{6}\\.zip$`),
      );
      const text = await cli(['audit', '--db', coordUrl]);
      expect(text.stdout).toMatch(
        new RegExp(`UTC {2}job ${jobId} run by pulse, queued by coord on \\S+ {2}study Grants`),
      );
      expect(text.stdout).toMatch(
        /UTC {2}coord on \S+ {2}study Grants {2}to .+\n {2}station \w{8}: 2 session\(s\) \(\d+, \d+\)/,
      );

      // The log is append-only for coordinators, and who and when are PostgreSQL's, not the exporter's.
      const coord = new pg.Client(coordUrl);
      coord.on('error', () => {});
      await coord.connect();
      await expect(coord.query(`DELETE FROM export_audit`)).rejects.toThrow(/permission denied/);
      await expect(
        coord.query(
          `INSERT INTO export_audit (db_user, via, host, study, destination, stations) VALUES ('someone', 'command', 'h', 'Grants', '/x', '[]')`,
        ),
      ).rejects.toThrow(/permission denied/);
      await coord.end();

      // Someone who is not a coordinator may neither queue nor export across stations; nothing is written.
      const refused = await cli(['enqueue', '--db', outsiderUrl, '--kind', 'export', '--study', 'Grants']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^pulse-studio: outsider may read the study database at 127\.0\.0\.1:\d+\/grants but not change it: queueing jobs is for coordinators \(its administrator runs GRANT pulse_coordinator TO "outsider"\)\. Nothing was changed\.$/m,
      );
      const outsiderOut = temp('pulse-out-');
      const notExported = await cli([
        'export',
        '--db',
        outsiderUrl,
        '--study',
        'Grants',
        '--out',
        outsiderOut,
        '--quiet',
      ]);
      expect(notExported.code).toBe(1);
      expect(notExported.stderr).toMatch(
        /^pulse-studio: outsider may read the study database at 127\.0\.0\.1:\d+\/grants but not write its export log, where every export across stations is recorded: its administrator runs GRANT pulse_coordinator TO "outsider"\. Nothing was exported\.$/m,
      );
      expect(fs.readdirSync(outsiderOut)).toEqual([]);
      expect((await admin.query(`SELECT count(*)::int AS n FROM export_audit`)).rows[0].n).toBe(2);

      stop.abort();
      await worker;
      await admin.end();
    }, 120_000);
  },
);
