// Sessions, their frame index (capture timestamps, face flags) and markers.
import { faceSeen } from '../../common/capture.ts';
import {
  type AuditEntry,
  type Marker,
  type Session,
  type SessionStart,
  type SessionStatus,
} from '../../common/sessions.ts';
import { AppError } from '../../common/ipc/result.ts';
import type { AuditTrail } from './audit-trail.ts';
import type { Db } from './database.ts';
import type { SubjectRepository } from './subjects.ts';

interface SessionRow {
  id: number;
  subject_id: number;
  source: Session['source'];
  status: SessionStatus;
  started_at: string;
  ended_at: string | null;
  camera_label: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  model_id: string | null;
  model_sha256: string | null;
  execution_provider: string | null;
  app_version: string;
  notes: string;
  voided_at: string | null;
  void_reason: string | null;
  voided_by: string | null;
  chosen_analysis_version: number | null;
  frame_count: number;
  first_ms: number | null;
  last_ms: number | null;
}

const SELECT = `
  SELECT s.*, count(f.idx) AS frame_count, min(f.t_ms) AS first_ms, max(f.t_ms) AS last_ms
  FROM sessions s LEFT JOIN frames f ON f.session_id = s.id`;

const toSession = (r: SessionRow): Session => ({
  id: r.id,
  subjectId: r.subject_id,
  source: r.source,
  status: r.status,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  cameraLabel: r.camera_label,
  width: r.width,
  height: r.height,
  fps: r.fps,
  modelId: r.model_id,
  modelSha256: r.model_sha256,
  executionProvider: r.execution_provider,
  appVersion: r.app_version,
  notes: r.notes,
  frameCount: r.frame_count,
  durationS: r.first_ms === null || r.last_ms === null ? 0 : (r.last_ms - r.first_ms) / 1000,
  voided: r.voided_at === null ? null : { at: r.voided_at, reason: r.void_reason ?? '', by: r.voided_by ?? '' },
  chosenAnalysisVersion: r.chosen_analysis_version,
});

export interface SessionOrigin {
  source: Session['source'];
  appVersion: string;
  modelId?: string | null;
  modelSha256?: string | null;
  executionProvider?: string | null;
}

export class SessionRepository {
  readonly #db: Db;
  readonly #subjects: SubjectRepository;
  readonly #audit: AuditTrail;
  readonly #now: () => string;

  constructor(
    db: Db,
    subjects: SubjectRepository,
    audit: AuditTrail,
    now: () => string = () => new Date().toISOString(),
  ) {
    this.#db = db;
    this.#subjects = subjects;
    this.#audit = audit;
    this.#now = now;
  }

