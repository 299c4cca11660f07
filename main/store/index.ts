// The store: one data folder holding the SQLite database and per-session media folders.
import fs from 'node:fs';
import path from 'node:path';
import { AnalysisRepository } from './analyses.ts';
import { DATABASE_FILE, sessionDir } from './data-dir.ts';
import { openDatabase, type Db } from './database.ts';
import { SessionRepository } from './sessions.ts';
import { StudyRepository } from './studies.ts';
import { SubjectRepository } from './subjects.ts';

export interface Store {
  readonly dataDir: string;
  readonly db: Db;
  readonly studies: StudyRepository;
  readonly subjects: SubjectRepository;
  readonly sessions: SessionRepository;
  readonly analyses: AnalysisRepository;
  sessionDir(subjectId: number, sessionId: number): string;
  close(): void;
}

export function openStore(dataDir: string): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(path.join(dataDir, DATABASE_FILE));
  const studies = new StudyRepository(db);
  const subjects = new SubjectRepository(db, studies, dataDir);
  return {
    dataDir,
    db,
    studies,
    subjects,
    sessions: new SessionRepository(db, subjects),
    analyses: new AnalysisRepository(db),
    sessionDir: (subjectId, sessionId) => sessionDir(dataDir, subjectId, sessionId),
    close: () => db.close(),
  };
}

export { resolveDataDir, defaultDataDir, DATA_DIR_ENV } from './data-dir.ts';
export { AppError } from '../../common/ipc/result.ts';
