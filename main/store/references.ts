// Contact references of sessions in the database: live Bluetooth readings appended as they come, imported files
// stored whole or not at all, the clock offset (estimated, or set by the user and audited), series in session time.
import { HeartRateFormatError, parseHeartRateMeasurement } from '../../common/ble-hrm.ts';
import { AppError } from '../../common/ipc/result.ts';
import {
  REFERENCE_BPM_RANGE,
  type OffsetEstimate,
  type ReferenceInfo,
  type ReferenceKind,
  type ReferenceSeries,
} from '../../common/references.ts';
import { AuditedRepository } from './audited-repository.ts';

interface ReferenceRow {
  id: number;
  session_id: number;
  kind: ReferenceKind;
  label: string;
  details_json: string;
  origin_ms: number | null;
  offset_s: number;
  offset_source: ReferenceInfo['offsetSource'];
  offset_estimate_json: string | null;
  status: ReferenceInfo['status'];
  created_at: string;
  created_by: string;
  samples: number;
  beats: number;
}

// A live reference whose session stopped (or was interrupted by a crash) is complete, whatever its row says.
const SELECT = `SELECT r.*, CASE WHEN (SELECT status FROM sessions WHERE id = r.session_id) = 'recording' THEN r.status ELSE 'complete' END AS status,
  (SELECT count(*) FROM hr_reference_samples WHERE reference_id = r.id) AS samples,
  (SELECT count(*) FROM hr_reference_beats WHERE reference_id = r.id) AS beats FROM hr_references r`;

