// The audit trail: one append-only table of who changed what, when, from which value to which. Each entry holds
// the previous entry's hash, so editing, removing or reordering past entries breaks the chain that `verify`
// walks; triggers refuse UPDATE and DELETE on the table. Every change is recorded through `record`.
import crypto from 'node:crypto';
import type { AuditRecord, AuditVerification } from '../../common/data-safety.ts';
import type { Db } from './database.ts';

export interface AuditEvent {
  action: string;
  entity: string;
  entityId?: string | number | null;
  /** The study the entry belongs to (exported with it); null for app-wide changes (models, backups). */
  studyId?: number | null;
  before?: unknown;
  after?: unknown;
}

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  study_id: number | null;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

/** The hash of an entry: its fields in a fixed order, chained to the previous entry's hash. */
function entryHash(row: Omit<AuditRow, 'hash'>): string {
  const fields = [
    row.seq,
    row.at,
    row.actor,
    row.action,
    row.entity,
    row.entity_id,
    row.study_id,
    row.before_json,
    row.after_json,
  ];
  return crypto
    .createHash('sha256')
    .update(`${row.prev_hash}\n${JSON.stringify(fields)}`)
    .digest('hex');
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

const toRecord = (r: AuditRow): AuditRecord => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  entity: r.entity,
  entityId: r.entity_id,
  before: r.before_json === null ? null : JSON.parse(r.before_json),
  after: r.after_json === null ? null : JSON.parse(r.after_json),
  hash: r.hash,
});

/** The fields whose values differ, as the before and after halves of an update entry; null when nothing changed. */
export function changed<T extends object>(
  before: T,
  after: Partial<T>,
): { before: Partial<T>; after: Partial<T> } | null {
  const keys = (Object.keys(after) as (keyof T)[]).filter(
    (k) => after[k] !== undefined && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  if (keys.length === 0) return null;
  const pick = (source: Partial<T>) => Object.fromEntries(keys.map((k) => [k, source[k]])) as Partial<T>;
  return { before: pick(before), after: pick(after) };
}

export class AuditTrail {
  readonly #db: Db;
  readonly #now: () => string;
  /** Who is working: the operating-system user, or the operator named at start. */
  actor: string;

  constructor(db: Db, actor: string, now: () => string = () => new Date().toISOString()) {
    this.#db = db;
    this.actor = actor;
    this.#now = now;
  }

  /** Appends one entry. Call it inside the transaction of the change it records, so both land or neither. */
  record(event: AuditEvent): void {
    const last = this.#db.prepare('SELECT seq, hash FROM audit_trail ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    const row = {
      seq: (last?.seq ?? 0) + 1,
      at: this.#now(),
      actor: this.actor,
      action: event.action,
      entity: event.entity,
      entity_id: event.entityId === undefined || event.entityId === null ? null : String(event.entityId),
      study_id: event.studyId ?? null,
      before_json: json(event.before),
      after_json: json(event.after),
      prev_hash: last?.hash ?? GENESIS,
    };
    this.#db
      .prepare(
        `INSERT INTO audit_trail (seq, at, actor, action, entity, entity_id, study_id, before_json, after_json, prev_hash, hash)
         VALUES (@seq, @at, @actor, @action, @entity, @entity_id, @study_id, @before_json, @after_json, @prev_hash, @hash)`,
      )
      .run({ ...row, hash: entryHash(row) });
  }

  /** Entries oldest first: all, one study's (with the app-wide ones when asked), or one entity's. */
  list(
    filter: { studyId?: number; withAppWide?: boolean; entity?: string; entityId?: string | number } = {},
  ): AuditRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.studyId !== undefined) {
      where.push(filter.withAppWide ? '(study_id = ? OR study_id IS NULL)' : 'study_id = ?');
      args.push(filter.studyId);
    }
    if (filter.entity !== undefined) {
      where.push('entity = ?');
      args.push(filter.entity);
    }
    if (filter.entityId !== undefined) {
      where.push('entity_id = ?');
      args.push(String(filter.entityId));
    }
    const sql = `SELECT * FROM audit_trail ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
    return (this.#db.prepare(sql).all(...args) as AuditRow[]).map(toRecord);
  }

  /** Walks the whole chain: every entry must link to the one before and hash to its stored hash. */
  verify(): AuditVerification {
    let previous = GENESIS;
    let expectedSeq = 1;
    let entries = 0;
    for (const row of this.#db
      .prepare('SELECT * FROM audit_trail ORDER BY seq')
      .iterate() as IterableIterator<AuditRow>) {
      const problem =
        row.seq !== expectedSeq
          ? `entry ${expectedSeq} is missing`
          : row.prev_hash !== previous
            ? `entry ${row.seq} does not link to the entry before it`
            : entryHash(row) !== row.hash
              ? `entry ${row.seq} was changed after it was written`
              : null;
      if (problem)
        return { ok: false, entries, head: previous === GENESIS ? null : previous, brokenAt: expectedSeq, problem };
      previous = row.hash;
      expectedSeq++;
      entries++;
    }
    return { ok: true, entries, head: entries ? previous : null, brokenAt: null, problem: null };
  }
}