  create(start: SessionStart, origin: SessionOrigin): Session {
    const subject = this.#subjects.get(start.subjectId);
    if (subject.archived)
      throw new AppError('conflict', `Subject ${subject.code} is archived: restore it before recording`);
    const now = this.#now();
    const id = this.#db.transaction(() => {
      const { lastInsertRowid } = this.#db
        .prepare(
          `INSERT INTO sessions (subject_id, source, status, started_at, camera_label, width, height, fps,
             model_id, model_sha256, execution_provider, app_version, notes, created_at)
           VALUES (@subjectId, @source, 'recording', @now, @cameraLabel, @width, @height, @fps,
             @modelId, @modelSha256, @executionProvider, @appVersion, @notes, @now)`,
        )
        .run({ modelId: null, modelSha256: null, executionProvider: null, ...start, ...origin, now });
      const id = Number(lastInsertRowid);
      this.#audit.record({
        action: 'create',
        entity: 'session',
        entityId: id,
        studyId: subject.studyId,
        after: { subjectId: subject.id, source: origin.source, notes: start.notes },
      });
      return id;
    })();
    return this.get(id);
  }

  #studyOf(sessionId: number): number | null {
    const row = this.#db
      .prepare('SELECT study_id FROM subjects WHERE id = (SELECT subject_id FROM sessions WHERE id = ?)')
      .get(sessionId) as { study_id: number } | undefined;
    return row?.study_id ?? null;
  }

  get(id: number): Session {
    const row = this.#db.prepare(`${SELECT} WHERE s.id = ? GROUP BY s.id`).get(id) as SessionRow | undefined;
    if (!row) throw new AppError('not_found', `Session ${id} does not exist`);
    return toSession(row);
  }

  /** A subject's sessions, newest first; voided ones only when asked for. */
  listForSubject(subjectId: number, { includeVoided = false } = {}): Session[] {
    this.#subjects.get(subjectId);
    const rows = this.#db
      .prepare(
        `${SELECT} WHERE s.subject_id = ? AND (? OR s.voided_at IS NULL) GROUP BY s.id ORDER BY s.started_at DESC`,
      )
      .all(subjectId, includeVoided ? 1 : 0) as SessionRow[];
    return rows.map(toSession);
  }

  /** Sets a finished session aside with a reason: its data stays; the audit log says who, when and why. */
  voidSession(sessionId: number, reason: string, by: string): Session {
    const session = this.get(sessionId);
    if (session.status === 'recording')
      throw new AppError('conflict', 'This session is still recording: stop it first');
    if (session.voided) throw new AppError('conflict', `This session was already voided (${session.voided.reason})`);
    this.#db.transaction(() => {
      this.#auditVoid(sessionId, null, reason, by);
      this.#db
        .prepare('UPDATE sessions SET voided_at = ?, void_reason = ?, voided_by = ? WHERE id = ?')
        .run(this.#now(), reason, by, sessionId);
    })();
    return this.get(sessionId);
  }

  /** Takes a voided session back into the subject's history (audited like the void). */
  restoreSession(sessionId: number, by: string): Session {
    const session = this.get(sessionId);
    if (!session.voided) return session;
    this.#db.transaction(() => {
      this.#auditVoid(sessionId, session.voided!.reason, null, by);
      this.#db
        .prepare('UPDATE sessions SET voided_at = NULL, void_reason = NULL, voided_by = NULL WHERE id = ?')
        .run(sessionId);
    })();
    return this.get(sessionId);
  }

  /** Chooses the analysis version the session shows, exports and reports (null: always the latest); audited. */
  chooseAnalysisVersion(sessionId: number, version: number | null, by: string): Session {
    const session = this.get(sessionId);
    if (
      version !== null &&
      !this.#db.prepare('SELECT 1 FROM analyses WHERE session_id = ? AND version = ?').get(sessionId, version)
    ) {
      throw new AppError('not_found', `Session ${sessionId} has no analysis version ${version}`);
    }
    if (session.chosenAnalysisVersion === version) return session;
    const text = (v: number | null) => (v === null ? 'latest' : String(v));
    this.#db.transaction(() => {
      this.#logEdit('sessions', sessionId, 'analysis version', text(session.chosenAnalysisVersion), text(version), by);
      this.#db.prepare('UPDATE sessions SET chosen_analysis_version = ? WHERE id = ?').run(version, sessionId);
    })();
    return this.get(sessionId);
  }

  /**
   * Deletes a finished session that holds no data: no frame, no analysis, no marker, no reference (its media folder,
   * empty of video, is the caller's). Anything recorded is voided instead, never deleted one by one.
   */
  deleteEmpty(sessionId: number, by: string): void {
    const session = this.get(sessionId);
    if (session.status === 'recording')
      throw new AppError('conflict', 'This session is still recording: stop it first');
    const held = this.#db
      .prepare(
        `SELECT (SELECT count(*) FROM analyses WHERE session_id = ?) AS analyses, (SELECT count(*) FROM markers WHERE session_id = ?) AS markers,
                (SELECT count(*) FROM hr_references WHERE session_id = ?) AS refs`,
      )
      .get(sessionId, sessionId, sessionId) as { analyses: number; markers: number; refs: number };
    if (session.frameCount > 0 || held.analyses > 0 || held.markers > 0 || held.refs > 0) {
      throw new AppError(
        'conflict',
        'This session holds recorded data: void it instead (it is kept, hidden and left out of exports)',
      );
    }
    this.#db.transaction(() => {
      this.#logEdit(
        'sessions',
        sessionId,
        'deleted',
        JSON.stringify({ startedAt: session.startedAt, source: session.source, status: session.status }),
        null,
        by,
      );
      this.#db.prepare('DELETE FROM sessions WHERE id = ?').run(sessionId);
    })();
  }

  /** Ids of sessions still marked as recording (after a crash, nothing is recording at start-up). */
  openSessionIds(): number[] {
    return (
      this.#db.prepare(`SELECT id FROM sessions WHERE status = 'recording' ORDER BY id`).all() as { id: number }[]
    ).map((r) => r.id);
  }

  /**
   * Frame indices continue the session's sequence; one transaction per chunk keeps a crash from tearing it.
   * Only a face detected in the frame itself counts as found (a held box is flagged in the crop file).
   */
  appendFrames(sessionId: number, firstIndex: number, timestampsMs: Float64Array, faceFound: Uint8Array): void {
    const insert = this.#db.prepare('INSERT INTO frames (session_id, idx, t_ms, face_found) VALUES (?, ?, ?, ?)');
    this.#db.transaction(() => {
      for (let i = 0; i < timestampsMs.length; i++)
        insert.run(sessionId, firstIndex + i, timestampsMs[i], faceSeen(faceFound[i]) ? 1 : 0);
    })();
  }

  /**
   * Removes a session that never finished (a cancelled import) with its frames and results. Finished
   * sessions are never removed this way; their media folder is the caller's to remove.
   */
  discard(sessionId: number): void {
    const studyId = this.#studyOf(sessionId);
    this.#db.transaction(() => {
      const removed = this.#db.prepare(`DELETE FROM sessions WHERE id = ? AND status = 'recording'`).run(sessionId);
      if (removed.changes === 0)
        throw new AppError('conflict', `Session ${sessionId} is finished: it is not discarded`);
      this.#audit.record({
        action: 'discard',
        entity: 'session',
        entityId: sessionId,
        studyId,
        before: { status: 'recording' },
      });
    })();
  }

  frameCount(sessionId: number): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM frames WHERE session_id = ?').get(sessionId) as { n: number })
      .n;
  }

  finish(sessionId: number, status: Exclude<SessionStatus, 'recording'>, endedAt = this.#now()): Session {
    this.#db.transaction(() => {
      const { changes } = this.#db
        .prepare(`UPDATE sessions SET status = ?, ended_at = ? WHERE id = ? AND status = 'recording'`)
        .run(status, endedAt, sessionId);
      if (changes)
        this.#audit.record({
          action: 'finish',
          entity: 'session',
          entityId: sessionId,
          studyId: this.#studyOf(sessionId),
          before: { status: 'recording' },
          after: { status, endedAt },
        });
    })();
    return this.get(sessionId);
  }

  /** Video format, for sessions whose format is only known after decoding (imports). */
  setFormat(sessionId: number, format: { width: number | null; height: number | null; fps: number | null }): void {
    this.#db
      .prepare('UPDATE sessions SET width = ?, height = ?, fps = ? WHERE id = ?')
      .run(format.width, format.height, format.fps, sessionId);
  }

  setRuntime(sessionId: number, runtime: Pick<SessionOrigin, 'modelId' | 'modelSha256' | 'executionProvider'>): void {
    this.#db
      .prepare('UPDATE sessions SET model_id = ?, model_sha256 = ?, execution_provider = ? WHERE id = ?')
      .run(runtime.modelId ?? null, runtime.modelSha256 ?? null, runtime.executionProvider ?? null, sessionId);
  }

  addMarker(sessionId: number, tS: number, label: string): Marker {
    this.get(sessionId);
    const id = this.#db.transaction(() => {
      const { lastInsertRowid } = this.#db
        .prepare('INSERT INTO markers (session_id, t_s, label, created_at) VALUES (?, ?, ?, ?)')
        .run(sessionId, tS, label, this.#now());
      const id = Number(lastInsertRowid);
      this.#audit.record({
        action: 'create',
        entity: 'marker',
        entityId: id,
        studyId: this.#studyOf(sessionId),
        after: { sessionId, tS, label },
      });
      return id;
    })();
    return this.#db
      .prepare(
        'SELECT id, session_id AS sessionId, t_s AS tS, label, created_at AS createdAt FROM markers WHERE id = ?',
      )
      .get(id) as Marker;
  }

  /** Replaces the session's notes, keeping the old text in the audit log. */
  updateNotes(sessionId: number, notes: string, by: string): Session {
    const before = this.get(sessionId);
    if (before.notes === notes) return before;
    this.#db.transaction(() => {
      this.#logEdit('sessions', sessionId, 'notes', before.notes, notes, by);
      this.#db.prepare('UPDATE sessions SET notes = ? WHERE id = ?').run(notes, sessionId);
    })();
    return this.get(sessionId);
  }

  /** Renames a marker, keeping the old label in the audit log. */
  updateMarker(markerId: number, label: string, by: string): Marker {
    const before = this.#db.prepare('SELECT label FROM markers WHERE id = ?').get(markerId) as
      { label: string } | undefined;
    if (!before) throw new AppError('not_found', `Marker ${markerId} does not exist`);
    if (before.label !== label) {
      this.#db.transaction(() => {
        this.#logEdit('markers', markerId, 'label', before.label, label, by);
        this.#db.prepare('UPDATE markers SET label = ? WHERE id = ?').run(label, markerId);
      })();
    }
    return this.#db
      .prepare(
        'SELECT id, session_id AS sessionId, t_s AS tS, label, created_at AS createdAt FROM markers WHERE id = ?',
      )
      .get(markerId) as Marker;
  }

  /** Edits of the session's notes and of its markers' labels, oldest first. */
  history(sessionId: number): AuditEntry[] {
    return this.#db
      .prepare(
        `SELECT id, CASE WHEN table_name = 'markers' THEN 'marker label' WHEN field = 'void' THEN 'session voided'
                         WHEN field = 'analysis version' THEN 'analysis version shown' ELSE 'session notes' END AS what, row_id AS rowId,
                old_value AS oldValue, new_value AS newValue, changed_at AS changedAt, changed_by AS changedBy
         FROM audit_log
         WHERE (table_name = 'sessions' AND row_id = ? AND field IN ('notes', 'void', 'analysis version'))
            OR (table_name = 'markers' AND row_id IN (SELECT id FROM markers WHERE session_id = ?))
         ORDER BY id`,
      )
      .all(sessionId, sessionId) as AuditEntry[];
  }

  /**
   * A void (old null, new the reason) or its undoing (old the reason, new null), in the history and the audit trail.
   */
  #auditVoid(sessionId: number, oldReason: string | null, newReason: string | null, by: string): void {
    this.#logEdit('sessions', sessionId, 'void', oldReason, newReason, by);
  }

  /** Session history (shown in Review) and the hash-chained audit trail, in the caller's transaction. */
  #logEdit(
    table: string,
    rowId: number,
    field: string,
    oldValue: string | null,
    newValue: string | null,
    by: string,
  ): void {
    this.#db
      .prepare(
        'INSERT INTO audit_log (table_name, row_id, field, old_value, new_value, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(table, rowId, field, oldValue, newValue, this.#now(), by);
    const sessionId =
      table === 'sessions'
        ? rowId
        : (this.#db.prepare('SELECT session_id AS id FROM markers WHERE id = ?').get(rowId) as { id: number }).id;
    const entity = table === 'sessions' ? 'session' : 'marker';
    this.#audit.record({
      action: 'update',
      entity,
      entityId: rowId,
      studyId: this.#studyOf(sessionId),
      before: { [field]: oldValue },
      after: { [field]: newValue },
    });
  }

  markers(sessionId: number): Marker[] {
    return this.#db
      .prepare(
        'SELECT id, session_id AS sessionId, t_s AS tS, label, created_at AS createdAt FROM markers WHERE session_id = ? ORDER BY t_s',
      )
      .all(sessionId) as Marker[];
  }
}
