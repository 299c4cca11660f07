import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AppError } from '../../common/ipc/result.ts';
import { exportRequest, type ExportRequest } from '../../common/reports.ts';
import { importVideo } from '../imports/import-video.ts';
import { noiseVideo } from '../../testing/media.ts';
import { hrStats } from '../store/session-results.ts';
import { runExport } from './research-export.ts';
import { openTestData, type RecordedSession, type TestData } from '../../testing/sessions.ts';
import { exportedFiles } from '../../testing/zip.ts';

let t: TestData;
let studyId: number;
let first: RecordedSession;
let second: RecordedSession;
let other: RecordedSession;
const VIDEO = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3, 4]);
const SECRET_NOTES = 'Alice Smith, see /home/alice/consent/alice-smith.pdf';

beforeAll(async () => {
  t = openTestData('pulse-export-');
  studyId = t.store.studies.ensureOne().id;
  const p17 = t.subject({
    code: 'P-017',
    birthYear: 1980,
    sex: 'female',
    skinType: 4,
    notes: 'Alice Smith, night shift',
  });
  first = await t.record(p17, 40, 66, { marker: 'cold pressor', notes: SECRET_NOTES, video: VIDEO });
  second = await t.record(p17, 25, 84);
  other = await t.record(t.subject({ code: 'Q_2' }), 25, 72);
}, 120_000);
afterAll(() => t.close());

const request = (fields: Partial<ExportRequest>): ExportRequest =>
  exportRequest.parse({
    studyId,
    sessionIds: [first.sessionId, second.sessionId, other.sessionId],
    ...fields,
    destination: fields.destination ?? freshDir(),
  });

function freshDir(): string {
  return fs.mkdtempSync(path.join(t.dir, 'out-'));
}

async function expectAppError(work: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  expect((error as AppError).message).toMatch(message);
}

