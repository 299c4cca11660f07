import { describe, expect, test } from 'vitest';
import { studySyncRequest, type StudySyncState } from '../../common/study-sync.ts';
import { centralAgreementRequest, studyJobsRequest } from '../../common/study-jobs.ts';
import { twoSyncedStations } from '../../testing/stations.ts';
import { pooledAgreement } from '../references/study-agreement.ts';
import { fillStation } from '../../scripts/synth/station.ts';
import { POSTGRES_SKIP_REASON, throwawayPostgres } from '../../testing/postgres.ts';
import { openStore } from '../store/index.ts';
import { studyDbHandlers } from './study-db-handlers.ts';

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `Settings → Study database${POSTGRES_SKIP_REASON ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const { server, temp } = throwawayPostgres();

    async function settle(handlers: ReturnType<typeof studyDbHandlers>): Promise<StudySyncState> {
      let state = await handlers['study-db:state'](undefined);
      for (let i = 0; i < 500 && state.running; i++) {
        await new Promise((r) => setTimeout(r, 20));
        state = await handlers['study-db:state'](undefined);
      }
      return state;
    }

    test('a dry run and then a sync from the app, with the summary kept and the password never stored', async () => {
      const url = await server().createDatabase('app');
      const store = openStore(temp('pulse-app-'));
      await fillStation(store, {
        study: 'App',
        prefix: 'P',
        subjects: 1,
        sessionsPerSubject: 3,
        framesPerSession: 60,
        mediaBytes: 1000,
      });
      const handlers = studyDbHandlers(store, 'test');
      const request = {
        url: url.replace('postgres://pulse@', 'postgres://pulse:unused-secret@'),
        mediaRoot: temp('pulse-media-'),
      };
      await handlers['study-db:sync'](studySyncRequest.parse({ ...request, dryRun: true }));
      const checked = await settle(handlers);
      expect(checked.error).toBeNull();
      expect(checked.dryRun?.units.session.new).toBe(3);
      expect(checked.last).toBeNull();
      const started = await handlers['study-db:sync'](studySyncRequest.parse({ ...request, password: 'typed-secret' }));
      expect(started.running).toBe(true);
      await expect(
        Promise.resolve().then(() => handlers['study-db:sync'](studySyncRequest.parse(request))),
      ).rejects.toThrow(/already running/);
      const done = await settle(handlers);
      expect(done.error).toBeNull();
      expect(done.last?.units.session.new).toBe(3);
      expect(done.settings?.url).not.toMatch(/secret/);
      expect(JSON.stringify(store.db.prepare('SELECT * FROM sync_state').all())).not.toMatch(/secret/);
      store.close();
    });

    test('an unreachable database and a missing media folder are said in words, changing nothing', async () => {
      const store = openStore(temp('pulse-app-'));
      const handlers = studyDbHandlers(store, 'test');
      expect(() =>
        handlers['study-db:sync'](
          studySyncRequest.parse({ url: 'postgres://pulse@127.0.0.1:9/x', mediaRoot: '/no/such/share' }),
        ),
      ).toThrow(/does not exist \(is the share mounted\?\)/);
      await handlers['study-db:sync'](
        studySyncRequest.parse({ url: 'postgres://pulse@127.0.0.1:9/x', mediaRoot: temp('pulse-media-') }),
      );
      const state = await settle(handlers);
      expect(state.error).toMatch(/Cannot reach the study database at 127\.0\.0\.1:9\/x .*Nothing was sent/);
      expect(state.last).toBeNull();
      store.close();
    });

    test('the jobs list: empty before anything was queued, and an unreachable database said in words', async () => {
      const url = await server().createDatabase('app_jobs');
      const store = openStore(temp('pulse-app-'));
      const handlers = studyDbHandlers(store, 'test');
      const list = await handlers['study-db:jobs'](studyJobsRequest.parse({ url, password: 'unused' }));
      expect(list).toMatchObject({
        database: expect.stringMatching(/^127\.0\.0\.1:\d+\/app_jobs$/),
        jobs: [],
        more: 0,
        counts: { queued: 0, failed: 0 },
      });
      await expect(
        handlers['study-db:jobs'](studyJobsRequest.parse({ url: 'postgres://pulse@127.0.0.1:9/x' })),
      ).rejects.toThrow(
        /^Cannot reach the study database at 127\.0\.0\.1:9\/x \(ECONNREFUSED\): check the address and that PostgreSQL runs there\.$/,
      );
      store.close();
    });

    test("a study's agreement across stations, read from the study database, and an unknown study said in words", async () => {
      const url = await server().createDatabase('app_agreement');
      const [a, b] = await twoSyncedStations(url, temp('pulse-media-'), temp);
      const expected = pooledAgreement(
        [a, b].map((store) => ({ store, studyId: store.studies.list()[0]!.id })),
        'sex',
      );
      a.close();
      b.close();
      const store = openStore(temp('pulse-app-'));
      const handlers = studyDbHandlers(store, 'test');
      const pooled = await handlers['study-db:agreement'](
        centralAgreementRequest.parse({ url, study: 'multi', split: 'sex' }),
      );
      expect(pooled).toEqual({ ...expected, studyId: pooled.studyId, stations: 2 });
      expect(pooled.sessions).toBe(4);
      await expect(
        handlers['study-db:agreement'](centralAgreementRequest.parse({ url, study: 'Other' })),
      ).rejects.toThrow(/^No station has synced a study named "Other" to the study database$/);
      store.close();
    });
  },
);
