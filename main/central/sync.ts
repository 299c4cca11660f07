// `pulse-studio sync` (and Settings → Study database): pushes this station's data to the central study database
// — the audit trail and edit log first, then every pending study, protocol, subject and session with its media —
// idempotently: each unit is one central transaction and leaves the station's pending list only after it
// committed, so a sync cut anywhere is finished by running it again, with nothing sent twice or lost.
import type pg from 'pg';
import {
  emptyCounts,
  SYNC_UNIT_NAMES,
  type SyncProgress,
  type SyncSummary,
  type SyncUnitKind,
} from '../../common/study-sync.ts';
import type { MediaKey } from '../crypto/media-io.ts';
import { schemaVersion, type Db } from '../store/database.ts';
import { stationId } from '../store/station-migration.ts';
import { SYNC_UNITS, UNIT_TABLE } from '../store/sync-tables.ts';
import { ensureCentralSchema, stationTableShapes } from './central-schema.ts';
import { centralError, describeUrl, openCentral } from './central-db.ts';
import { subjectCodeClashes } from './code-clashes.ts';
import { SyncError } from './sync-error.ts';
import { planLogs, pushLog } from './sync-logs.ts';
import {
  classifyUnit,
  pendingMedia,
  pushUnit,
  type PendingUnit,
  type UnitContext,
  type UnitResult,
} from './sync-units.ts';

export interface SyncSource {
  db: Db;
  dataDir: string;
  mediaKey: MediaKey;
}

export interface SyncOptions {
  url: string;
  /** The shared media root (a mounted network share or bucket) media files are copied to. */
  mediaRoot: string;
  appVersion: string;
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: SyncProgress) => void;
}

const LAST_SUMMARY = 'last_summary';
/** Sent units are cleared from the station's list this often (see push). */
const FLUSH_UNITS = 200;
const FLUSH_MS = 2000;
/** Units sent side by side (each on its own connection): a sync waits mostly on round trips and disk flushes. */
const LANES = 4;

/**
 * Units to send, deletions child-first (sessions before their subject), the rest
 * parent-first; `everything`: every unit.
 */
function pendingUnits(db: Db, everything = false): PendingUnit[] {
  return phases(db, everything).flatMap((p) => p.units);
}

/**
 * The deletions, one at a time (child-first), then each kind in turn (parent-first), whose units are independent of
 * each other and may be sent side by side.
 */
function phases(db: Db, everything = false): { units: PendingUnit[]; parallel: boolean }[] {
  const all = everything
    ? Object.entries(UNIT_TABLE).flatMap(([kind, table]) =>
        (db.prepare(`SELECT id FROM ${table}`).all() as { id: number }[]).map((r) => ({
          kind: kind as SyncUnitKind,
          id: r.id,
          mark: 0,
        })),
      )
    : (db.prepare('SELECT kind, id, mark FROM sync_pending').all() as PendingUnit[]);
  const exists = (u: PendingUnit) =>
    db.prepare(`SELECT 1 FROM ${UNIT_TABLE[u.kind]} WHERE id = ?`).get(u.id) !== undefined;
  const order = (u: PendingUnit) => SYNC_UNITS.indexOf(u.kind);
  const gone = all.filter((u) => !exists(u)).sort((a, b) => order(b) - order(a) || a.id - b.id);
  const present = all.filter(exists);
  return [
    { units: gone, parallel: false },
    ...SYNC_UNITS.map((kind) => ({
      units: present.filter((u) => u.kind === kind).sort((a, b) => a.id - b.id),
      parallel: true,
    })),
  ].filter((p) => p.units.length > 0);
}

