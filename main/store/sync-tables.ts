// Which tables a station syncs to the central study database, and how each row finds the unit (study, protocol,
// subject, session) that is pushed when the row changes. One owner: migration 13's change triggers, the central
// schema and the sync all read this table, and a test fails when a new table is in none of its lists.

export const SYNC_UNITS = ['study', 'protocol', 'subject', 'session'] as const;
export type SyncUnit = (typeof SYNC_UNITS)[number];

/** A unit's own table (one row per unit, conflict-checked on edit). */
export const UNIT_TABLE: Record<SyncUnit, string> = { study: 'studies', protocol: 'protocols', subject: 'subjects', session: 'sessions' };

/**
 * Rows that belong to a session (its recording, results, markers, references): pushed with the session as a whole.
 * `sessionOf(r)`: SQL giving the session id of row `r` (NEW or OLD in a trigger).
 */
export const SESSION_CHILDREN: Record<string, (r: string) => string> = {
  frames: (r) => `${r}.session_id`,
  markers: (r) => `${r}.session_id`,
  analyses: (r) => `${r}.session_id`,
  media_checksums: (r) => `${r}.session_id`,
  hr_references: (r) => `${r}.session_id`,
  protocol_events: (r) => `${r}.session_id`,
  hr_series: (r) => `(SELECT session_id FROM analyses WHERE id = ${r}.analysis_id)`,
  waveform_chunks: (r) => `(SELECT session_id FROM analyses WHERE id = ${r}.analysis_id)`,
  hr_reference_samples: (r) => `(SELECT session_id FROM hr_references WHERE id = ${r}.reference_id)`,
  hr_reference_beats: (r) => `(SELECT session_id FROM hr_references WHERE id = ${r}.reference_id)`,
};

/** Append-only logs, pushed by their increasing key: the hash-chained audit trail and the older edit log. */
export const APPEND_ONLY_LOGS: Record<string, string> = { audit_trail: 'seq', audit_log: 'id' };

/** The station's own bookkeeping and settings, never synced (imported model files stay on the station). */
export const STATION_ONLY = ['station', 'sync_pending', 'sync_base', 'sync_state', 'models'] as const;

/** Every table the central database holds a copy of, parents before children. */
export const SYNCED_TABLES: readonly string[] = [...Object.values(UNIT_TABLE), ...Object.keys(SESSION_CHILDREN), ...Object.keys(APPEND_ONLY_LOGS)];

/** SQL of the triggers that mark a changed row's unit as pending (migration 13). */
export function changeTriggers(): string {
  const sources: [table: string, unit: SyncUnit, idOf: (r: string) => string][] = [
    ...Object.entries(UNIT_TABLE).map(([unit, table]) => [table, unit as SyncUnit, (r: string) => `${r}.id`] as [string, SyncUnit, (r: string) => string]),
    ...Object.entries(SESSION_CHILDREN).map(([table, idOf]) => [table, 'session', idOf] as [string, SyncUnit, (r: string) => string]),
  ];
  // An update never moves a row to another unit, so NEW names it. `mark` counts changes, so a sync that read the
  // unit before a change made during its push leaves it pending.
  const mark = (unit: SyncUnit, id: string) =>
    `INSERT INTO sync_pending (kind, id) SELECT '${unit}', v FROM (SELECT ${id} AS v) WHERE v IS NOT NULL ON CONFLICT (kind, id) DO UPDATE SET mark = mark + 1;`;
  return sources
    .flatMap(([table, unit, idOf]) => [
      `CREATE TRIGGER sync_${table}_insert AFTER INSERT ON ${table} BEGIN ${mark(unit, idOf('NEW'))} END;`,
      `CREATE TRIGGER sync_${table}_update AFTER UPDATE ON ${table} BEGIN ${mark(unit, idOf('NEW'))} END;`,
      `CREATE TRIGGER sync_${table}_delete AFTER DELETE ON ${table} BEGIN ${mark(unit, idOf('OLD'))} END;`,
    ])
    .join('\n');
}
