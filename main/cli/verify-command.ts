// `pulse-studio verify`: checks a data folder without changing it — the database's full integrity check, the
// audit trail's hash chain, and each session's media against the SHA-256 stored when it stopped. Read-only,
// so it may run while the app is open. Exit code 0 only when everything checked out.
import fs from 'node:fs';
import path from 'node:path';
import type { AuditVerification, SessionVerification } from '../../common/data-safety.ts';
import type { FolderKeys } from '../store/folder-key.ts';
import { openDatabaseFile } from '../crypto/sqlcipher.ts';
import { verifySessionMedia } from '../media/media-checksums.ts';
import { AuditTrail } from '../store/audit-trail.ts';
import { DATABASE_FILE } from '../store/data-dir.ts';
import { checkDatabaseFile, type FileCheck } from '../store/integrity.ts';
import type { ProgressBar } from './progress.ts';

export interface VerifyReport {
  dataDir: string;
  database: FileCheck;
  auditTrail: AuditVerification | null;
  sessions: SessionVerification[];
  ok: boolean;
}

/** `keys`: an encrypted folder's, unlocked by the caller (the CLI asks for the passphrase). */
export async function verifyDataFolder(
  dataDir: string,
  bar?: ProgressBar,
  keys: FolderKeys | null = null,
): Promise<VerifyReport> {
  const file = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(file)) throw new Error(`No Pulse Studio database in ${dataDir}`);
  const database = checkDatabaseFile(file, 'integrity_check', keys?.database ?? null);
  if (!database.ok) return { dataDir, database, auditTrail: null, sessions: [], ok: false };
  const db = openDatabaseFile(file, keys?.database ?? null, { readonly: true, fileMustExist: true });
  try {
    const hasTrail = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'audit_trail'").get() !== undefined;
    const auditTrail = hasTrail ? new AuditTrail(db, '').verify() : null;
    const ids = (db.prepare('SELECT id FROM sessions ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const sessions: SessionVerification[] = [];
    for (const [k, id] of ids.entries()) {
      bar?.update(k, ids.length, `session ${id}`);
      sessions.push(await verifySessionMedia({ db, dataDir, mediaKey: keys?.media ?? null }, id));
    }
    bar?.done();
    return { dataDir, database, auditTrail, sessions, ok: (auditTrail?.ok ?? true) && sessions.every((s) => s.ok) };
  } finally {
    db.close();
  }
}

/** The report in plain lines: what was checked, what passed, and each problem found. */
export function verifyText(r: VerifyReport): string {
  const lines = [`Data folder: ${r.dataDir}`];
  lines.push(
    r.database.ok
      ? 'Database: intact (full integrity check)'
      : `Database: DAMAGED\n  ${r.database.details.join('\n  ')}`,
  );
  if (r.auditTrail) {
    const t = r.auditTrail;
    lines.push(
      t.ok
        ? `Audit trail: ${t.entries} entries, hash chain intact, head ${t.head ?? '–'}`
        : `Audit trail: BROKEN at entry ${t.brokenAt}: ${t.problem}`,
    );
  } else if (r.database.ok) lines.push('Audit trail: none (this data folder predates it)');
  const files = r.sessions.flatMap((s) => s.files.map((f) => ({ ...f, sessionId: s.sessionId })));
  const count = (state: string) => files.filter((f) => f.state === state).length;
  if (r.database.ok) {
    lines.push(
      `Media: ${r.sessions.length} sessions, ${count('ok')} files match their checksums, ${count('changed')} changed, ${count('missing')} missing, ${count('damaged')} damaged, ${count('not-hashed')} without checksums`,
    );
  }
  for (const f of files.filter((x) => x.state === 'changed' || x.state === 'missing' || x.state === 'damaged'))
    lines.push(`  session ${f.sessionId}: ${f.file} ${f.state.toUpperCase()}${f.problem ? ` (${f.problem})` : ''}`);
  lines.push(
    r.ok
      ? 'Everything checked out.'
      : 'Problems were found: keep the data folder as it is and restore from a backup or contact support.',
  );
  return lines.join('\n');
}
