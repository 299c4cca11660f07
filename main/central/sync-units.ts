// Pushes one pending unit — a study, protocol, subject, or a session with everything recorded for it — in one
// central transaction. The unit's own row replaces the central copy only while that copy is still what this
// station last sent (or already equal); otherwise the central row was edited elsewhere and the edit is reported
// as a conflict, never overwritten. A session's recorded rows are the station's alone and are replaced whole.
import pg from 'pg';
import type { Db } from '../store/database.ts';
import { rowsOfSession, SESSION_CHILDREN, UNIT_TABLE, type SyncUnit } from '../store/sync-tables.ts';
import type { TableShape } from './central-schema.ts';
import { copySessionMedia, sessionMediaFiles, type SessionMediaSource } from './media-copy.ts';
import { insertRows, rowHash, rowJson, upsertRow, type Row } from './sync-rows.ts';

export type UnitOutcome = 'new' | 'changed' | 'unchanged' | 'deleted' | 'conflict' | 'waiting';

export interface PendingUnit {
  kind: SyncUnit;
  id: number;
  mark: number;
}

export interface UnitResult {
  outcome: UnitOutcome;
  /** The content hash of the unit's row as now on both sides (null: deleted, or not sent). */
  hash: string | null;
  mediaFiles: number;
  mediaBytes: number;
  conflict?: { table: string; rowId: number; station: string | null; central: string | null };
}

export interface UnitContext extends SessionMediaSource {
  shapes: Map<string, TableShape>;
  mediaRoot: string;
  signal?: AbortSignal | undefined;
}

const localRow = (db: Db, table: string, id: number) =>
  db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
const baseHash = (db: Db, table: string, id: number) =>
  (db.prepare('SELECT hash FROM sync_base WHERE tbl = ? AND id = ?').get(table, id) as { hash: string } | undefined)
    ?.hash;

