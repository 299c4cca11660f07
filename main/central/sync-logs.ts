// Pushes the append-only logs (the hash-chained audit trail, the older edit log) by increasing key: entries the
// central database has are never sent again, and an entry there that differs from the station's own is a
// diverged history (a copied data folder, or one restored from an older backup) that stops the sync.
import type pg from 'pg';
import type { Db } from '../store/database.ts';
import { APPEND_ONLY_LOGS } from '../store/sync-tables.ts';
import type { TableShape } from './central-schema.ts';
import { insertRows, rowHash, type Row } from './sync-rows.ts';
import { SyncError } from './sync-error.ts';

const LOG_BATCH = 5000;

export interface LogPlan {
  table: string;
  key: string;
  /** The newest key the central database holds for this station (0: none). */
  after: number;
  /** Entries still to send. */
  count: number;
}

/** What each log has to send; throws 'diverged' when the station's history differs from what it sent before. */
export async function planLogs(
  client: pg.ClientBase | null,
  db: Db,
  shapes: Map<string, TableShape>,
  stationId: string,
): Promise<LogPlan[]> {
  const plans: LogPlan[] = [];
  for (const [table, key] of Object.entries(APPEND_ONLY_LOGS)) {
    const shape = shapes.get(table)!;
    let after = 0;
    if (client) {
      const last = (
        await client.query<Row>(`SELECT * FROM ${table} WHERE station_id = $1 ORDER BY ${key} DESC LIMIT 1`, [
          stationId,
        ])
      ).rows[0];
      if (last) {
        after = last[key] as number;
        const mine = db.prepare(`SELECT * FROM ${table} WHERE ${key} = ?`).get(after) as Row | undefined;
        if (!mine || rowHash(shape, mine) !== rowHash(shape, last)) {
          throw new SyncError(
            'diverged',
            `This station's ${table === 'audit_trail' ? 'audit trail' : 'edit log'} differs from the one it sent to the study database before (entry ${after}). ` +
              "The data folder may be a copy of another station's folder, or restored from an older backup: nothing was sent. Ask the study's coordinator before syncing this folder.",
          );
        }
      }
    }
    const count = (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${key} > ?`).get(after) as { n: number }).n;
    plans.push({ table, key, after, count });
  }
  return plans;
}

/** Sends a log's new entries in batches, each committed on its own (a cut run resumes after the last batch). */
export async function pushLog(
  client: pg.ClientBase,
  db: Db,
  shape: TableShape,
  stationId: string,
  plan: LogPlan,
  onBatch: (sent: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  let after = plan.after;
  let sent = 0;
  const select = db.prepare(
    `SELECT * FROM ${plan.table} WHERE ${plan.key} > ? ORDER BY ${plan.key} LIMIT ${LOG_BATCH}`,
  );
  for (;;) {
    if (signal?.aborted) break;
    const rows = select.all(after) as Row[];
    if (rows.length === 0) break;
    await insertRows(client, shape, stationId, rows);
    after = rows.at(-1)![plan.key] as number;
    sent += rows.length;
    onBatch(sent);
  }
  return sent;
}
