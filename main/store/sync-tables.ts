// Which tables a station syncs to the central study database, and how each row finds the unit (study, protocol,
// subject, session) that is pushed when the row changes. One owner: migration 13's change triggers, the central
// schema and the sync all read this table, and a test fails when a new table is in none of its lists.

export const SYNC_UNITS = ['study', 'protocol', 'subject', 'session'] as const;
export type SyncUnit = (typeof SYNC_UNITS)[number];

/** A unit's own table (one row per unit, conflict-checked on edit). */
export const UNIT_TABLE: Record<SyncUnit, string> = {
  study: 'studies',
  protocol: 'protocols',
  subject: 'subjects',
  session: 'sessions',
};

/**
 * Rows that belong to a session (its recording, results, markers, references): pushed with the session as a whole.
 * `key` is the column naming the parent: the session itself, or a row of `via` (an analysis, a reference) that does.
 */
export const SESSION_CHILDREN: Record<string, { key: string; via?: string }> = {
  frames: { key: 'session_id' },
  markers: { key: 'session_id' },
  analyses: { key: 'session_id' },
  media_checksums: { key: 'session_id' },
  hr_references: { key: 'session_id' },
  protocol_events: { key: 'session_id' },
  hr_series: { key: 'analysis_id', via: 'analyses' },
  waveform_chunks: { key: 'analysis_id', via: 'analyses' },
  hr_reference_samples: { key: 'reference_id', via: 'hr_references' },
  hr_reference_beats: { key: 'reference_id', via: 'hr_references' },
};

/** SQL giving the session id of row `r` (NEW or OLD in a trigger) of a session's child table. */
function sessionOfRow(table: string, r: string): string {
  const { key, via } = SESSION_CHILDREN[table]!;
  return via ? `(SELECT session_id FROM ${via} WHERE id = ${r}.${key})` : `${r}.${key}`;
}

/** SQL condition selecting one session's rows of a child table (its one parameter: the session id). */
export function rowsOfSession(table: string): string {
  const { key, via } = SESSION_CHILDREN[table]!;
  return via ? `${key} IN (SELECT id FROM ${via} WHERE session_id = ?)` : `${key} = ?`;
}

/** Append-only logs, pushed by their increasing key: the hash-chained audit trail and the older edit log. */
export const APPEND_ONLY_LOGS: Record<string, string> = { audit_trail: 'seq', audit_log: 'id' };

/** The station's own bookkeeping and settings, never synced (imported model files stay on the station). */
export const STATION_ONLY = ['station', 'sync_pending', 'sync_base', 'sync_state', 'models'] as const;

/** Every table the central database holds a copy of, parents before children. */
export const SYNCED_TABLES: readonly string[] = [
  ...Object.values(UNIT_TABLE),
  ...Object.keys(SESSION_CHILDREN),
  ...Object.keys(APPEND_ONLY_LOGS),
];

/** SQL of the triggers that mark a changed row's unit as pending (migration 13). */
export function changeTriggers(): string {
  const sources: [table: string, unit: SyncUnit, idOf: (r: string) => string][] = [
    ...Object.entries(UNIT_TABLE).map(
      ([unit, table]) =>
        [table, unit as SyncUnit, (r: string) => `${r}.id`] as [string, SyncUnit, (r: string) => string],
    ),
    ...Object.keys(SESSION_CHILDREN).map(
      (table) => [table, 'session', (r: string) => sessionOfRow(table, r)] as [string, SyncUnit, (r: string) => string],
    ),
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
