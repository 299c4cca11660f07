// Coordinator mode on the study database: anyone with a login may read it (PostgreSQL refuses writes on those
// connections); changing it — queueing jobs, and exporting across stations, which is logged — is for coordinators:
// superusers and members of the `pulse_coordinator` role, which the database's administrator grants.
// COORDINATOR_GRANTS is the one place that says what the role may do; the account that sets up the job queue (the
// first worker) applies it.
import type pg from 'pg';
import { describeUrl } from './central-db.ts';
import { EXPORT_AUDIT_COLUMNS, EXPORT_AUDIT_DDL } from './export-audit.ts';
import { SyncError } from './sync-error.ts';

export const COORDINATOR_ROLE = 'pulse_coordinator';

/**
 * What a coordinator needs beyond SELECT on the station tables. pg-boss's `send` inserts a job row through the
 * schema's functions and its start registers an instance and takes timed slots (UPDATE on `version`, `instance`,
 * `job_common`): plain row rights on the `pgboss` tables, never ownership. Creating and migrating the schema, queue
 * tables and their indexes (DDL) stays with the owner: `enqueue` starts pg-boss without migrations, and a
 * coordinator's connection cannot change the queue's shape. Default privileges cover tables pg-boss adds later.
 * The results tables are read (jobs, audit); the export log is append-only, and its user and time columns are
 * filled by PostgreSQL's defaults (current_user, now()), never by the exporter.
 */
export const COORDINATOR_GRANTS = [
  `GRANT USAGE ON SCHEMA pgboss TO ${COORDINATOR_ROLE}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO ${COORDINATOR_ROLE}`,
  `GRANT USAGE ON ALL SEQUENCES IN SCHEMA pgboss TO ${COORDINATOR_ROLE}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA pgboss GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${COORDINATOR_ROLE}`,
  `GRANT SELECT ON reanalyses, job_progress, job_results TO ${COORDINATOR_ROLE}`,
  `GRANT SELECT, INSERT (${EXPORT_AUDIT_COLUMNS}) ON export_audit TO ${COORDINATOR_ROLE}`,
];

/**
 * Applies COORDINATOR_GRANTS where the role exists (its administrator creates it) and this user owns the queue's
 * schema (or is a superuser): only an owner can grant, so a worker run by another account leaves them alone.
 */
export async function grantCoordinators(db: pg.Pool | pg.ClientBase): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM pg_roles WHERE rolname = $1 AND EXISTS (SELECT 1 FROM pg_namespace n JOIN pg_roles u ON u.rolname = current_user
       WHERE n.nspname = 'pgboss' AND (u.rolsuper OR pg_has_role(current_user, n.nspowner, 'MEMBER')))`,
    [COORDINATOR_ROLE],
  );
  if (rows.length === 0) return false;
  for (const sql of COORDINATOR_GRANTS) {
    // A table another account created (an export log made by an exporter) is its owner's to grant on.
    await db.query(sql).catch((error: { code?: string }) => {
      if (error.code !== '42501') throw error;
    });
  }
  return true;
}

/** Who is connected and whether that user may change the study database. */
export async function coordinatorStatus(db: pg.Pool | pg.ClientBase): Promise<{ user: string; coordinator: boolean }> {
  const { rows } = await db.query<{ user: string; coordinator: boolean }>(
    `SELECT current_user AS user, r.rolsuper OR EXISTS (SELECT 1 FROM pg_roles c WHERE c.rolname = $1 AND pg_has_role(current_user, c.oid, 'member')) AS coordinator
     FROM pg_roles r WHERE r.rolname = current_user`,
    [COORDINATOR_ROLE],
  );
  return rows[0]!;
}

/** Refuses, in words, a change asked by a user who is not a coordinator; the coordinator's user name. */
export async function requireCoordinator(db: pg.Pool | pg.ClientBase, url: string, what: string): Promise<string> {
  const { user, coordinator } = await coordinatorStatus(db);
  if (coordinator) return user;
  throw new SyncError(
    'refused',
    `${user} may read the study database at ${describeUrl(url)} but not change it: ${what} is for coordinators (its administrator runs GRANT ${COORDINATOR_ROLE} TO "${user}"). Nothing was changed.`,
  );
}

/**
 * Before an export across stations writes anything: the log exists (created here when this user may) and this user
 * may add to it; otherwise refused in words, so no export goes unlogged.
 */
export async function requireExportLog(db: pg.Pool, url: string): Promise<void> {
  try {
    await db.query(EXPORT_AUDIT_DDL);
  } catch {
    // Not this user's to create: the check below says so in words.
  }
  const { rows } = await db.query<{ user: string; ok: boolean }>(
    // CASE, not AND: has_column_privilege fails outright on a table that does not exist.
    `SELECT current_user AS user, CASE WHEN to_regclass('export_audit') IS NULL THEN false
       ELSE has_column_privilege('export_audit', 'study', 'INSERT') END AS ok`,
  );
  const { user, ok } = rows[0]!;
  if (ok) return;
  throw new SyncError(
    'refused',
    `${user} may read the study database at ${describeUrl(url)} but not write its export log, where every export across stations is recorded: its administrator runs GRANT ${COORDINATOR_ROLE} TO "${user}". Nothing was exported.`,
  );
}