/** What pushing the unit would do, without writing anything (the dry run; also the first step of a push). */
export async function classifyUnit(
  client: pg.ClientBase | null,
  ctx: UnitContext,
  unit: PendingUnit,
  lock = false,
): Promise<UnitResult & { local: Row | undefined }> {
  const table = UNIT_TABLE[unit.kind];
  const shape = ctx.shapes.get(table)!;
  const local = localRow(ctx.db, table, unit.id);
  const none = { mediaFiles: 0, mediaBytes: 0, local };
  // A session still recording goes once it is finished.
  if (local && unit.kind === 'session' && local.status === 'recording')
    return { outcome: 'waiting', hash: null, ...none };
  const central = client
    ? (
        await client.query<Row>(
          `SELECT * FROM ${table} WHERE station_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
          [ctx.stationId, unit.id],
        )
      ).rows[0]
    : undefined;
  // Judged on content: the station may write over the central row while that still holds what it last sent.
  const localHash = local ? rowHash(shape, local, true) : null;
  if (!central) return { outcome: local ? 'new' : 'unchanged', hash: localHash, ...none };
  const centralHash = rowHash(shape, central, true);
  if (centralHash !== localHash && centralHash !== baseHash(ctx.db, table, unit.id)) {
    return {
      outcome: 'conflict',
      hash: null,
      ...none,
      conflict: { table, rowId: unit.id, station: rowJson(shape, local), central: rowJson(shape, central) },
    };
  }
  if (!local) return { outcome: 'deleted', hash: null, ...none };
  const same = unit.kind !== 'session' && rowHash(shape, central) === rowHash(shape, local);
  return { outcome: same ? 'unchanged' : 'changed', hash: localHash, ...none };
}

/** Media files of a session the central database does not list with the same checksum (the dry run's count). */
export async function pendingMedia(
  client: pg.ClientBase | null,
  ctx: UnitContext,
  subjectId: number,
  sessionId: number,
): Promise<{ files: number; bytes: number }> {
  const known = await knownMedia(client, ctx.stationId, sessionId);
  const todo = sessionMediaFiles(ctx, subjectId, sessionId).filter(
    (f) => !f.expected || known.get(f.file) !== f.expected.sha256,
  );
  return { files: todo.length, bytes: todo.reduce((sum, f) => sum + (f.expected?.bytes ?? 0), 0) };
}

async function knownMedia(
  client: pg.ClientBase | null,
  stationId: string,
  sessionId: number,
): Promise<Map<string, string>> {
  if (!client) return new Map();
  const { rows } = await client.query<{ file: string; sha256: string }>(
    'SELECT file, sha256 FROM media_files WHERE station_id = $1 AND session_id = $2',
    [stationId, sessionId],
  );
  return new Map(rows.map((r) => [r.file, r.sha256]));
}

/** Pushes the unit (media first, then its rows in one transaction); the caller records the result on the station. */
export async function pushUnit(client: pg.ClientBase, ctx: UnitContext, unit: PendingUnit): Promise<UnitResult> {
  const table = UNIT_TABLE[unit.kind];
  const pre = await classifyUnit(client, ctx, unit);
  if (pre.outcome === 'waiting' || pre.outcome === 'conflict') return report(client, ctx, pre);
  // Media go before the rows that point at them: a session is listed centrally only with its files in place.
  const media =
    unit.kind === 'session' && pre.local
      ? await copySessionMedia(
          ctx,
          ctx.mediaRoot,
          pre.local.subject_id as number,
          unit.id,
          await knownMedia(client, ctx.stationId, unit.id),
          ctx.signal,
        )
      : [];
  await client.query('BEGIN');
  try {
    // Classified again under the row lock: another sync of the same station may have run meanwhile.
    const { local, ...result } = await classifyUnit(client, ctx, unit, true);
    if (result.outcome === 'conflict') {
      await client.query('COMMIT');
      return report(client, ctx, result);
    }
    if (result.outcome === 'deleted')
      await client.query(`DELETE FROM ${table} WHERE station_id = $1 AND id = $2`, [ctx.stationId, unit.id]);
    else if (local && result.outcome !== 'unchanged') {
      await upsertRow(client, ctx.shapes.get(table)!, ctx.stationId, local);
      if (unit.kind === 'session') await replaceSessionRows(client, ctx, unit.id, media);
    }
    // A conflict on this row reported earlier is settled once the station's row is in.
    await client.query(
      'UPDATE sync_conflicts SET resolved_at = now() WHERE station_id = $1 AND tbl = $2 AND row_id = $3 AND resolved_at IS NULL',
      [ctx.stationId, table, unit.id],
    );
    await client.query('COMMIT');
    const copied = media.filter((m) => m.copied);
    return { ...result, mediaFiles: copied.length, mediaBytes: copied.reduce((sum, m) => sum + m.bytes, 0) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

async function report(
  client: pg.ClientBase,
  ctx: UnitContext,
  result: UnitResult & { local?: Row | undefined },
): Promise<UnitResult> {
  const { local, ...rest } = result;
  const c = rest.conflict;
  if (c) {
    await client.query(
      `INSERT INTO sync_conflicts (station_id, tbl, row_id, station_hash, station_row, central_row) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (station_id, tbl, row_id, station_hash) DO NOTHING`,
      [
        ctx.stationId,
        c.table,
        c.rowId,
        local ? rowHash(ctx.shapes.get(c.table)!, local, true) : 'deleted',
        c.station,
        c.central,
      ],
    );
  }
  return rest;
}

/** The session's recorded rows on the central database become exactly the station's. */
async function replaceSessionRows(
  client: pg.ClientBase,
  ctx: UnitContext,
  sessionId: number,
  media: { file: string; path: string; bytes: number; sha256: string }[],
): Promise<void> {
  // One round trip for the deletes (ids are a generated UUID and an integer, quoted as literals); children of an
  // analysis or a reference go with it (ON DELETE CASCADE, as on the station).
  const where = `station_id = ${pg.escapeLiteral(ctx.stationId)} AND session_id = ${Number(sessionId)}`;
  const direct = Object.entries(SESSION_CHILDREN)
    .filter(([, { via }]) => !via)
    .map(([table]) => table);
  await client.query([...direct, 'media_files'].map((table) => `DELETE FROM ${table} WHERE ${where};`).join('\n'));
  for (const table of Object.keys(SESSION_CHILDREN)) {
    const rows = ctx.db.prepare(`SELECT * FROM ${table} WHERE ${rowsOfSession(table)}`).all(sessionId) as Row[];
    await insertRows(client, ctx.shapes.get(table)!, ctx.stationId, rows);
  }
  for (const m of media) {
    await client.query(
      'INSERT INTO media_files (station_id, session_id, file, path, bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6)',
      [ctx.stationId, sessionId, m.file, m.path, m.bytes, m.sha256],
    );
  }
}