const toInfo = (r: ReferenceRow): ReferenceInfo => ({
  id: r.id,
  sessionId: r.session_id,
  kind: r.kind,
  label: r.label,
  details: JSON.parse(r.details_json) as Record<string, unknown>,
  offsetS: r.offset_s,
  offsetSource: r.offset_source,
  offsetEstimate: r.offset_estimate_json === null ? null : (JSON.parse(r.offset_estimate_json) as OffsetEstimate),
  status: r.status,
  samples: r.samples,
  beats: r.beats,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

/** A reference read from a file, on the file's own clock (s), ready to store. */
export interface ParsedReference {
  kind: Exclude<ReferenceKind, 'ble'>;
  label: string;
  details: Record<string, unknown>;
  samples: { tS: number; bpm: number | null }[];
  beats: { tS: number; rrMs: number | null }[];
}

/** What a batch of live readings changed, for the Record view's sensor panel. */
export interface LiveAppend {
  stored: number;
  bpm: number | null;
  contact: 'detected' | 'not-detected' | 'unsupported';
}

/** Reads outside the plausible range (0 is what straps send without skin contact) are kept as "no reading". */
const plausible = (bpm: number): number | null =>
  bpm >= REFERENCE_BPM_RANGE[0] && bpm <= REFERENCE_BPM_RANGE[1] ? bpm : null;

export class ReferenceRepository extends AuditedRepository {
  #studyOf(sessionId: number): number {
    const row = this.db
      .prepare('SELECT study_id FROM subjects WHERE id = (SELECT subject_id FROM sessions WHERE id = ?)')
      .get(sessionId) as { study_id: number } | undefined;
    if (!row) throw new AppError('not_found', `Session ${sessionId} does not exist`);
    return row.study_id;
  }

  get(referenceId: number): ReferenceInfo {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(referenceId) as ReferenceRow | undefined;
    if (!row) throw new AppError('not_found', `Reference ${referenceId} does not exist`);
    return toInfo(row);
  }

  list(sessionId: number): ReferenceInfo[] {
    return (this.db.prepare(`${SELECT} WHERE r.session_id = ? ORDER BY r.id`).all(sessionId) as ReferenceRow[]).map(
      toInfo,
    );
  }

  /** A live sensor joins a recording: its readings are timed on the frames' own clock, so no offset is needed. */
  startLive(sessionId: number, device: string): ReferenceInfo {
    const studyId = this.#studyOf(sessionId);
    const status = (this.db.prepare('SELECT status FROM sessions WHERE id = ?').get(sessionId) as { status: string })
      .status;
    if (status !== 'recording')
      throw new AppError('conflict', 'A live sensor can only join a session while it records');
    const id = this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO hr_references (session_id, kind, label, offset_source, status, created_at, created_by) VALUES (?, 'ble', ?, 'capture-clock', 'recording', ?, ?)`,
        )
        .run(sessionId, device, this.now(), this.audit.actor);
      const id = Number(lastInsertRowid);
      this.audit.record({
        action: 'create',
        entity: 'reference',
        entityId: id,
        studyId,
        after: { sessionId, kind: 'ble', device },
      });
      return id;
    })();
    return this.get(id);
  }

  /**
   * Stores raw 0x2A37 readings, parsed again here with the same parser (the renderer's parse is for display).
   * RR intervals carry no time of their own: the last one ends at the reading's arrival, the others before it.
   */
  appendLive(referenceId: number, packets: readonly { tMs: number; data: readonly number[] }[]): LiveAppend {
    const ref = this.db
      .prepare(
        `SELECT r.origin_ms, r.status, s.status AS session FROM hr_references r JOIN sessions s ON s.id = r.session_id WHERE r.id = ? AND r.kind = 'ble'`,
      )
      .get(referenceId) as { origin_ms: number | null; status: string; session: string } | undefined;
    if (!ref) throw new AppError('not_found', `Live reference ${referenceId} does not exist`);
    if (ref.status !== 'recording' || ref.session !== 'recording')
      throw new AppError('conflict', 'This sensor recording has ended');
    const parsed = packets.map((p, i) => {
      try {
        return { tMs: p.tMs, m: parseHeartRateMeasurement(p.data) };
      } catch (error) {
        if (error instanceof HeartRateFormatError)
          throw new AppError('invalid_input', `Reading ${i + 1}: ${error.message}`);
        throw error;
      }
    });
    const origin = ref.origin_ms ?? parsed[0]!.tMs;
    const sample = this.db.prepare(
      'INSERT INTO hr_reference_samples (reference_id, t_s, bpm, contact, energy_kj) VALUES (?, ?, ?, ?, ?)',
    );
    const beat = this.db.prepare('INSERT INTO hr_reference_beats (reference_id, t_s, rr_ms) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      if (ref.origin_ms === null)
        this.db.prepare('UPDATE hr_references SET origin_ms = ? WHERE id = ?').run(origin, referenceId);
      for (const { tMs, m } of parsed) {
        const tS = (tMs - origin) / 1000;
        const noContact = m.contact === 'not-detected';
        sample.run(
          referenceId,
          tS,
          noContact ? null : plausible(m.bpm),
          m.contact === 'unsupported' ? null : noContact ? 0 : 1,
          m.energyKj,
        );
        let end = tS;
        for (let k = m.rrMs.length - 1; k >= 0; k--) {
          beat.run(referenceId, end, m.rrMs[k]!);
          end -= m.rrMs[k]! / 1000;
        }
      }
    })();
    const last = parsed.at(-1)!.m;
    return {
      stored: parsed.length,
      bpm: last.contact === 'not-detected' ? null : plausible(last.bpm),
      contact: last.contact,
    };
  }

  /** The sensor was disconnected or the recording stopped: the reference is complete (idempotent). */
  finishLive(referenceId: number): ReferenceInfo {
    this.db.prepare(`UPDATE hr_references SET status = 'complete' WHERE id = ? AND kind = 'ble'`).run(referenceId);
    return this.get(referenceId);
  }

  /** Stores an imported reference with its offset, all or nothing. */
  addImported(
    sessionId: number,
    ref: ParsedReference,
    offset: { offsetS: number; source: 'auto' | 'manual' | 'none'; estimate: OffsetEstimate | null },
  ): ReferenceInfo {
    const studyId = this.#studyOf(sessionId);
    const id = this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO hr_references (session_id, kind, label, details_json, offset_s, offset_source, offset_estimate_json, status, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'complete', ?, ?)`,
        )
        .run(
          sessionId,
          ref.kind,
          ref.label,
          JSON.stringify(ref.details),
          offset.offsetS,
          offset.source,
          offset.estimate ? JSON.stringify(offset.estimate) : null,
          this.now(),
          this.audit.actor,
        );
      const id = Number(lastInsertRowid);
      const sample = this.db.prepare('INSERT INTO hr_reference_samples (reference_id, t_s, bpm) VALUES (?, ?, ?)');
      for (const s of ref.samples) sample.run(id, s.tS, s.bpm);
      const beat = this.db.prepare('INSERT INTO hr_reference_beats (reference_id, t_s, rr_ms) VALUES (?, ?, ?)');
      for (const b of ref.beats) beat.run(id, b.tS, b.rrMs);
      this.audit.record({
        action: 'import',
        entity: 'reference',
        entityId: id,
        studyId,
        after: {
          sessionId,
          kind: ref.kind,
          fileName: ref.label,
          samples: ref.samples.length,
          beats: ref.beats.length,
          offsetS: offset.offsetS,
          offsetSource: offset.source,
        },
      });
      return id;
    })();
    return this.get(id);
  }

  /** Sets the offset by hand, or (null) goes back to the estimate; the change is in the audit trail. */
  setOffset(referenceId: number, offsetS: number | null): ReferenceInfo {
    const before = this.get(referenceId);
    const estimate = before.offsetEstimate?.offsetS ?? null;
    const fallback: { value: number; source: ReferenceInfo['offsetSource'] } =
      before.kind === 'ble'
        ? { value: 0, source: 'capture-clock' }
        : estimate !== null
          ? { value: estimate, source: 'auto' }
          : { value: 0, source: 'none' };
    const next = offsetS === null ? fallback : { value: offsetS, source: 'manual' as const };
    if (next.value === before.offsetS && next.source === before.offsetSource) return before;
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE hr_references SET offset_s = ?, offset_source = ? WHERE id = ?')
        .run(next.value, next.source, referenceId);
      this.audit.record({
        action: 'update',
        entity: 'reference',
        entityId: referenceId,
        studyId: this.#studyOf(before.sessionId),
        before: { offsetS: before.offsetS, offsetSource: before.offsetSource },
        after: { offsetS: next.value, offsetSource: next.source },
      });
    })();
    return this.get(referenceId);
  }

  /** Removes an imported reference (a wrong file); the audit trail keeps that it existed. */
  remove(referenceId: number): void {
    const before = this.get(referenceId);
    if (before.status === 'recording')
      throw new AppError('conflict', 'This sensor is still recording: disconnect it first');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM hr_references WHERE id = ?').run(referenceId);
      this.audit.record({
        action: 'delete',
        entity: 'reference',
        entityId: referenceId,
        studyId: this.#studyOf(before.sessionId),
        before: {
          kind: before.kind,
          [before.kind === 'ble' ? 'device' : 'fileName']: before.label,
          samples: before.samples,
          beats: before.beats,
          offsetS: before.offsetS,
        },
      });
    })();
  }

  /** Seconds from the reference's own clock to session time (s since the session's first frame), offset included. */
  #shift(ref: ReferenceInfo): number {
    const row = this.db.prepare('SELECT origin_ms FROM hr_references WHERE id = ?').get(ref.id) as {
      origin_ms: number | null;
    };
    if (row.origin_ms === null) return ref.offsetS;
    const first = this.db.prepare('SELECT min(t_ms) AS t FROM frames WHERE session_id = ?').get(ref.sessionId) as {
      t: number | null;
    };
    return (row.origin_ms - (first.t ?? row.origin_ms)) / 1000 + ref.offsetS;
  }

  /** The reference's heart-rate readings in session time. */
  series(referenceId: number): ReferenceSeries {
    const reference = this.get(referenceId);
    const shift = this.#shift(reference);
    const rows = this.db
      .prepare('SELECT t_s AS t, bpm FROM hr_reference_samples WHERE reference_id = ? ORDER BY t_s')
      .all(referenceId) as { t: number; bpm: number | null }[];
    return { reference, t: rows.map((r) => r.t + shift), bpm: rows.map((r) => r.bpm) };
  }

  /** The reference's beats in session time, with the interval ending at each. */
  beats(referenceId: number): { t: number[]; rrMs: (number | null)[] } {
    const shift = this.#shift(this.get(referenceId));
    const rows = this.db
      .prepare('SELECT t_s AS t, rr_ms AS rr FROM hr_reference_beats WHERE reference_id = ? ORDER BY t_s')
      .all(referenceId) as { t: number; rr: number | null }[];
    return { t: rows.map((r) => r.t + shift), rrMs: rows.map((r) => r.rr) };
  }

  /** The readings on the file's own clock (offset not applied): what the offset estimate correlates. */
  ownSeries(referenceId: number): { t: number[]; bpm: (number | null)[] } {
    const rows = this.db
      .prepare('SELECT t_s AS t, bpm FROM hr_reference_samples WHERE reference_id = ? ORDER BY t_s')
      .all(referenceId) as { t: number; bpm: number | null }[];
    return { t: rows.map((r) => r.t), bpm: rows.map((r) => r.bpm) };
  }
}
