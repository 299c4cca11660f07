// Coordinator mode on the study database: anyone with a login may read it (PostgreSQL refuses writes on those
// connections); changing it — queueing jobs — is for coordinators: superusers and members of the
// `pulse_coordinator` role, which the database's administrator grants.
import type pg from 'pg';
import { describeUrl } from './central-db.ts';
import { SyncError } from './sync-error.ts';

export const COORDINATOR_ROLE = 'pulse_coordinator';

/** Who is connected and whether that user may change the study database. */
export async function coordinatorStatus(db: pg.Pool | pg.ClientBase): Promise<{ user: string; coordinator: boolean }> {
  const { rows } = await db.query<{ user: string; coordinator: boolean }>(
    `SELECT current_user AS user, r.rolsuper OR EXISTS (SELECT 1 FROM pg_roles c WHERE c.rolname = $1 AND pg_has_role(current_user, c.oid, 'member')) AS coordinator
     FROM pg_roles r WHERE r.rolname = current_user`,
    [COORDINATOR_ROLE],
  );
  return rows[0]!;
}

/** Refuses, in words, a change asked by a user who is not a coordinator. */
export async function requireCoordinator(db: pg.Pool | pg.ClientBase, url: string, what: string): Promise<void> {
  const { user, coordinator } = await coordinatorStatus(db);
  if (coordinator) return;
  throw new SyncError(
    'refused',
    `${user} may read the study database at ${describeUrl(url)} but not change it: ${what} is for coordinators (its administrator runs GRANT ${COORDINATOR_ROLE} TO "${user}"). Nothing was changed.`,
  );
}
