// Evaluation and export jobs on the study database's queue: a worker copies each station's data of the study from
// the central database (central-snapshot), runs the station's own agreement or export on it, and stores the result
// in `job_results` inside the job's transaction; exports are written under <media root>/exports/<job id>/ and logged
// in `export_audit` in the same transaction.
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { z } from 'zod';
import { AGREEMENT_SPLITS, type StudyAgreement } from '../../common/references.ts';
import { VIDEO_CHOICES } from '../../common/reports.ts';
import { pooledAgreement } from '../references/study-agreement.ts';
import { exportRequestFor, studyOf } from '../reports/export-request.ts';
import { runExport } from '../reports/research-export.ts';
import { snapshotStation, stationLabel, stationsOf, withStationCopies } from './central-snapshot.ts';
import { recordExport, type StationExport } from './export-audit.ts';
import { SyncError } from './sync-error.ts';

export const evaluateJob = z.strictObject({
  study: z.string().trim().min(1, 'An evaluation job needs a study'),
  split: z.enum(AGREEMENT_SPLITS).default('none'),
});
export type EvaluateJob = z.output<typeof evaluateJob>;

/** The export's choices (as `pulse-studio export` takes them); each station's export as that station writes it. */
export const exportJob = z.strictObject({
  study: z.string().trim().min(1, 'An export job needs a study'),
  video: z.enum(VIDEO_CHOICES).default('omit'),
  demographics: z.boolean().default(false),
  freeText: z.boolean().default(false),
  realDates: z.boolean().default(false),
  folder: z.boolean().default(false),
  /** The database user who queued the job (for the export log). */
  requestedBy: z.string().nullable().default(null),
});
export type ExportJob = z.output<typeof exportJob>;

/** Where an export job's files go, under the shared media root. */
export const EXPORTS_FOLDER = 'exports';

/** Evaluation and export results: one row per job (its id the key, so a retried job stores its result once). */
export const JOB_RESULTS_DDL = `CREATE TABLE IF NOT EXISTS job_results (
  job_id     text PRIMARY KEY,
  kind       text NOT NULL,
  study      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  worker     text NOT NULL,
  summary    text NOT NULL,
  result     jsonb NOT NULL
)`;

export interface StudyJobContext {
  jobId: string;
  data: unknown;
  /** The worker's own connection (reads of committed station data). */
  pool: pg.Pool;
  mediaRoot: string;
  worker: string;
  progress: (done: number, total: number, label: string) => Promise<void>;
  /** Stores the job's result inside the job's transaction. */
  store: (sql: string, values: unknown[]) => Promise<unknown>;
}

async function storeResult(
  ctx: StudyJobContext,
  kind: string,
  study: string,
  summary: string,
  result: unknown,
): Promise<string> {
  await ctx.store(
    `INSERT INTO job_results (job_id, kind, study, worker, summary, result) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (job_id) DO NOTHING`,
    [ctx.jobId, kind, study, ctx.worker, summary, JSON.stringify(result)],
  );
  return summary;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The study's agreement with contact references pooled over every station's sessions (as `agreement --db`). */
export async function evaluationJob(ctx: StudyJobContext): Promise<string> {
  const data = evaluateJob.parse(ctx.data);
  let stations = 0;
  const result: StudyAgreement = await withStationCopies(
    ctx.pool,
    null,
    data.study,
    async (copies) => {
      stations = copies.length;
      await ctx.progress(copies.length, copies.length + 1, 'pooling the agreement');
      return pooledAgreement(
        copies.map((c) => ({
          store: c.store,
          studyId: studyOf(c.store, data.study).id,
          label: stationLabel(c.stationId),
        })),
        data.split,
      );
    },
    (k, n, id) => ctx.progress(k, n + 1, `copying ${stationLabel(id)}`),
  );
  const app = result.overall[0];
  const figures =
    app && app.n > 0
      ? `: MAE ${app.maeBpm?.toFixed(1) ?? '–'} bpm over ${plural(app.n, 'window')} (app's reading)`
      : ': no session with a contact reference and an analysis';
  return storeResult(
    ctx,
    'evaluate',
    data.study,
    `${plural(result.sessions, 'session')} from ${plural(stations, 'station')}${figures}`,
    { stations, agreement: result },
  );
}

/** One export per station that has the study, under <media root>/exports/<job id>/<station id>/. */
export async function exportStudyJob(ctx: StudyJobContext, appVersion: string): Promise<string> {
  const data = exportJob.parse(ctx.data);
  const stations = await stationsOf(ctx.pool, data.study);
  if (stations.length === 0)
    throw new SyncError('refused', `No station has synced a study named "${data.study}" to the study database`);
  const folder = path.join(ctx.mediaRoot, EXPORTS_FOLDER, ctx.jobId);
  fs.rmSync(folder, { recursive: true, force: true }); // a retried job starts again
  const exports: (StationExport & { sessions: number })[] = [];
  for (const [k, stationId] of stations.entries()) {
    await ctx.progress(k, stations.length, `exporting ${stationLabel(stationId)}`);
    const out = path.join(folder, stationId);
    fs.mkdirSync(out, { recursive: true });
    const copy = await snapshotStation(ctx.pool, stationId, ctx.mediaRoot);
    try {
      const options = {
        study: data.study,
        out,
        folder: data.folder,
        video: data.video,
        demographics: data.demographics,
        'free-text': data.freeText,
        'real-dates': data.realDates,
        json: false,
      };
      const request = exportRequestFor(copy.store, options);
      const done = await runExport(copy.store, request, { appVersion });
      exports.push({
        stationId,
        sessionIds: request.sessionIds,
        path: path.relative(ctx.mediaRoot, done.path).split(path.sep).join('/'),
        sessions: done.sessions,
        files: done.files,
      });
    } finally {
      copy.dispose();
    }
  }
  const sessions = exports.reduce((n, e) => n + e.sessions, 0);
  const where = [EXPORTS_FOLDER, ctx.jobId].join('/');
  await recordExport(ctx.store, {
    via: 'job',
    jobId: ctx.jobId,
    requestedBy: data.requestedBy,
    study: data.study,
    destination: folder,
    stations: exports.map((e) => ({ stationId: e.stationId, sessionIds: e.sessionIds, path: e.path, files: e.files })),
  });
  return storeResult(
    ctx,
    'export',
    data.study,
    `${plural(sessions, 'session')} from ${plural(stations.length, 'station')} exported to ${where}/ in the media folder`,
    { exports },
  );
}
