// The base of the store's repositories whose changes go into the audit trail: the database, the trail and a clock.
import type { AuditTrail } from './audit-trail.ts';
import type { Db } from './database.ts';

export abstract class AuditedRepository {
  protected readonly db: Db;
  protected readonly audit: AuditTrail;
  /** ISO 8601 time of a change (tests pass a fixed clock). */
  protected readonly now: () => string;

  constructor(db: Db, audit: AuditTrail, now: () => string = () => new Date().toISOString()) {
    this.db = db;
    this.audit = audit;
    this.now = now;
  }
}
