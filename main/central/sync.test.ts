import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { subjectFields } from '../../common/subjects.ts';
import { fillStation, type StationFill } from '../../scripts/synth/station.ts';
import { openStore, type Store } from '../store/index.ts';
import { stationId } from '../store/station-migration.ts';
import { lastSyncSummary, syncStation } from './sync.ts';
import { POSTGRES_SKIP_REASON, throwawayPostgres } from '../../testing/postgres.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const CLI = path.join(ROOT, 'main', 'cli', 'pulse-studio.ts');
const SMALL: Omit<StationFill, 'prefix'> = {
  study: 'Multi-site',
  subjects: 2,
  sessionsPerSubject: 2,
  framesPerSession: 120,
  mediaBytes: 20_000,
};

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `station sync to PostgreSQL${POSTGRES_SKIP_REASON ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const { server, temp } = throwawayPostgres();

    async function central(name: string): Promise<{ url: string; client: pg.Client; media: string }> {
      const url = await server().createDatabase(name);
      const client = new pg.Client(url);
      client.on('error', () => {}); // the server stops in afterAll, after a failed test may have left this open
      await client.connect();
      return { url, client, media: temp('pulse-media-') };
    }
    const count = async (client: pg.Client, sql: string, params: unknown[] = []) =>
      Number((await client.query(sql, params)).rows[0].n);
    const local = (store: Store, sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
    const sync = (store: Store, url: string, media: string, extra: { dryRun?: boolean } = {}) =>
      syncStation(store, { url, mediaRoot: media, appVersion: 'test', ...extra });

    test("two stations' studies, subjects, sessions, results, audit trails and media merge side by side", async () => {
      const { url, client, media } = await central('merge');
      const a = openStore(temp('pulse-a-'));
      const b = openStore(temp('pulse-b-'));
      await fillStation(a, { ...SMALL, prefix: 'A' });
      await fillStation(b, { ...SMALL, prefix: 'B' });
      const first = await sync(a, url, media);
      expect(first.units.session.new).toBe(4);
      expect(first.mediaFiles).toBe(4);
      await sync(b, url, media);
      for (const table of [
        'sessions',
        'frames',
        'markers',
        'analyses',
        'hr_series',
        'waveform_chunks',
        'audit_trail',
        'media_checksums',
      ]) {
        expect(await count(client, `SELECT count(*) AS n FROM ${table}`), table).toBe(
          local(a, `SELECT count(*) AS n FROM ${table}`) + local(b, `SELECT count(*) AS n FROM ${table}`),
        );
      }
      // Each station's session 1 is its own row; the study is found across stations by name.
      expect(await count(client, 'SELECT count(DISTINCT station_id) AS n FROM sessions WHERE id = 1')).toBe(2);
      expect(
        await count(
          client,
          `SELECT count(*) AS n FROM subjects s JOIN studies t ON t.station_id = s.station_id AND t.id = s.study_id WHERE t.name = 'Multi-site'`,
        ),
      ).toBe(4);
      const files = (await client.query('SELECT path, sha256, bytes FROM media_files')).rows as {
        path: string;
        sha256: string;
        bytes: number;
      }[];
      expect(files).toHaveLength(8);
      for (const f of files)
        expect(
          crypto
            .createHash('sha256')
            .update(fs.readFileSync(path.join(media, f.path)))
            .digest('hex'),
        ).toBe(f.sha256);
      // Run again: nothing to send.
      const again = await sync(a, url, media);
      expect(again.units.session).toMatchObject({ new: 0, changed: 0 });
      expect([again.logEntries, again.mediaFiles, again.remaining]).toEqual([0, 0, 0]);
      expect(lastSyncSummary(a.db)?.finishedAt).toBe(again.finishedAt);
      a.close();
      b.close();
      await client.end();
    });

    test('an edit travels with its audit entry; a dry run counts it and changes neither side', async () => {
      const { url, client, media } = await central('edits');
      const a = openStore(temp('pulse-a-'));
      await fillStation(a, { ...SMALL, prefix: 'A' });
      const dry = await sync(a, url, media, { dryRun: true });
      expect(dry.units.subject.new).toBe(2);
      expect(dry.units.session.new).toBe(4);
      expect(dry.mediaBytes).toBe(4 * SMALL.mediaBytes);
      expect(await count(client, `SELECT count(*) AS n FROM pg_tables WHERE tablename = 'sessions'`)).toBe(0);
      await sync(a, url, media);
      const subject = a.subjects.list({ studyId: a.studies.list()[0]!.id, search: '', includeArchived: false })[0]!;
      a.subjects.update(subject.id, { birthYear: 1990 });
      const planned = await sync(a, url, media, { dryRun: true });
      expect(planned.units.subject.changed).toBe(1);
      expect(await count(client, 'SELECT birth_year AS n FROM subjects WHERE id = $1', [subject.id])).toBe(
        subject.birthYear,
      );
      const done = await sync(a, url, media);
      expect(done.units.subject.changed).toBe(1);
      expect(await count(client, 'SELECT birth_year AS n FROM subjects WHERE id = $1', [subject.id])).toBe(1990);
      const entry = (
        await client.query(
          `SELECT after_json FROM audit_trail WHERE entity = 'subject' AND entity_id = $1 ORDER BY seq DESC LIMIT 1`,
          [String(subject.id)],
        )
      ).rows[0];
      expect(JSON.parse(entry.after_json)).toMatchObject({ birthYear: 1990 });
      a.close();
      await client.end();
    });

    test('an edit of a row that was changed on the study database since is reported as a conflict, never overwritten', async () => {
      const { url, client, media } = await central('conflict');
      const a = openStore(temp('pulse-a-'));
      await fillStation(a, { ...SMALL, prefix: 'A' });
      await sync(a, url, media);
      const station = stationId(a.db);
      const subject = a.subjects.list({ studyId: a.studies.list()[0]!.id, search: '', includeArchived: false })[0]!;
      await client.query(
        `UPDATE subjects SET notes = 'corrected by the coordinator' WHERE station_id = $1 AND id = $2`,
        [station, subject.id],
      );
      a.subjects.update(subject.id, { notes: 'typed at the station' });
      const result = await sync(a, url, media);
      expect(result.conflicts).toEqual([expect.objectContaining({ table: 'subjects', rowId: subject.id })]);
      expect(result.conflicts[0]!.station).toContain('typed at the station');
      expect(result.conflicts[0]!.central).toContain('corrected by the coordinator');
      expect(
        (await client.query('SELECT notes FROM subjects WHERE station_id = $1 AND id = $2', [station, subject.id]))
          .rows[0].notes,
      ).toBe('corrected by the coordinator');
      expect(await count(client, 'SELECT count(*) AS n FROM sync_conflicts WHERE resolved_at IS NULL')).toBe(1);
      // Reported again at every sync until both sides agree; then settled.
      expect((await sync(a, url, media)).conflicts).toHaveLength(1);
      a.subjects.update(subject.id, { notes: 'corrected by the coordinator' });
      expect((await sync(a, url, media)).conflicts).toHaveLength(0);
      expect(await count(client, 'SELECT count(*) AS n FROM sync_conflicts WHERE resolved_at IS NULL')).toBe(0);
      a.subjects.update(subject.id, { notes: 'later note' });
      await sync(a, url, media);
      expect(
        (await client.query('SELECT notes FROM subjects WHERE station_id = $1 AND id = $2', [station, subject.id]))
          .rows[0].notes,
      ).toBe('later note');
      a.close();
      await client.end();
    });

    /** Runs the CLI's sync until the study database holds `atLeast` sessions, then sends it `signal`. */
    async function cliSyncUntil(
      client: pg.Client,
      url: string,
      media: string,
      dataDir: string,
      atLeast: number,
      signal: NodeJS.Signals,
    ) {
      const child = spawn(NODE, [CLI, 'sync', '--db', url, '--media', media], {
        env: { ...process.env, PULSE_STUDIO_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let sentAtSignal = -1;
      for (let i = 0; i < 3000 && sentAtSignal < 0; i++) {
        const sent = await count(client, 'SELECT count(*) AS n FROM sessions').catch(() => 0);
        if (sent >= atLeast) {
          child.kill(signal);
          sentAtSignal = sent;
        } else await new Promise((r) => setTimeout(r, 10));
      }
      return { code: await exited, stdout, sentAtSignal };
    }

    test('a sync cancelled (Ctrl+C), then killed mid-way (kill -9), and run again sends everything exactly once, media verified', async () => {
      const { url, client, media } = await central('resume');
      const dataDir = temp('pulse-a-');
      const a = openStore(dataDir);
      const sessions = await fillStation(a, {
        study: 'Resumed',
        prefix: 'R',
        subjects: 6,
        sessionsPerSubject: 20,
        framesPerSession: 150,
        mediaBytes: 50_000,
      });
      a.close();
      const cancelled = await cliSyncUntil(client, url, media, dataDir, 3, 'SIGINT');
      expect(cancelled.code).toBe(130);
      expect(cancelled.stdout).toMatch(/still to send: run the sync again to continue/);
      const afterCancel = await count(client, 'SELECT count(*) AS n FROM sessions');
      expect(afterCancel).toBeLessThan(sessions.length);
      const killed = await cliSyncUntil(client, url, media, dataDir, afterCancel + 5, 'SIGKILL');
      expect(killed.sentAtSignal).toBeGreaterThanOrEqual(afterCancel + 5);
      expect(killed.sentAtSignal).toBeLessThan(sessions.length);
      const sentWhenKilled = killed.sentAtSignal;
      const store = openStore(dataDir);
      const resumed = await sync(store, url, media);
      // Sessions already in are at most sent again (the station clears its list in batches), never doubled.
      expect(resumed.units.session.new).toBeGreaterThan(0);
      expect(resumed.units.session.new).toBeLessThanOrEqual(sessions.length - sentWhenKilled);
      for (const table of [
        'sessions',
        'frames',
        'markers',
        'analyses',
        'hr_series',
        'waveform_chunks',
        'audit_trail',
        'media_checksums',
        'subjects',
      ]) {
        expect(await count(client, `SELECT count(*) AS n FROM ${table}`), table).toBe(
          local(store, `SELECT count(*) AS n FROM ${table}`),
        );
      }
      const files = (await client.query('SELECT path, sha256 FROM media_files')).rows as {
        path: string;
        sha256: string;
      }[];
      expect(files).toHaveLength(sessions.length);
      for (const f of files)
        expect(
          crypto
            .createHash('sha256')
            .update(fs.readFileSync(path.join(media, f.path)))
            .digest('hex'),
        ).toBe(f.sha256);
      expect(fs.readdirSync(media, { recursive: true }).filter((name) => String(name).endsWith('.part'))).toEqual([]);
      expect(local(store, 'SELECT count(*) AS n FROM sync_pending')).toBe(0);
      store.close();
      await client.end();
    }, 60_000);

    test('a session or subject deleted at the station is deleted on the study database', async () => {
      const { url, client, media } = await central('deletes');
      const a = openStore(temp('pulse-a-'));
      await fillStation(a, { ...SMALL, prefix: 'A' });
      const study = a.studies.list()[0]!;
      const extra = a.subjects.create(study.id, subjectFields.parse({ code: 'GONE' }));
      const empty = a.sessions.create(
        { subjectId: extra.id, cameraLabel: null, width: null, height: null, fps: null, notes: '' },
        { source: 'camera', appVersion: 'test' },
      );
      a.sessions.finish(empty.id, 'interrupted');
      await sync(a, url, media);
      expect(await count(client, 'SELECT count(*) AS n FROM sessions WHERE id = $1', [empty.id])).toBe(1);
      a.subjects.delete(extra.id, 1);
      const result = await sync(a, url, media);
      expect([result.units.session.deleted, result.units.subject.deleted]).toEqual([1, 1]);
      expect(await count(client, 'SELECT count(*) AS n FROM subjects WHERE id = $1', [extra.id])).toBe(0);
      expect(await count(client, 'SELECT count(*) AS n FROM sessions')).toBe(4);
      a.close();
      await client.end();
    });
  },
);
