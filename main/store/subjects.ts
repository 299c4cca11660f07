// Subjects: pseudonymous study participants. Archived, not deleted; deletion of recordings needs confirmation.
import fs from 'node:fs';
import { allSessions, type Subject, type SubjectFields, type SubjectPatch } from '../../common/subjects.ts';
import { AppError } from '../../common/ipc/result.ts';
import { changed, type AuditTrail } from './audit-trail.ts';
import type { Db } from './database.ts';
import { subjectDir } from './data-dir.ts';
import { defined, type StudyRepository } from './studies.ts';

interface SubjectRow {
  id: number;
  study_id: number;
  code: string;
  birth_year: number | null;
  sex: Subject['sex'];
  skin_type: number | null;
  notes: string;
  consent_date: string | null;
  consent_version: string | null;
  archived: 0 | 1;
  created_at: string;
  updated_at: string;
  session_count: number;
  voided_session_count: number;
  last_session_at: string | null;
}

const SELECT = `
  SELECT s.*,
         (SELECT count(*) FROM sessions WHERE subject_id = s.id AND voided_at IS NULL) AS session_count,
         (SELECT count(*) FROM sessions WHERE subject_id = s.id AND voided_at IS NOT NULL) AS voided_session_count,
         (SELECT max(started_at) FROM sessions WHERE subject_id = s.id AND voided_at IS NULL) AS last_session_at
  FROM subjects s`;

const toSubject = (r: SubjectRow): Subject => ({
  id: r.id,
  studyId: r.study_id,
  code: r.code,
  birthYear: r.birth_year,
  sex: r.sex,
  skinType: r.skin_type,
  notes: r.notes,
  consentDate: r.consent_date,
  consentVersion: r.consent_version,
  archived: r.archived === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sessionCount: r.session_count,
  voidedSessionCount: r.voided_session_count,
  lastSessionAt: r.last_session_at,
});

/** The editable fields of a subject, as a form holds them. */
const fieldsOf = (s: Subject): SubjectFields => ({
  code: s.code,
  birthYear: s.birthYear,
  sex: s.sex,
  skinType: s.skinType,
  notes: s.notes,
  consentDate: s.consentDate,
  consentVersion: s.consentVersion,
});

/** Escapes LIKE wildcards so a search for "S_01" matches that text, not "S101". */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface ListSubjectsQuery {
  studyId: number;
  search: string;
  includeArchived: boolean;
}

export class SubjectRepository {
  readonly #db: Db;
  readonly #studies: StudyRepository;
  readonly #dataDir: string;
  readonly #audit: AuditTrail;
  readonly #now: () => string;

  constructor(
    db: Db,
    studies: StudyRepository,
    dataDir: string,
    audit: AuditTrail,
    now: () => string = () => new Date().toISOString(),
  ) {
    this.#db = db;
    this.#studies = studies;
    this.#dataDir = dataDir;
    this.#audit = audit;
    this.#now = now;
  }

  list({ studyId, search, includeArchived }: ListSubjectsQuery): Subject[] {
    this.#studies.get(studyId);
    const text = search.trim();
    const rows = this.#db
      .prepare(
        `${SELECT} WHERE s.study_id = ? AND (? OR s.archived = 0)
           AND (? = '' OR s.code LIKE ? ESCAPE '\\' OR s.notes LIKE ? ESCAPE '\\')
         ORDER BY s.archived, s.code COLLATE NOCASE`,
      )
      .all(studyId, includeArchived ? 1 : 0, text, likePattern(text), likePattern(text)) as SubjectRow[];
    return rows.map(toSubject);
  }

  get(id: number): Subject {
    const row = this.#db.prepare(`${SELECT} WHERE s.id = ?`).get(id) as SubjectRow | undefined;
    if (!row) throw new AppError('not_found', `Subject ${id} does not exist`);
    return toSubject(row);
  }

  create(studyId: number, fields: SubjectFields): Subject {
    this.#studies.get(studyId);
    this.#assertCodeFree(studyId, fields.code);
    const now = this.#now();
    const id = this.#db.transaction(() => {
      const { lastInsertRowid } = this.#db
        .prepare(
          `INSERT INTO subjects (study_id, code, birth_year, sex, skin_type, notes, consent_date, consent_version, created_at, updated_at)
           VALUES (@studyId, @code, @birthYear, @sex, @skinType, @notes, @consentDate, @consentVersion, @now, @now)`,
        )
        .run({ ...fields, studyId, now });
      const id = Number(lastInsertRowid);
      this.#audit.record({ action: 'create', entity: 'subject', entityId: id, studyId, after: fields });
      return id;
    })();
    return this.get(id);
  }

  /** Changes the fields given (consent included), leaving the others as they are; the audit trail keeps old → new. */
  update(id: number, patch: SubjectPatch): Subject {
    const current = this.get(id);
    const next: SubjectFields = { ...fieldsOf(current), ...defined(patch) };
    this.#assertCodeFree(current.studyId, next.code, id);
    const diff = changed(fieldsOf(current), next);
    if (!diff) return current;
    this.#db.transaction(() => {
      this.#db
        .prepare(
          `UPDATE subjects SET code = @code, birth_year = @birthYear, sex = @sex, skin_type = @skinType, notes = @notes,
             consent_date = @consentDate, consent_version = @consentVersion, updated_at = @now
           WHERE id = @id`,
        )
        .run({ ...next, id, now: this.#now() });
      this.#audit.record({ action: 'update', entity: 'subject', entityId: id, studyId: current.studyId, ...diff });
    })();
    return this.get(id);
  }

  setArchived(id: number, archived: boolean): Subject {
    const current = this.get(id);
    if (current.archived === archived) return current;
    this.#db.transaction(() => {
      this.#db
        .prepare('UPDATE subjects SET archived = ?, updated_at = ? WHERE id = ?')
        .run(archived ? 1 : 0, this.#now(), id);
      this.#audit.record({
        action: archived ? 'archive' : 'unarchive',
        entity: 'subject',
        entityId: id,
        studyId: current.studyId,
        before: { archived: !archived },
        after: { archived },
      });
    })();
    return this.get(id);
  }

  /**
   * Deletes a subject for good (e.g. consent withdrawn). With recorded sessions the caller must echo
   * the session count back, proving the user saw how much will be lost.
   */
  delete(id: number, confirmSessionCount?: number): { deletedSessions: number } {
    const subject = this.get(id);
    const all = allSessions(subject);
    if (all > 0 && confirmSessionCount !== all) {
      throw new AppError(
        'confirmation_required',
        `Subject ${subject.code} has ${all} recorded session(s). Deleting removes them and their videos for good; confirm with the session count, or archive the subject instead.`,
      );
    }
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM sessions WHERE subject_id = ?').run(id);
      this.#db.prepare('DELETE FROM subjects WHERE id = ?').run(id);
      this.#audit.record({
        action: 'delete',
        entity: 'subject',
        entityId: id,
        studyId: subject.studyId,
        before: { code: subject.code, sessions: subject.sessionCount },
      });
    })();
    fs.rmSync(subjectDir(this.#dataDir, id), { recursive: true, force: true });
    return { deletedSessions: all };
  }

  #assertCodeFree(studyId: number, code: string, exceptId?: number): void {
    const other = this.#db
      .prepare('SELECT id FROM subjects WHERE study_id = ? AND code = ? COLLATE NOCASE')
      .get(studyId, code) as { id: number } | undefined;
    if (other && other.id !== exceptId) {
      throw new AppError('duplicate', `Subject code "${code}" is already used in this study`, {
        code: 'This code is already used in this study',
      });
    }
  }
}
