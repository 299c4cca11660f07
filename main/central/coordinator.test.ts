import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import type { StudyAgreement } from '../../common/references.ts';
import { exportRequestFor } from '../reports/export-request.ts';
import { pooledAgreement } from '../references/study-agreement.ts';
import { sessionOverview } from '../store/session-results.ts';
import { runExport } from '../reports/research-export.ts';
import { stationId } from '../store/station-migration.ts';
import { openCentral } from './central-db.ts';
import { requireCoordinator } from './coordinator.ts';
import { EXPORT_AUDIT_COLUMNS, EXPORT_AUDIT_DDL } from './export-audit.ts';
import { POSTGRES_SKIP_REASON, throwawayPostgres } from '../../testing/postgres.ts';
import { APP_VERSION, cli, expectSameExport, twoSyncedStations } from '../../testing/stations.ts';

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `coordinator mode on the study database${POSTGRES_SKIP_REASON ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const { server, temp } = throwawayPostgres();

    test("exports each station's data from the central database exactly as that station exports it, and pools agreement across stations, read-only", async () => {
      const url = await server().createDatabase('coordinator');
      const media = temp('pulse-media-');
      const [a, b] = await twoSyncedStations(url, media, temp);

      const options = {
        study: 'Multi',
        folder: true,
        video: 'include',
        demographics: true,
        'free-text': true,
        'real-dates': true,
        json: false,
      };
      const atStation = await runExport(a, exportRequestFor(a, { ...options, out: temp('pulse-out-a-') }), {
        appVersion: APP_VERSION,
      });
      const expected = pooledAgreement(
        [a, b].map((store) => ({ store, studyId: store.studies.list()[0]!.id })),
        'sex',
      );
      const aId = stationId(a.db);
      const listed = [a, b].flatMap((store) =>
        store.subjects
          .list({ studyId: store.studies.list()[0]!.id, search: '', includeArchived: true })
          .flatMap((subject) =>
            sessionOverview(store, subject.id, { includeVoided: true }).map((r) => ({
              stationId: stationId(store.db),
              subjectCode: subject.code,
              ...r,
            })),
          ),
      );
      a.close();
      b.close();

      // A user who may only read: PostgreSQL refuses that user's writes, and so does the app, in words.
      const admin = new pg.Client(url);
      admin.on('error', () => {}); // the server stops in afterAll, after a failed test may have left this open
      await admin.connect();
      await admin.query(`CREATE ROLE reader LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader`);
      // Exports across stations are logged: this reader may add to the export log (coordinators may by their role).
      await admin.query(EXPORT_AUDIT_DDL);
      await admin.query(`GRANT INSERT (${EXPORT_AUDIT_COLUMNS}) ON export_audit TO reader`);
      const readerUrl = url.replace('//pulse@', '//reader@');

      const out = temp('pulse-out-central-');
      const exported = await cli([
        'export',
        '--db',
        readerUrl,
        '--media',
        media,
        ...[
          '--study',
          'Multi',
          '--out',
          out,
          '--folder',
          '--video',
          'include',
          '--demographics',
          '--free-text',
          '--real-dates',
          '--quiet',
        ],
      ]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toMatch(new RegExp(`^Exported station ${aId.slice(0, 8)}: 2 session\\(s\\)`, 'm'));
      const folders = fs.readdirSync(out);
      expect(folders).toHaveLength(2);
      const own = folders.find(
        (f) => fs.readdirSync(path.join(out, f)).length > 0 && fs.existsSync(path.join(out, f, 'sub-A1')),
      );
      expect(own, `station A's export among ${folders.join(', ')}`).toBeDefined();
      expectSameExport(path.join(out, own!), atStation.path);
      const logged = await admin.query(`SELECT db_user, via, study, destination, stations FROM export_audit`);
      expect(logged.rows).toEqual([
        { db_user: 'reader', via: 'command', study: 'Multi', destination: out, stations: expect.any(Array) },
      ]);
      expect(logged.rows[0].stations.map((s: { path: string }) => s.path).sort()).toEqual(
        folders.map((f) => path.join(out, f)).sort(),
      );

      const agreement = await cli(['agreement', '--db', readerUrl, '--study', 'Multi', '--split', 'sex', '--json']);
      expect(agreement.code, agreement.stderr).toBe(0);
      const pooled = JSON.parse(agreement.stdout) as StudyAgreement;
      expect(pooled.sessions).toBe(4);
      expect({ ...pooled, studyId: 0 }).toEqual({ ...expected, studyId: 0 });

      // Review's listing, every station's sessions with their heart rate.
      const sessions = await cli(['sessions', '--db', readerUrl, '--study', 'Multi', '--json']);
      expect(sessions.code, sessions.stderr).toBe(0);
      expect(JSON.parse(sessions.stdout)).toEqual(listed);
      const text = await cli(['sessions', '--db', readerUrl, '--study', 'Multi']);
      expect(text.stdout).toMatch(/^4 session\(s\) from 2 station\(s\)\n/);
      expect(text.stdout).toMatch(
        new RegExp(
          `^station ${aId.slice(0, 8)}  A-1  session 1  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  30\\.0 s  complete  7\\d\\.\\d bpm \\(reliable\\)$`,
          'm',
        ),
      );

      const refused = await cli(['enqueue', '--db', readerUrl, '--study', 'Multi', '--method', 'pos']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^pulse-studio: reader may read the study database at 127\.0\.0\.1:\d+\/coordinator but not change it: queueing jobs is for coordinators \(its administrator runs GRANT pulse_coordinator TO "reader"\)\. Nothing was changed\.$/m,
      );
      const reader = await openCentral(readerUrl, 1, { readOnly: true });
      await expect(reader.query(`DELETE FROM sessions`)).rejects.toThrow(/read-only transaction/);
      await admin.query(`CREATE ROLE pulse_coordinator; GRANT pulse_coordinator TO reader`);
      await expect(requireCoordinator(reader, readerUrl, 'queueing jobs')).resolves.toBe('reader');
      await reader.end();
      await admin.end();
    }, 120_000);
  },
);
