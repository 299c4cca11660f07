// The study database's export log: every export across stations (`export --db`, export jobs) leaves a row saying who
// exported (the database user, set by PostgreSQL, not by the app), when, which study, stations and sessions, and
// where the files went; `pulse-studio audit --db` lists it. Coordinators may add rows, never change them.
import os from 'node:os';
import type pg from 'pg';
import { stationLabel } from './central-snapshot.ts';
import type { RunSql } from './job-status.ts';

/** `db_user` and `exported_at` are left out of the columns coordinators may write, so only their defaults fill them. */
export const EXPORT_AUDIT_DDL = `CREATE TABLE IF NOT EXISTS export_audit (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  exported_at  timestamptz NOT NULL DEFAULT now(),
  db_user      text NOT NULL DEFAULT current_user,
  via          text NOT NULL,
  job_id       text UNIQUE,
  requested_by text,
  host         text NOT NULL,
  study        text NOT NULL,
  destination  text NOT NULL,
  stations     jsonb NOT NULL
)`;

/** The columns an exporter writes (COORDINATOR_GRANTS grants INSERT on these only). */
export const EXPORT_AUDIT_COLUMNS = 'via, job_id, requested_by, host, study, destination, stations';

export interface StationExport {
  stationId: string;
  sessionIds: number[];
  /** The export written (a job's: relative to the media root). */
  path: string;
  files: number;
}

export interface ExportEntry {
  via: 'command' | 'job';
  jobId?: string;
  /** For a job: the coordinator who queued it (as the job says). */
  requestedBy?: string | null;
  study: string;
  /** Where the files went: the command's --out folder, or the job's folder under the media root. */
  destination: string;
  stations: StationExport[];
}

export interface ExportLogRow extends Required<Omit<ExportEntry, 'jobId'>> {
  exportedAt: string;
  user: string;
  host: string;
  jobId: string | null;
}

/**
 * Adds an export's row (a retried job's once), session ids in ascending order. A command's row is a plain INSERT:
 * ON CONFLICT would also need SELECT on the log, which an exporter need not have.
 */
export async function recordExport(run: RunSql, e: ExportEntry): Promise<void> {
  const stations = e.stations.map((s) => ({ ...s, sessionIds: [...s.sessionIds].sort((a, b) => a - b) }));
  await run(
    `INSERT INTO export_audit (${EXPORT_AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)${e.jobId ? ' ON CONFLICT (job_id) DO NOTHING' : ''}`,
    [e.via, e.jobId ?? null, e.requestedBy ?? null, os.hostname(), e.study, e.destination, JSON.stringify(stations)],
  );
}

/** The newest `limit` exports, newest first; none when nothing was ever exported. */
export async function listExports(db: pg.Pool | pg.ClientBase, limit = 100): Promise<ExportLogRow[]> {
  if (!(await db.query(`SELECT to_regclass('export_audit') IS NOT NULL AS ok`)).rows[0].ok) return [];
  const { rows } = await db.query<{
    exported_at: Date;
    db_user: string;
    via: 'command' | 'job';
    job_id: string | null;
    requested_by: string | null;
    host: string;
    study: string;
    destination: string;
    stations: StationExport[];
  }>(`SELECT * FROM export_audit ORDER BY exported_at DESC, id LIMIT $1`, [limit]);
  return rows.map((r) => ({
    exportedAt: r.exported_at.toISOString(),
    user: r.db_user,
    via: r.via,
    jobId: r.job_id,
    requestedBy: r.requested_by,
    host: r.host,
    study: r.study,
    destination: r.destination,
    stations: r.stations,
  }));
}

/** The log in lines: one per export, its stations and sessions below it. */
export function exportLogText(rows: ExportLogRow[]): string {
  if (rows.length === 0) return 'No export across stations has been made from this study database.';
  return rows
    .map((r) => {
      const who = r.via === 'job' ? `job ${r.jobId} run by ${r.user}, queued by ${r.requestedBy ?? 'unknown'}` : r.user;
      const head = `${r.exportedAt.slice(0, 19).replace('T', ' ')} UTC  ${who} on ${r.host}  study ${r.study}  to ${r.destination}`;
      const lines = r.stations.map(
        (s) =>
          `  ${stationLabel(s.stationId)}: ${s.sessionIds.length} session(s) (${s.sessionIds.join(', ') || 'none'}), ${s.files} files, ${s.path}`,
      );
      return [head, ...lines].join('\n');
    })
    .join('\n');
}
