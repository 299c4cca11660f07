// What a station's sync to the central study database did (or, in a dry run, would do), in one shape for the
// command line and the app, and the words both show it in; the app's sync request and state.
import { z } from 'zod';

export const SYNC_UNIT_NAMES = {
  study: 'studies',
  protocol: 'protocols',
  subject: 'subjects',
  session: 'sessions',
} as const;
export type SyncUnitKind = keyof typeof SYNC_UNIT_NAMES;

export interface SyncCounts {
  new: number;
  changed: number;
  unchanged: number;
  deleted: number;
  conflict: number;
  /** Sessions still recording: sent once finished. */
  waiting: number;
}

export interface SyncConflictReport {
  table: string;
  rowId: number;
  /** The station's row as JSON (null: the station deleted it). */
  station: string | null;
  /** The central row as JSON. */
  central: string | null;
}

/** A subject code this station uses that another station uses, in a study of the same name, for someone else. */
export interface SubjectCodeClash {
  study: string;
  code: string;
  otherStation: string;
  /** What differs, in words ("birth year 1980 here, 1975 there"). */
  differences: string[];
}

export interface SyncSummary {
  stationId: string;
  /** host:port/database (never the password). */
  database: string;
  dryRun: boolean;
  cancelled: boolean;
  startedAt: string;
  finishedAt: string;
  units: Record<SyncUnitKind, SyncCounts>;
  /** Audit-trail and edit-log entries sent (or to send). */
  logEntries: number;
  mediaFiles: number;
  mediaBytes: number;
  conflicts: SyncConflictReport[];
  /** Subject codes another station uses for a different person (absent in summaries kept by older versions). */
  codeClashes?: SubjectCodeClash[];
  /** Units still to send after this run (conflicts, sessions recording, a cancelled run's rest). */
  remaining: number;
}

export interface SyncProgress {
  done: number;
  total: number;
  label: string;
}

export const emptyCounts = (): SyncCounts => ({
  new: 0,
  changed: 0,
  unchanged: 0,
  deleted: 0,
  conflict: 0,
  waiting: 0,
});

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The summary in a few lines of plain words. */
export function syncSummaryText(s: SyncSummary): string {
  const verb = s.dryRun ? 'Would send' : s.cancelled ? 'Cancelled after sending' : 'Sent';
  const parts = (Object.keys(SYNC_UNIT_NAMES) as SyncUnitKind[])
    .map((k) => {
      const c = s.units[k];
      const bits = [
        c.new && `${c.new} new`,
        c.changed && `${c.changed} changed`,
        c.deleted && `${c.deleted} deleted`,
      ].filter(Boolean);
      return bits.length ? `${SYNC_UNIT_NAMES[k]}: ${bits.join(', ')}` : null;
    })
    .filter(Boolean);
  const lines = [
    `${verb} to ${s.database}: ${parts.length ? parts.join('; ') : 'no changed studies, subjects or sessions'}; ${s.logEntries} audit entries; ${s.mediaFiles} media files (${mb(s.mediaBytes)}).`,
  ];
  const waiting = s.units.session.waiting;
  if (waiting) lines.push(`${waiting} session${waiting === 1 ? ' is' : 's are'} still recording: sent once finished.`);
  for (const c of s.conflicts) {
    lines.push(
      `Conflict: ${c.table} ${c.rowId} was changed on the study database since this station last sent it; the station's ${c.station ? 'edit' : 'deletion'} was not applied. Make both sides agree (or ask the coordinator), then sync again.`,
    );
  }
  for (const c of s.codeClashes ?? []) {
    lines.push(
      `Subject code clash: ${c.code} in study "${c.study}" is also used by station ${c.otherStation.slice(0, 8)} for a different person (${c.differences.join('; ')}). Give one of them a new code at its station, then sync again.`,
    );
  }
  if (s.cancelled) lines.push(`${s.remaining} still to send: run the sync again to continue.`);
  return lines.join('\n');
}

/** Settings → Study database: what to sync to. The password is used for this sync only, never stored. */
export const studySyncRequest = z.strictObject({
  url: z
    .string()
    .trim()
    .min(1, 'Enter the study database (postgres://user@host:5432/database)')
    .max(2000)
    .regex(/^postgres(ql)?:\/\/\S+$/, 'Use a connection string like postgres://user@host:5432/study'),
  password: z.string().max(1000).default(''),
  mediaRoot: z.string().trim().min(1, 'Enter the shared media folder').max(4096),
  dryRun: z.boolean().default(false),
});
export type StudySyncRequest = z.output<typeof studySyncRequest>;

export interface StudySyncState {
  running: boolean;
  progress: SyncProgress | null;
  /** Why the last sync stopped, in words; null when it finished. */
  error: string | null;
  /** The summary of the last dry run started here (not kept across starts). */
  dryRun: SyncSummary | null;
  /** The last real sync's summary, as the station keeps it. */
  last: SyncSummary | null;
  /** The study database (without its password) and media folder last used. */
  settings: { url: string; mediaRoot: string } | null;
}
