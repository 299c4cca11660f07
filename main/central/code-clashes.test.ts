import { describe, expect, test } from 'vitest';
import { subjectFields, subjectPatch } from '../../common/subjects.ts';
import { syncSummaryText } from '../../common/study-sync.ts';
import { openStore, type Store } from '../store/index.ts';
import { stationId } from '../store/station-migration.ts';
import { syncStation } from './sync.ts';
import { POSTGRES_SKIP_REASON, throwawayPostgres } from '../../testing/postgres.ts';

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `subject codes across stations${POSTGRES_SKIP_REASON ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const { server, temp } = throwawayPostgres();

    function station(subjects: { code: string; birthYear?: number; sex?: 'female' | 'male' | 'unknown' }[]): Store {
      const store = openStore(temp('pulse-st-'));
      const study = store.studies.create({ name: 'Shared', description: '', contact: '' });
      for (const s of subjects) store.subjects.create(study.id, subjectFields.parse(s));
      return store;
    }

    test('a code another station uses for a different person is reported at every sync until one is renamed; the same person at two stations is not', async () => {
      const url = await server().createDatabase('codes');
      const media = temp('pulse-media-');
      const sync = (s: Store) => syncStation(s, { url, mediaRoot: media, appVersion: 'test' });
      const a = station([
        { code: 'P-1', birthYear: 1980, sex: 'female' },
        { code: 'P-2', birthYear: 1990 },
      ]);
      const b = station([
        { code: 'P-1', birthYear: 1975, sex: 'male' },
        { code: 'P-2', birthYear: 1990, sex: 'male' },
      ]);
      // Same code, nothing recorded that tells the two apart: taken for the same participant.
      const c = station([{ code: 'P-1' }]);
      expect((await sync(a)).codeClashes).toEqual([]);
      const fromB = await sync(b);
      expect(fromB.codeClashes).toEqual([
        {
          study: 'Shared',
          code: 'P-1',
          otherStation: stationId(a.db),
          differences: ['birth year 1975 here, 1980 there', 'sex male here, female there'],
        },
      ]);
      expect(syncSummaryText(fromB)).toContain(
        `Subject code clash: P-1 in study "Shared" is also used by station ${stationId(a.db).slice(0, 8)} for a different person (birth year 1975 here, 1980 there; sex male here, female there). Give one of them a new code at its station, then sync again.`,
      );
      expect((await sync(c)).codeClashes).toEqual([]);
      // Station A, with nothing new to send, hears of it too.
      const again = await sync(a);
      expect(again.units.subject).toMatchObject({ new: 0, changed: 0 });
      expect(again.codeClashes?.map((x) => [x.code, x.otherStation])).toEqual([['P-1', stationId(b.db)]]);

      const clashing = b.subjects.list({ studyId: b.studies.list()[0]!.id, search: 'P-1', includeArchived: true })[0]!;
      b.subjects.update(clashing.id, subjectPatch.parse({ code: 'P-1B' }));
      expect((await sync(b)).codeClashes).toEqual([]);
      expect((await sync(a)).codeClashes).toEqual([]);
      for (const s of [a, b, c]) s.close();
    }, 60_000);
  },
);