describe('researcher export', () => {
  test('writes a zip whose every file matches the SHA-256 in its manifest and SHA256SUMS', async () => {
    const result = await runExport(t.store, request({}), { appVersion: 'test' });
    expect(result.path).toMatch(/pulse-export-My-study-\d{8}-\d{6}\.zip$/);
    const files = await exportedFiles(result.path);
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as {
      files: { path: string; bytes: number; sha256: string }[];
    };
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      [...files.keys()].filter((p) => p !== 'manifest.json' && p !== 'SHA256SUMS').sort(),
    );
    for (const f of manifest.files) {
      expect(crypto.createHash('sha256').update(files.get(f.path)!).digest('hex'), f.path).toBe(f.sha256);
      expect(files.get(f.path)!.length).toBe(f.bytes);
    }
    const sums = files.get('SHA256SUMS')!.toString().trim().split('\n');
    expect(sums).toHaveLength(manifest.files.length);
    expect(result).toMatchObject({ container: 'zip', sessions: 3, files: files.size });
    // The unzip tool agrees the archive is sound.
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('unzip', ['-tq', result.path]).toString()).toMatch(/No errors detected/);
  });

  test('carries the stored HR series, markers, frames and analysis provenance of each session', async () => {
    const files = await exportedFiles(
      (await runExport(t.store, request({ sessionIds: [first.sessionId] }), { appVersion: 'test' })).path,
    );
    const base = 'derivatives/pulse-studio/sub-P017/ses-1/sub-P017_ses-1';
    const analysis = t.store.analyses.latest(first.sessionId)!;
    const stored = t.store.analyses.allHrSeries(analysis.id);
    const hr = files.get(`${base}_hr.csv`)!.toString().trim().split('\n');
    expect(hr[0]).toBe('t_s,method,bpm,snr_db,reliability,confidence,reasons');
    expect(hr).toHaveLength(1 + Object.values(stored).reduce((n, s) => n + s.length, 0));
    const meta = JSON.parse(files.get(`${base}_session.json`)!.toString());
    expect(meta.analysis.hrStats).toEqual(hrStats(stored.pos!));
    expect(meta.analysis).toMatchObject({
      version: analysis.version,
      primaryMethod: 'pos',
      model: { id: null, sha256: null },
    });
    expect(meta.analysisVersions).toHaveLength(1);
    expect(meta.exportedWith.version).toBe('test');
    expect(files.get(`${base}_markers.csv`)!.toString()).toBe('t_s,label\n20,cold pressor\n');
    expect(files.get('sub-P017/ses-1/beh/sub-P017_ses-1_task-rppg_events.tsv')!.toString()).toBe(
      'onset\tduration\ttrial_type\n20\t0\tcold pressor\n',
    );
    const frames = files.get(`${base}_frames.csv`)!.toString().trim().split('\n');
    expect(frames).toHaveLength(1 + t.store.sessions.frameCount(first.sessionId));
    expect(frames[1]).toBe('0,0,1');
    const beats = files
      .get(`${base}_beats.csv`)!
      .toString()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[0]));
    // 66 bpm for 40 s: the beats found on the stored waveform are about 0.91 s apart.
    const gaps = beats
      .slice(1)
      .map((b, i) => b - beats[i]!)
      .sort((a, b) => a - b);
    expect(gaps[gaps.length >> 1]!).toBeCloseTo(60 / 66, 1);
  });

  test('lays physio files out as BIDS: names, sidecar keys, and rows = SamplingFrequency × duration', async () => {
    const files = await exportedFiles((await runExport(t.store, request({}), { appVersion: 'test' })).path);
    expect(JSON.parse(files.get('dataset_description.json')!.toString())).toMatchObject({
      Name: 'My study',
      BIDSVersion: expect.any(String),
    });
    expect(files.get('participants.tsv')!.toString()).toBe('participant_id\nsub-P017\nsub-Q2\n');
    expect(files.get('sub-P017/sub-P017_sessions.tsv')!.toString()).toMatch(
      /^session_id\tacq_time\nses-1\t\S+\nses-2\t\S+\n$/,
    );
    const physio = [...files.keys()].filter((p) => p.endsWith('_physio.tsv.gz'));
    expect(physio.length).toBeGreaterThanOrEqual(3);
    for (const file of physio) {
      expect(file).toMatch(
        /^sub-[A-Za-z0-9]+\/ses-\d+\/beh\/sub-[A-Za-z0-9]+_ses-\d+_task-[A-Za-z0-9]+_recording-[A-Za-z0-9]+_physio\.tsv\.gz$/,
      );
      const [, sub, ses] = /^sub-(\w+)\/ses-(\d+)\//.exec(file)!;
      expect(path.basename(file)).toMatch(new RegExp(`^sub-${sub}_ses-${ses}_`));
      const sidecar = JSON.parse(files.get(file.replace('.tsv.gz', '.json'))!.toString());
      expect(Object.keys(sidecar)).toEqual(expect.arrayContaining(['SamplingFrequency', 'StartTime', 'Columns']));
      const rows = zlib.gunzipSync(files.get(file)!).toString().trim().split('\n');
      expect(rows.every((r) => r.split('\t').length === sidecar.Columns.length && Number.isFinite(Number(r)))).toBe(
        true,
      );
      const session = t.store.sessions.get(
        sub === 'Q2' ? other.sessionId : ses === '1' ? first.sessionId : second.sessionId,
      );
      expect(rows.length).toBe(Math.round(sidecar.SamplingFrequency * sidecar.RecordingDuration));
      // The waveform covers the recording: its span is the session's, give or take a second.
      expect(Math.abs(rows.length / sidecar.SamplingFrequency - session.durationS)).toBeLessThan(1.5);
      expect(sidecar.StartTime).toBeGreaterThanOrEqual(0);
    }
  });

  test('de-identifies by default: codes only, no notes, names, birth years, camera names or local paths; dates shifted', async () => {
    const files = await exportedFiles(
      (await runExport(t.store, request({ video: 'include' }), { appVersion: 'test', shiftDays: -400 })).path,
    );
    const text = [...files.entries()]
      .filter(([p]) => !/\.(gz|webm)$/.test(p))
      .map(([, d]) => d.toString())
      .join('\n');
    for (const secret of [
      'Alice',
      'alice-smith',
      'female',
      'Test camera',
      'night shift',
      'birth',
      t.dir,
      os.homedir(),
      os.tmpdir(),
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    // Numbers tables and hashes may hold "1980" by chance; the descriptive files must not.
    const described = [...files.entries()]
      .filter(([p]) => /(\.json|\.tsv|README)$/.test(p) && p !== 'manifest.json')
      .map(([, d]) => d.toString())
      .join('\n');
    expect(described).not.toMatch(/\b1980\b/);
    const meta = JSON.parse(
      files.get('derivatives/pulse-studio/sub-P017/ses-1/sub-P017_ses-1_session.json')!.toString(),
    );
    const real = t.store.sessions.get(first.sessionId).startedAt;
    expect(Date.parse(meta.session.startedAt) - Date.parse(real)).toBe(-400 * 86_400_000);
    expect(meta.session.datesShifted).toBe(true);
    expect(files.get('sub-P017/sub-P017_sessions.tsv')!.toString()).toContain(
      new Date(Date.parse(real) - 400 * 86_400_000).toISOString().slice(0, 19),
    );
    expect([...files.get('sourcedata/sub-P017/ses-1/sub-P017_ses-1_video.webm')!]).toEqual([...VIDEO]);
  });

  test('includes demographics and notes only when asked, still without local paths or birth year', async () => {
    const files = await exportedFiles(
      (
        await runExport(t.store, request({ includeDemographics: true, includeFreeText: true, shiftDates: false }), {
          appVersion: 'test',
        })
      ).path,
    );
    const meta = JSON.parse(
      files.get('derivatives/pulse-studio/sub-P017/ses-1/sub-P017_ses-1_session.json')!.toString(),
    );
    expect(meta.subject).toEqual({
      code: 'P-017',
      sex: 'female',
      skinType: 4,
      ageYears: new Date().getUTCFullYear() - 1980,
    });
    expect(meta.session.notes).toBe('Alice Smith, see alice-smith.pdf');
    expect(meta.session.startedAt).toBe(t.store.sessions.get(first.sessionId).startedAt);
    expect(files.get('participants.tsv')!.toString().split('\n')[0]).toBe('participant_id\tsex\tskin_type\tage');
  });

  test("keeps an imported video's local path out of the export (its analysis remembers where it came from)", async () => {
    fs.mkdirSync(path.join(t.dir, 'secret-folder'));
    const clip = noiseVideo(path.join(t.dir, 'secret-folder', 'visit-of-alice.mp4'), 12);
    const imported = await importVideo(t.store, {
      video: clip,
      subjectCode: 'IMP-1',
      createSubject: true,
      roi: 'full',
      appVersion: 'test',
    });
    expect(JSON.stringify(t.store.analyses.latest(imported.session.id)!.summary)).toContain(clip);
    const metaOf = async (includeFreeText: boolean) => {
      const files = await exportedFiles(
        (
          await runExport(t.store, request({ sessionIds: [imported.session.id], includeFreeText }), {
            appVersion: 'test',
          })
        ).path,
      );
      const meta = files.get('derivatives/pulse-studio/sub-IMP1/ses-1/sub-IMP1_ses-1_session.json')!.toString();
      for (const local of [t.dir, os.tmpdir(), os.homedir()]) expect(meta).not.toContain(local);
      return meta;
    };
    // File names can name people: they go with the rest of the free text unless asked for.
    const plain = await metaOf(false);
    expect(plain).toContain('"file": "<file>"');
    expect(plain).not.toContain('alice');
    const withText = await metaOf(true);
    expect(withText).toContain('"file": "visit-of-alice.mp4"');
    expect(withText).toContain('Imported from visit-of-alice.mp4');
  }, 60_000);

  test('exports to a new folder, and a second export beside it never overwrites the first', async () => {
    const destination = freshDir();
    const now = new Date('2026-02-03T04:05:06Z');
    const a = await runExport(t.store, request({ container: 'folder', destination, sessionIds: [other.sessionId] }), {
      appVersion: 'test',
      now,
    });
    const b = await runExport(t.store, request({ container: 'folder', destination, sessionIds: [other.sessionId] }), {
      appVersion: 'test',
      now,
    });
    expect(path.basename(a.path)).toBe('pulse-export-My-study-20260203-040506');
    expect(path.basename(b.path)).toBe('pulse-export-My-study-20260203-040506-2');
    const manifest = JSON.parse(fs.readFileSync(path.join(a.path, 'manifest.json'), 'utf8')) as {
      files: { path: string; sha256: string }[];
    };
    for (const f of manifest.files) {
      expect(
        crypto
          .createHash('sha256')
          .update(fs.readFileSync(path.join(a.path, f.path)))
          .digest('hex'),
      ).toBe(f.sha256);
    }
  });
});