/** Sends a phase's units over the given connections, each taking the next unit; stops at cancel or the first error. */
async function pushPhase(
  phase: { units: PendingUnit[] },
  lanes: pg.ClientBase[],
  ctx: UnitContext,
  record: (unit: PendingUnit, result: UnitResult) => void,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async (client: pg.ClientBase) => {
    while (!failed && !signal?.aborted && next < phase.units.length) {
      const unit = phase.units[next++]!;
      try {
        record(unit, await pushUnit(client, ctx, unit));
      } catch (error) {
        failed = true;
        if (!(error instanceof SyncError && error.code === 'cancelled')) throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(lanes.map(lane));
  const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/** A new central database (or the first sync): everything is sent again and the old bases mean nothing. */
function startOver(db: Db): void {
  db.transaction(() => {
    for (const [kind, table] of Object.entries(UNIT_TABLE))
      db.exec(
        `INSERT INTO sync_pending (kind, id) SELECT '${kind}', id FROM ${table} WHERE true ON CONFLICT DO NOTHING`,
      );
    db.exec('DELETE FROM sync_base');
  })();
}

/** The last sync's summary on this station (Settings shows it); null before the first. */
export function lastSyncSummary(db: Db): SyncSummary | null {
  const row = db.prepare('SELECT value FROM sync_state WHERE key = ?').get(LAST_SUMMARY) as
    { value: string } | undefined;
  return row ? (JSON.parse(row.value) as SyncSummary) : null;
}

export async function syncStation(source: SyncSource, options: SyncOptions): Promise<SyncSummary> {
  const { db } = source;
  const station = stationId(db);
  const summary: SyncSummary = {
    stationId: station,
    database: describeUrl(options.url),
    dryRun: options.dryRun ?? false,
    cancelled: false,
    startedAt: new Date().toISOString(),
    finishedAt: '',
    units: Object.fromEntries(SYNC_UNITS.map((k) => [k, emptyCounts()])) as SyncSummary['units'],
    logEntries: 0,
    mediaFiles: 0,
    mediaBytes: 0,
    conflicts: [],
    remaining: 0,
  };
  const pool = await openCentral(options.url, LANES);
  const client = await pool.connect();
  try {
    const shapes = new Map(stationTableShapes(db).map((s) => [s.name, s]));
    const version = schemaVersion(db);
    const ctx: UnitContext = {
      ...source,
      stationId: station,
      shapes,
      mediaRoot: options.mediaRoot,
      signal: options.signal,
    };
    if (summary.dryRun) await dryRun(client, db, ctx, summary);
    else await push(pool, client, db, ctx, summary, version, options);
  } catch (error) {
    throw centralError(error, options.url);
  } finally {
    client.release();
    await pool.end();
  }
  summary.finishedAt = new Date().toISOString();
  if (!summary.dryRun)
    db.prepare('INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)').run(
      LAST_SUMMARY,
      JSON.stringify(summary),
    );
  return summary;
}

async function push(
  pool: pg.Pool,
  client: pg.ClientBase,
  db: Db,
  ctx: UnitContext,
  summary: SyncSummary,
  version: number,
  options: SyncOptions,
): Promise<void> {
  const centralId = await ensureCentralSchema(client, [...ctx.shapes.values()], version);
  await client.query(
    `INSERT INTO stations (id, schema_version, app_version) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET schema_version = EXCLUDED.schema_version, app_version = EXCLUDED.app_version`,
    [ctx.stationId, version, options.appVersion],
  );
  const known = db.prepare(`SELECT value FROM sync_state WHERE key = 'central'`).get() as { value: string } | undefined;
  if (known?.value !== centralId) {
    startOver(db);
    db.prepare(`INSERT OR REPLACE INTO sync_state (key, value) VALUES ('central', ?)`).run(centralId);
  }
  const logs = await planLogs(client, db, ctx.shapes, ctx.stationId);
  const plan = phases(db);
  const total = logs.reduce((n, l) => n + l.count, 0) + plan.reduce((n, p) => n + p.units.length, 0);
  let done = 0;
  const progress = (label: string) => options.onProgress?.({ done, total, label });
  // History first: every central row's state is explained by the audit entries already there.
  for (const plan of logs) {
    const base = done;
    summary.logEntries += await pushLog(
      client,
      db,
      ctx.shapes.get(plan.table)!,
      ctx.stationId,
      plan,
      (sent) => (
        (done = base + sent),
        progress(`${sent} of ${plan.count} ${plan.table === 'audit_trail' ? 'audit entries' : 'edit-log entries'}`)
      ),
      options.signal,
    );
  }
  const clear = db.prepare('DELETE FROM sync_pending WHERE kind = ? AND id = ? AND mark = ?');
  const setBase = db.prepare('INSERT OR REPLACE INTO sync_base (tbl, id, hash) VALUES (?, ?, ?)');
  const dropBase = db.prepare('DELETE FROM sync_base WHERE tbl = ? AND id = ?');
  // Units sent are taken off the station's list in batches (one durable write each, not one per unit): a run cut
  // before a batch is written sends those units again, which replaces them with themselves.
  let sent: { unit: PendingUnit; hash: string | null }[] = [];
  let flushedAt = performance.now();
  const flush = db.transaction(() => {
    for (const { unit, hash } of sent) {
      clear.run(unit.kind, unit.id, unit.mark);
      if (hash) setBase.run(UNIT_TABLE[unit.kind], unit.id, hash);
      else dropBase.run(UNIT_TABLE[unit.kind], unit.id);
    }
    sent = [];
    flushedAt = performance.now();
  });
  const record = (unit: PendingUnit, result: UnitResult) => {
    summary.units[unit.kind][result.outcome]++;
    summary.mediaFiles += result.mediaFiles;
    summary.mediaBytes += result.mediaBytes;
    if (result.conflict) summary.conflicts.push(result.conflict);
    // Only a unit that committed centrally leaves the list, and only if it did not change meanwhile (`mark`).
    if (result.outcome !== 'conflict' && result.outcome !== 'waiting') sent.push({ unit, hash: result.hash });
    if (sent.length >= FLUSH_UNITS || performance.now() - flushedAt > FLUSH_MS) flush();
    done++;
    progress(
      `${summary.units[unit.kind].new + summary.units[unit.kind].changed + summary.units[unit.kind].unchanged} ${SYNC_UNIT_NAMES[unit.kind]}`,
    );
  };
  const lanes = [client, ...(await Promise.all(Array.from({ length: LANES - 1 }, () => pool.connect())))];
  try {
    for (const phase of plan) await pushPhase(phase, phase.parallel ? lanes : [client], ctx, record, options.signal);
  } finally {
    flush();
    for (const lane of lanes.slice(1)) (lane as pg.PoolClient).release();
  }
  summary.cancelled = options.signal?.aborted ?? false;
  summary.remaining = (db.prepare('SELECT count(*) AS n FROM sync_pending').get() as { n: number }).n;
  await client.query('UPDATE stations SET last_sync_at = now() WHERE id = $1', [ctx.stationId]);
  summary.codeClashes = await subjectCodeClashes(client, ctx.stationId);
}

/** Counts what a sync would send and which edits would conflict, reading the central database only. */
async function dryRun(client: pg.ClientBase, db: Db, ctx: UnitContext, summary: SyncSummary): Promise<void> {
  const exists = (await client.query(`SELECT to_regclass('central_info') IS NOT NULL AS ok`)).rows[0].ok as boolean;
  const centralId = exists
    ? ((await client.query('SELECT id FROM central_info')).rows[0]?.id as string | undefined)
    : undefined;
  const known = db.prepare(`SELECT value FROM sync_state WHERE key = 'central'`).get() as { value: string } | undefined;
  // A new central database gets everything; nothing is written on either side.
  const units = pendingUnits(db, !centralId || known?.value !== centralId);
  const reader = exists ? client : null;
  summary.logEntries = (await planLogs(reader, db, ctx.shapes, ctx.stationId)).reduce((n, l) => n + l.count, 0);
  for (const unit of units) {
    const result = await classifyUnit(reader, ctx, unit);
    summary.units[unit.kind][result.outcome]++;
    if (result.conflict) summary.conflicts.push(result.conflict);
    if (unit.kind === 'session' && result.local && (result.outcome === 'new' || result.outcome === 'changed')) {
      const media = await pendingMedia(reader, ctx, result.local.subject_id as number, unit.id);
      summary.mediaFiles += media.files;
      summary.mediaBytes += media.bytes;
    }
  }
  summary.remaining = units.length;
}
