// Coordinator mode on the command line: `pulse-studio sessions|export|agreement --db …` read the central study
// database (PostgreSQL refuses writes on their connection) through a copy of each station's data, so the listing is
// Review's, the export of each station the one it would write itself (logged in the export log, export-audit.ts), and
// agreement pools every station's sessions.
import path from 'node:path';
import { RELIABILITY_WORDS } from '../../common/session-hr.ts';
import type { SessionOverview } from '../../common/results.ts';
import { sessionOverview } from '../store/session-results.ts';
import { pooledAgreement } from '../references/study-agreement.ts';
import { centralError, openCentral } from '../central/central-db.ts';
import { stationLabel, withStationCopies, type Snapshot } from '../central/central-snapshot.ts';
import { agreementText, splitOf } from './agreement-command.ts';
import type { ProgressBar } from './progress.ts';
import { exportRequestFor, studyOf, type ExportOptions } from '../reports/export-request.ts';
import { recordExport, type StationExport } from '../central/export-audit.ts';
import { requireExportLog } from '../central/coordinator.ts';
import { exportFrom } from './report-commands.ts';
import { centralUrlOf } from './sync-command.ts';

export interface CoordinatorValues {
  db?: string | undefined;
  media?: string | undefined;
}

async function onCentral<T>(
  values: CoordinatorValues,
  command: string,
  work: (copies: Snapshot[]) => Promise<T>,
  study: string | undefined,
): Promise<T> {
  const url = centralUrlOf(values, command);
  const pool = await openCentral(url, 1, { readOnly: true });
  try {
    return await withStationCopies(pool, values.media ? path.resolve(values.media) : null, study, work);
  } catch (error) {
    throw centralError(error, url);
  } finally {
    await pool.end();
  }
}

/**
 * One export per station that has the study, each as that station would write it (its media from --media); logged
 * in the study database's export log (who, when, which stations and sessions, where), or refused before writing.
 */
export async function centralExportCommand(
  o: ExportOptions & CoordinatorValues,
  appVersion: string,
  bar: ProgressBar,
): Promise<number> {
  const url = centralUrlOf(o, 'export');
  const log = await openCentral(url, 1);
  const written: StationExport[] = [];
  let study = o.study ?? '';
  let failure: unknown = null;
  try {
    await requireExportLog(log, url);
    await onCentral(
      o,
      'export',
      async (copies) => {
        for (const copy of copies) {
          study = studyOf(copy.store, o.study).name;
          const { sessionIds } = exportRequestFor(copy.store, o);
          const done = await exportFrom(copy.store, o, appVersion, bar, `${stationLabel(copy.stationId)}: `);
          written.push({ stationId: copy.stationId, sessionIds, path: done.path, files: done.files });
        }
      },
      o.study,
    );
  } catch (error) {
    failure = error;
  }
  // What was written is logged even when a later station's export failed.
  try {
    if (written.length)
      await recordExport((t, v) => log.query(t, v), {
        via: 'command',
        study,
        destination: path.resolve(o.out ?? '.'),
        stations: written,
      });
  } catch (error) {
    failure ??= error;
  } finally {
    await log.end();
  }
  if (failure) throw centralError(failure, url);
  return 0;
}

/** The study's agreement with contact references, pooled over every station's sessions. */
export function centralAgreementCommand(
  o: CoordinatorValues & { study?: string | undefined; split?: string | undefined; json: boolean },
): Promise<number> {
  const split = splitOf(o.split);
  return onCentral(
    o,
    'agreement',
    async (copies) => {
      const parts = copies.map((c) => ({
        store: c.store,
        studyId: studyOf(c.store, o.study).id,
        label: stationLabel(c.stationId),
      }));
      const result = pooledAgreement(parts, split);
      const name = studyOf(copies[0]!.store, o.study).name;
      process.stdout.write(
        o.json
          ? JSON.stringify(result, null, 1) + '\n'
          : `${agreementText(result, name)}\n(${copies.length} station${copies.length === 1 ? '' : 's'})\n`,
      );
      return 0;
    },
    o.study,
  );
}

/** A session of the listing: its station and subject code, and what Review shows of it. */
export interface CentralSessionRow extends SessionOverview {
  stationId: string;
  subjectCode: string;
}

function sessionLine(r: CentralSessionRow): string {
  const s = r.session;
  const hr =
    r.stats?.bpm != null
      ? `${r.stats.bpm.toFixed(1)} bpm (${RELIABILITY_WORDS[r.stats.reliability].toLowerCase()})`
      : r.stats
        ? RELIABILITY_WORDS.none.toLowerCase()
        : 'not analysed';
  const voided = s.voided ? `; voided: ${s.voided.reason}` : '';
  return `${stationLabel(r.stationId)}  ${r.subjectCode}  session ${s.id}  ${s.startedAt.slice(0, 16).replace('T', ' ')}  ${s.durationS.toFixed(1)} s  ${s.status}  ${hr}${voided}`;
}

/** Review's session listing of a study across stations: each session with its station, subject and heart rate. */
export function centralSessionsCommand(
  o: CoordinatorValues & { study?: string | undefined; json: boolean },
): Promise<number> {
  return onCentral(
    o,
    'sessions',
    async (copies) => {
      const rows: CentralSessionRow[] = copies.flatMap((c) => {
        const study = studyOf(c.store, o.study);
        return c.store.subjects.list({ studyId: study.id, search: '', includeArchived: true }).flatMap((subject) =>
          sessionOverview(c.store, subject.id, { includeVoided: true }).map((r) => ({
            stationId: c.stationId,
            subjectCode: subject.code,
            ...r,
          })),
        );
      });
      process.stdout.write(
        o.json
          ? JSON.stringify(rows, null, 1) + '\n'
          : `${rows.length} session(s) from ${copies.length} station(s)\n${rows.map(sessionLine).join('\n')}\n`,
      );
      return 0;
    },
    o.study,
  );
}