describe('bad export requests fail clearly and write nothing', () => {
  test('an unknown session or one of another study', async () => {
    const destination = freshDir();
    await expectAppError(
      runExport(t.store, request({ destination, sessionIds: [99_999] }), { appVersion: 'test' }),
      'not_found',
      /Session 99999 does not exist/,
    );
    const elsewhere = t.store.studies.create({ name: 'Other study', description: '', contact: '' }).id;
    await expectAppError(
      runExport(t.store, request({ destination, studyId: elsewhere }), { appVersion: 'test' }),
      'invalid_input',
      /belongs to another study/,
    );
    expect(fs.readdirSync(destination)).toEqual([]);
  });

  test('a destination that is missing, relative, a file, or read-only', async () => {
    await expectAppError(
      runExport(t.store, request({ destination: path.join(t.dir, 'nope') }), { appVersion: 'test' }),
      'not_found',
      /does not exist/,
    );
    await expectAppError(
      runExport(t.store, request({ destination: 'exports' }), { appVersion: 'test' }),
      'invalid_input',
      /full path/,
    );
    const file = path.join(freshDir(), 'file.txt');
    fs.writeFileSync(file, 'x');
    await expectAppError(
      runExport(t.store, request({ destination: file }), { appVersion: 'test' }),
      'invalid_input',
      /is a file/,
    );
    // Root ignores permission bits, so as root a read-only kernel folder stands in for a read-only mount.
    const readOnly = process.getuid?.() === 0 ? '/proc/self' : freshDir();
    if (readOnly !== '/proc/self') fs.chmodSync(readOnly, 0o555);
    await expectAppError(
      runExport(t.store, request({ destination: readOnly }), { appVersion: 'test' }),
      'storage',
      /Cannot write to/,
    );
  });

  test('a subject code that would escape the folder (../../x) is refused before anything is written', async () => {
    const destination = freshDir();
    const victim = t.subject({ code: 'EVIL-1' });
    const { sessionId } = await t.record(victim, 12, 70);
    t.store.db.prepare('UPDATE subjects SET code = ? WHERE id = ?').run('../../x', victim);
    const before = fs.readdirSync(t.dir).sort();
    await expectAppError(
      runExport(t.store, request({ destination, sessionIds: [sessionId] }), { appVersion: 'test' }),
      'invalid_input',
      /cannot be used in file names/,
    );
    expect(fs.readdirSync(destination)).toEqual([]);
    expect(fs.readdirSync(t.dir).sort()).toEqual(before);
  });

  test('two codes that would share a BIDS label', async () => {
    const a = await t.record(t.subject({ code: 'K-1' }), 12, 70);
    const b = await t.record(t.subject({ code: 'K1' }), 12, 70);
    await expectAppError(
      runExport(t.store, request({ sessionIds: [a.sessionId, b.sessionId] }), { appVersion: 'test' }),
      'conflict',
      /both be exported as sub-K1/,
    );
  });

  test('a cancelled export removes what it had written', async () => {
    const destination = freshDir();
    const controller = new AbortController();
    const run = runExport(t.store, request({ destination }), {
      appVersion: 'test',
      signal: controller.signal,
      onProgress: (p) => p.done === 1 && controller.abort(),
    });
    await expectAppError(run, 'conflict', /cancelled/);
    expect(fs.readdirSync(destination)).toEqual([]);
  });
});
