// Studies: the top-level grouping of subjects, with the contact shown on participant reports.
import type { Study, StudyFields, StudyPatch } from '../../common/subjects.ts';
import { AppError } from '../../common/ipc/result.ts';
import { changed } from './audit-trail.ts';
import { AuditedRepository } from './audited-repository.ts';

interface StudyRow {
  id: number;
  name: string;
  description: string;
  contact: string;
  created_at: string;
  subject_count: number;
}

const SELECT = `
  SELECT s.id, s.name, s.description, s.contact, s.created_at,
         (SELECT count(*) FROM subjects WHERE study_id = s.id AND archived = 0) AS subject_count
  FROM studies s`;

const toStudy = (r: StudyRow): Study => ({
  id: r.id,
  name: r.name,
  description: r.description,
  contact: r.contact,
  createdAt: r.created_at,
  subjectCount: r.subject_count,
});

export const DEFAULT_STUDY_NAME = 'My study';

export class StudyRepository extends AuditedRepository {
  list(): Study[] {
    return (this.db.prepare(`${SELECT} ORDER BY s.name COLLATE NOCASE`).all() as StudyRow[]).map(toStudy);
  }

  get(id: number): Study {
    const row = this.db.prepare(`${SELECT} WHERE s.id = ?`).get(id) as StudyRow | undefined;
    if (!row) throw new AppError('not_found', `Study ${id} does not exist`);
    return toStudy(row);
  }

  create(fields: StudyFields): Study {
    this.#assertNameFree(fields.name);
    const id = this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO studies (name, description, contact, created_at) VALUES (?, ?, ?, ?)')
        .run(fields.name, fields.description, fields.contact, this.now());
      const id = Number(lastInsertRowid);
      this.audit.record({ action: 'create', entity: 'study', entityId: id, studyId: id, after: fields });
      return id;
    })();
    return this.get(id);
  }

  /** Changes the fields given, leaving the others as they are. */
  update(id: number, patch: StudyPatch): Study {
    const current = this.get(id);
    const next = { name: current.name, description: current.description, contact: current.contact, ...defined(patch) };
    this.#assertNameFree(next.name, id);
    const diff = changed(current, next);
    if (!diff) return current;
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE studies SET name = ?, description = ?, contact = ? WHERE id = ?')
        .run(next.name, next.description, next.contact, id);
      this.audit.record({ action: 'update', entity: 'study', entityId: id, studyId: id, ...diff });
    })();
    return this.get(id);
  }

  /** A fresh data folder gets one study so a newcomer can add subjects straight away. */
  ensureOne(): Study {
    return this.list()[0] ?? this.create({ name: DEFAULT_STUDY_NAME, description: '', contact: '' });
  }

  #assertNameFree(name: string, exceptId?: number): void {
    const other = this.db.prepare('SELECT id FROM studies WHERE name = ? COLLATE NOCASE').get(name) as
      { id: number } | undefined;
    if (other && other.id !== exceptId) {
      throw new AppError('duplicate', `A study named "${name}" already exists`, {
        name: 'A study with this name already exists',
      });
    }
  }
}

/** The given fields of a patch (an absent field is left unchanged, never cleared). */
export const defined = <T extends object>(patch: T): Partial<T> =>
  Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
