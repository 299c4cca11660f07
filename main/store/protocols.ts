// Study protocols (ordered timed steps) and their runs: a session keeps a copy of the protocol it ran and a log of
// what the runner and operator did (each step's start, skips, extensions, the end), from which steps are grouped.
import { AppError } from '../../common/ipc/result.ts';
import {
  protocolFields,
  type Protocol,
  type ProtocolEvent,
  type ProtocolEventInput,
  type ProtocolFields,
  type ProtocolRun,
  type StepRun,
} from '../../common/protocols.ts';
import { AuditedRepository } from './audited-repository.ts';

interface ProtocolRow {
  id: number;
  study_id: number;
  name: string;
  steps_json: string;
  archived: number;
  created_at: string;
  updated_at: string;
}

const toProtocol = (r: ProtocolRow): Protocol => ({
  id: r.id,
  studyId: r.study_id,
  name: r.name,
  steps: protocolFields.shape.steps.parse(JSON.parse(r.steps_json)),
  archived: r.archived === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Steps in session time from the run's log; a step still open at the end closes at `endS`. */
export function stepRuns(protocol: ProtocolFields, events: readonly ProtocolEvent[], endS: number): StepRun[] {
  const runs: StepRun[] = [];
  const open = () => (runs.at(-1)?.toS === Infinity ? runs.at(-1)! : null);
  for (const e of events) {
    const current = open();
    if (e.action === 'start') {
      if (current) current.toS = e.tS;
      const step = protocol.steps[e.step];
      if (!step) continue;
      runs.push({
        step: e.step,
        name: step.name,
        fromS: e.tS,
        toS: Infinity,
        plannedS: step.durationS,
        extendedS: 0,
        skipped: false,
      });
    } else if (current && e.step === current.step) {
      if (e.action === 'skip') current.skipped = true;
      if (e.action === 'extend') current.extendedS += e.extendS ?? 0;
      if (e.action === 'skip' || e.action === 'end') current.toS = e.tS;
    }
  }
  const last = open();
  if (last) last.toS = Math.max(last.fromS, endS);
  return runs;
}

export class ProtocolRepository extends AuditedRepository {
  list(studyId: number, { includeArchived = false } = {}): Protocol[] {
    return (
      this.db
        .prepare('SELECT * FROM protocols WHERE study_id = ? AND (? OR archived = 0) ORDER BY name COLLATE NOCASE')
        .all(studyId, includeArchived ? 1 : 0) as ProtocolRow[]
    ).map(toProtocol);
  }

  get(protocolId: number): Protocol {
    const row = this.db.prepare('SELECT * FROM protocols WHERE id = ?').get(protocolId) as ProtocolRow | undefined;
    if (!row) throw new AppError('not_found', `Protocol ${protocolId} does not exist`);
    return toProtocol(row);
  }

  #assertNameFree(studyId: number, name: string, except: number | null): void {
    const row = this.db
      .prepare('SELECT id FROM protocols WHERE study_id = ? AND name = ? COLLATE NOCASE AND id IS NOT ?')
      .get(studyId, name, except);
    if (row)
      throw new AppError('duplicate', `This study already has a protocol named "${name}"`, {
        name: 'A protocol of this study has this name',
      });
  }

  create(studyId: number, fields: ProtocolFields): Protocol {
    this.#assertNameFree(studyId, fields.name, null);
    const now = this.now();
    const id = this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO protocols (study_id, name, steps_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(studyId, fields.name, JSON.stringify(fields.steps), now, now);
      const id = Number(lastInsertRowid);
      this.audit.record({ action: 'create', entity: 'protocol', entityId: id, studyId, after: fields });
      return id;
    })();
    return this.get(id);
  }

  /** Edits change future runs only: sessions keep the copy they ran. */
  update(protocolId: number, fields: ProtocolFields): Protocol {
    const before = this.get(protocolId);
    this.#assertNameFree(before.studyId, fields.name, protocolId);
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE protocols SET name = ?, steps_json = ?, updated_at = ? WHERE id = ?')
        .run(fields.name, JSON.stringify(fields.steps), this.now(), protocolId);
      this.audit.record({
        action: 'update',
        entity: 'protocol',
        entityId: protocolId,
        studyId: before.studyId,
        before: { name: before.name, steps: before.steps },
        after: fields,
      });
    })();
    return this.get(protocolId);
  }

  setArchived(protocolId: number, archived: boolean): Protocol {
    const before = this.get(protocolId);
    if (before.archived === archived) return before;
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE protocols SET archived = ?, updated_at = ? WHERE id = ?')
        .run(archived ? 1 : 0, this.now(), protocolId);
      this.audit.record({
        action: archived ? 'archive' : 'restore',
        entity: 'protocol',
        entityId: protocolId,
        studyId: before.studyId,
      });
    })();
    return this.get(protocolId);
  }

  /** A recording starts running a protocol of its subject's study: the session keeps a copy, step 1 starts at 0. */
  begin(sessionId: number, protocolId: number): ProtocolRun {
    const protocol = this.get(protocolId);
    const session = this.db
      .prepare(
        'SELECT s.status, s.protocol_json, j.study_id FROM sessions s JOIN subjects j ON j.id = s.subject_id WHERE s.id = ?',
      )
      .get(sessionId) as { status: string; protocol_json: string | null; study_id: number } | undefined;
    if (!session) throw new AppError('not_found', `Session ${sessionId} does not exist`);
    if (session.study_id !== protocol.studyId)
      throw new AppError('invalid_input', `Protocol "${protocol.name}" belongs to another study`);
    if (session.status !== 'recording')
      throw new AppError('conflict', 'A protocol runs only while the session records');
    if (session.protocol_json !== null) throw new AppError('conflict', 'This session already runs a protocol');
    const copy = { id: protocol.id, name: protocol.name, steps: protocol.steps };
    this.db.transaction(() => {
      this.db.prepare('UPDATE sessions SET protocol_json = ? WHERE id = ?').run(JSON.stringify(copy), sessionId);
      this.audit.record({
        action: 'run',
        entity: 'protocol',
        entityId: protocol.id,
        studyId: protocol.studyId,
        after: { sessionId, name: protocol.name },
      });
    })();
    this.log({ sessionId, tS: 0, step: 0, action: 'start', extendS: null });
    return this.run(sessionId)!;
  }

  log(event: ProtocolEventInput): ProtocolEvent {
    const row = this.db.prepare('SELECT protocol_json FROM sessions WHERE id = ?').get(event.sessionId) as
      { protocol_json: string | null } | undefined;
    if (!row) throw new AppError('not_found', `Session ${event.sessionId} does not exist`);
    if (row.protocol_json === null) throw new AppError('conflict', 'This session runs no protocol');
    const steps = (JSON.parse(row.protocol_json) as ProtocolFields).steps.length;
    if (event.step >= steps) throw new AppError('invalid_input', `The protocol has ${steps} steps`);
    const now = this.now();
    this.db
      .prepare(
        'INSERT INTO protocol_events (session_id, t_s, step, action, detail_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        event.sessionId,
        event.tS,
        event.step,
        event.action,
        JSON.stringify(event.extendS === null ? {} : { extendS: event.extendS }),
        now,
      );
    return { tS: event.tS, step: event.step, action: event.action, extendS: event.extendS, createdAt: now };
  }

  events(sessionId: number): ProtocolEvent[] {
    const rows = this.db
      .prepare(
        'SELECT t_s AS tS, step, action, detail_json AS detail, created_at AS createdAt FROM protocol_events WHERE session_id = ? ORDER BY t_s, id',
      )
      .all(sessionId) as (Omit<ProtocolEvent, 'extendS'> & { detail: string })[];
    return rows.map(({ detail, ...e }) => ({
      ...e,
      extendS: (JSON.parse(detail) as { extendS?: number }).extendS ?? null,
    }));
  }

  /** The session's protocol run with its steps in session time; null when it ran none. */
  run(sessionId: number): ProtocolRun | null {
    const row = this.db
      .prepare(
        'SELECT protocol_json AS protocol, (SELECT (max(t_ms) - min(t_ms)) / 1000 FROM frames WHERE session_id = s.id) AS durationS FROM sessions s WHERE id = ?',
      )
      .get(sessionId) as { protocol: string | null; durationS: number | null } | undefined;
    if (!row?.protocol) return null;
    const protocol = JSON.parse(row.protocol) as ProtocolRun['protocol'];
    const events = this.events(sessionId);
    return { protocol, events, steps: stepRuns(protocol, events, row.durationS ?? events.at(-1)?.tS ?? 0) };
  }
}
