// Numbered schema migrations; `PRAGMA user_version` records how many have been applied.
import { upgradeAnalysisRecords } from './analysis-upgrade.ts';
import type { Db } from './database.ts';
import { STATION_MIGRATION } from './station-migration.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Data changes SQL cannot express well, run after `sql` in the same transaction. */
  run?: (db: Db) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'studies and subjects',
    sql: `
      CREATE TABLE studies (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 120),
        description TEXT NOT NULL DEFAULT '',
        contact     TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL
      );
      CREATE TABLE subjects (
        id              INTEGER PRIMARY KEY,
        study_id        INTEGER NOT NULL REFERENCES studies(id) ON DELETE RESTRICT,
        code            TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
        birth_year      INTEGER CHECK (birth_year BETWEEN 1900 AND 2200),
        sex             TEXT NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
        skin_type       INTEGER CHECK (skin_type BETWEEN 1 AND 6),
        notes           TEXT NOT NULL DEFAULT '',
        consent_date    TEXT,
        consent_version TEXT,
        archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        UNIQUE (study_id, code)
      );
    `,
  },
  {
    version: 2,
    name: 'sessions and markers',
    sql: `
      CREATE TABLE sessions (
        id                 INTEGER PRIMARY KEY,
        -- RESTRICT: a subject's recordings are removed only by the explicit, confirmed delete.
        subject_id         INTEGER NOT NULL REFERENCES subjects(id) ON DELETE RESTRICT,
        source             TEXT NOT NULL DEFAULT 'camera' CHECK (source IN ('camera', 'import')),
        status             TEXT NOT NULL CHECK (status IN ('recording', 'complete', 'interrupted')),
        started_at         TEXT NOT NULL,
        ended_at           TEXT,
        camera_label       TEXT,
        width              INTEGER,
        height             INTEGER,
        fps                REAL,
        model_id           TEXT,
        model_sha256       TEXT,
        execution_provider TEXT,
        app_version        TEXT NOT NULL,
        notes              TEXT NOT NULL DEFAULT '',
        created_at         TEXT NOT NULL
      );
      CREATE INDEX sessions_by_subject ON sessions (subject_id, started_at);
      CREATE TABLE markers (
        id         INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        t_s        REAL NOT NULL CHECK (t_s >= 0),
        label      TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX markers_by_session ON markers (session_id, t_s);
    `,
  },
  {
    version: 3,
    name: 'frames and versioned analysis results',
    sql: `
      -- One row per captured frame: real capture timestamps, so analysis never assumes a fixed fps.
      CREATE TABLE frames (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        idx        INTEGER NOT NULL,
        t_ms       REAL NOT NULL,
        face_found INTEGER NOT NULL CHECK (face_found IN (0, 1)),
        PRIMARY KEY (session_id, idx)
      ) WITHOUT ROWID;
      -- Re-analysis adds a version; earlier versions are never overwritten.
      CREATE TABLE analyses (
        id                 INTEGER PRIMARY KEY,
        session_id         INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        version            INTEGER NOT NULL,
        created_at         TEXT NOT NULL,
        model_id           TEXT,
        model_sha256       TEXT,
        execution_provider TEXT,
        params_json        TEXT NOT NULL DEFAULT '{}',
        summary_json       TEXT NOT NULL DEFAULT '{}',
        UNIQUE (session_id, version)
      );
      CREATE TABLE hr_series (
        analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
        method      TEXT NOT NULL,
        t_s         REAL NOT NULL,
        bpm         REAL,
        snr_db      REAL,
        quality     TEXT NOT NULL CHECK (quality IN ('good', 'fair', 'poor')),
        reasons     TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (analysis_id, method, t_s)
      ) WITHOUT ROWID;
      -- Waveforms as float32 little-endian blobs in chunks: compact, and appendable while recording.
      CREATE TABLE waveform_chunks (
        analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
        method      TEXT NOT NULL,
        start_s     REAL NOT NULL,
        fs          REAL NOT NULL CHECK (fs > 0),
        samples     BLOB NOT NULL,
        PRIMARY KEY (analysis_id, method, start_s)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'audit trail of edits',
    sql: `
      -- Every edit of recorded data keeps the value it replaced, who changed it and when.
      CREATE TABLE audit_log (
        id         INTEGER PRIMARY KEY,
        table_name TEXT NOT NULL,
        row_id     INTEGER NOT NULL,
        field      TEXT NOT NULL,
        old_value  TEXT,
        new_value  TEXT,
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL
      );
      CREATE INDEX audit_by_row ON audit_log (table_name, row_id, changed_at);
    `,
  },
  {
    version: 5,
    name: 'imported models and the active one',
    sql: `
      -- SSPD models imported into <dataDir>/models/<sha256>.onnx; the bundled default is not a row.
      CREATE TABLE models (
        sha256          TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        source          TEXT NOT NULL CHECK (source IN ('pth', 'onnx')),
        origin          TEXT NOT NULL,
        origin_sha256   TEXT NOT NULL CHECK (length(origin_sha256) = 64),
        bytes           INTEGER NOT NULL CHECK (bytes > 0),
        imported_at     TEXT NOT NULL,
        validation_json TEXT NOT NULL,
        active          INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
      );
      -- At most one active model; none active means the bundled default.
      CREATE UNIQUE INDEX models_one_active ON models (active) WHERE active = 1;
    `,
  },
  {
    version: 6,
    name: 'hash-chained audit trail and media checksums',
    sql: `
      -- Append-only: each entry holds the hash of the one before (main/store/audit-trail.ts); the triggers
      -- refuse changes through SQL, the chain shows changes made around them.
      CREATE TABLE audit_trail (
        seq         INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        entity      TEXT NOT NULL,
        entity_id   TEXT,
        study_id    INTEGER,
        before_json TEXT,
        after_json  TEXT,
        prev_hash   TEXT NOT NULL CHECK (length(prev_hash) = 64),
        hash        TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
      );
      CREATE INDEX audit_trail_by_study ON audit_trail (study_id, seq);
      CREATE INDEX audit_trail_by_entity ON audit_trail (entity, entity_id, seq);
      CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail
        BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only'); END;
      CREATE TRIGGER audit_trail_no_delete BEFORE DELETE ON audit_trail
        BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only'); END;
      -- SHA-256 of each media file of a session, taken when the recording stopped or the import finished.
      CREATE TABLE media_checksums (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        file       TEXT NOT NULL,
        bytes      INTEGER NOT NULL CHECK (bytes >= 0),
        sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
        hashed_at  TEXT NOT NULL,
        PRIMARY KEY (session_id, file)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: 'calibrated confidence of each HR window',
    sql: `
      -- The reliability decision's probability that the window's HR is within 5 bpm (NULL: stored before it).
      ALTER TABLE hr_series ADD COLUMN confidence REAL CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1);
    `,
  },
  {
    version: 8,
    name: 'one analysis record shape',
    sql: '',
    run: upgradeAnalysisRecords,
  },
  {
    version: 9,
    name: 'voided sessions',
    sql: `
      -- A voided session is kept with all its data, hidden by default and left out of exports unless asked for;
      -- who voided it, when and why is also in the audit log.
      ALTER TABLE sessions ADD COLUMN voided_at TEXT;
      ALTER TABLE sessions ADD COLUMN void_reason TEXT;
      ALTER TABLE sessions ADD COLUMN voided_by TEXT;
    `,
  },
  {
    version: 10,
    name: 'the analysis version a session shows',
    sql: `
      -- The version Review shows and exports and reports use; NULL: the latest. Choices are in the audit log.
      ALTER TABLE sessions ADD COLUMN chosen_analysis_version INTEGER;
    `,
  },
  {
    version: 11,
    name: 'contact references of a session',
    sql: `
      -- A contact sensor's heart rate beside the camera's: a live Bluetooth strap or oximeter, or a file imported
      -- later. Session time of a sample = t_s + (origin_ms - first frame's t_ms) / 1000 + offset_s; origin_ms is on the
      -- capture clock of the frames (live sensors), NULL for files (their own clock, aligned by offset_s).
      CREATE TABLE hr_references (
        id                   INTEGER PRIMARY KEY,
        session_id           INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        kind                 TEXT NOT NULL CHECK (kind IN ('ble', 'csv-bpm', 'csv-rr', 'csv-waveform', 'edf')),
        label                TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 255),
        details_json         TEXT NOT NULL DEFAULT '{}',
        origin_ms            REAL,
        offset_s             REAL NOT NULL DEFAULT 0,
        offset_source        TEXT NOT NULL CHECK (offset_source IN ('capture-clock', 'auto', 'manual', 'none')),
        offset_estimate_json TEXT,
        status               TEXT NOT NULL CHECK (status IN ('recording', 'complete')),
        created_at           TEXT NOT NULL,
        created_by           TEXT NOT NULL
      );
      CREATE INDEX hr_references_by_session ON hr_references (session_id);
      -- Heart-rate readings on the reference's own clock; bpm NULL where the sensor gave none (no skin contact).
      CREATE TABLE hr_reference_samples (
        reference_id INTEGER NOT NULL REFERENCES hr_references(id) ON DELETE CASCADE,
        t_s          REAL NOT NULL,
        bpm          REAL CHECK (bpm IS NULL OR bpm BETWEEN 20 AND 300),
        contact      INTEGER CHECK (contact IS NULL OR contact IN (0, 1)),
        energy_kj    INTEGER
      );
      CREATE INDEX hr_reference_samples_by_time ON hr_reference_samples (reference_id, t_s);
      -- Beats (R peaks, pulse peaks, or ends of RR intervals) with the interval that ends at each, when known.
      CREATE TABLE hr_reference_beats (
        reference_id INTEGER NOT NULL REFERENCES hr_references(id) ON DELETE CASCADE,
        t_s          REAL NOT NULL,
        rr_ms        REAL
      );
      CREATE INDEX hr_reference_beats_by_time ON hr_reference_beats (reference_id, t_s);
    `,
  },
  {
    version: 12,
    name: 'study protocols and their runs',
    sql: `
      -- Ordered timed steps a study runs for every participant (steps_json: common/protocols.ts).
      CREATE TABLE protocols (
        id         INTEGER PRIMARY KEY,
        study_id   INTEGER NOT NULL REFERENCES studies(id) ON DELETE RESTRICT,
        name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        steps_json TEXT NOT NULL,
        archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (study_id, name)
      );
      -- The protocol as it was run (a copy: later edits do not rewrite history) and what the operator did.
      ALTER TABLE sessions ADD COLUMN protocol_json TEXT;
      CREATE TABLE protocol_events (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        t_s         REAL NOT NULL CHECK (t_s >= 0),
        step        INTEGER NOT NULL CHECK (step >= 0),
        action      TEXT NOT NULL CHECK (action IN ('start', 'skip', 'extend', 'end')),
        detail_json TEXT NOT NULL DEFAULT '{}',
        created_at  TEXT NOT NULL
      );
      CREATE INDEX protocol_events_by_session ON protocol_events (session_id, t_s);
    `,
  },
  STATION_MIGRATION,
  {
    version: 14,
    name: 'adapted models and their provenance',
    sql: `
      -- A model adapted to a study's recordings (main/models/adaptation) is a row like an import, source 'adapted',
      -- with how it was made (common/adaptation.ts AdaptProvenance); NULL for imports. SQLite cannot widen a CHECK
      -- in place: the table is rebuilt with its rows (nothing references it).
      CREATE TABLE models_new (
        sha256          TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        source          TEXT NOT NULL CHECK (source IN ('pth', 'onnx', 'adapted')),
        origin          TEXT NOT NULL,
        origin_sha256   TEXT NOT NULL CHECK (length(origin_sha256) = 64),
        bytes           INTEGER NOT NULL CHECK (bytes > 0),
        imported_at     TEXT NOT NULL,
        validation_json TEXT NOT NULL,
        active          INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
        provenance_json TEXT CHECK ((source = 'adapted') = (provenance_json IS NOT NULL))
      );
      INSERT INTO models_new (sha256, name, source, origin, origin_sha256, bytes, imported_at, validation_json, active)
        SELECT sha256, name, source, origin, origin_sha256, bytes, imported_at, validation_json, active FROM models ORDER BY rowid;
      DROP TABLE models;
      ALTER TABLE models_new RENAME TO models;
      CREATE UNIQUE INDEX models_one_active ON models (active) WHERE active = 1;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.at(-1)!.version;
