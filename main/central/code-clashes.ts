// Subject codes two stations use for different people: the same code in a study of the same name, with a recorded
// birth year or sex that differs. Codes are each station's own (nothing collides centrally), but a coordinator
// pooling the study would take them for one participant, so every sync reports them until a station renames one.
import type pg from 'pg';
import type { SubjectCodeClash } from '../../common/study-sync.ts';

/** This station's subjects whose code another station uses for someone else, as the central database holds both. */
export async function subjectCodeClashes(db: pg.ClientBase | pg.Pool, stationId: string): Promise<SubjectCodeClash[]> {
  const { rows } = await db.query<{
    study: string;
    code: string;
    other: string;
    birth_year: number | null;
    other_birth_year: number | null;
    sex: string;
    other_sex: string;
  }>(
    `SELECT t.name AS study, s.code, o.station_id AS other, s.birth_year, o.birth_year AS other_birth_year, s.sex, o.sex AS other_sex
     FROM subjects s
     JOIN studies t ON t.station_id = s.station_id AND t.id = s.study_id
     JOIN studies ot ON ot.name = t.name AND ot.station_id <> t.station_id
     JOIN subjects o ON o.station_id = ot.station_id AND o.study_id = ot.id AND o.code = s.code
     WHERE s.station_id = $1
       AND ((s.birth_year IS NOT NULL AND o.birth_year IS NOT NULL AND s.birth_year <> o.birth_year)
         OR (s.sex <> 'unknown' AND o.sex <> 'unknown' AND s.sex <> o.sex))
     ORDER BY t.name, s.code, o.station_id`,
    [stationId],
  );
  return rows.map((r) => ({
    study: r.study,
    code: r.code,
    otherStation: r.other,
    differences: [
      ...(r.birth_year !== r.other_birth_year
        ? [`birth year ${r.birth_year ?? 'not recorded'} here, ${r.other_birth_year ?? 'not recorded'} there`]
        : []),
      ...(r.sex !== r.other_sex ? [`sex ${r.sex} here, ${r.other_sex} there`] : []),
    ],
  }));
}
