// `pulse-studio verify` on a real data folder: all good, then a changed video, a broken audit trail and a
// damaged database are each named, with exit code 1 — without changing anything it reads.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pulsingChunk } from '../../testing/frames.ts';
import { openServices } from '../services.ts';

let dir: string;
let sessionId: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-verify-'));
  const services = openServices(dir, { version: 'test', platform: 'linux', shell: 'browser' });
  const subject = services.store.subjects.create(1, {
    code: 'V-1',
    birthYear: null,
    sex: 'unknown',
    skinType: null,
    notes: '',
    consentDate: null,
    consentVersion: null,
  });
  const session = await services.recorder.start({
    subjectId: subject.id,
    cameraLabel: null,
    width: null,
    height: null,
    fps: 30,
    notes: '',
  });
  sessionId = session.id;
  services.recorder.appendFrames(session.id, pulsingChunk(0, 30, 70));
  services.recorder.appendVideo(session.id, new Uint8Array([1, 2, 3, 4]));
  await services.recorder.stop(session.id);
  services.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const verify = () =>
  spawnSync(process.execPath, ['main/cli/pulse-studio.ts', 'verify', '--quiet'], {
    env: { ...process.env, PULSE_STUDIO_DATA_DIR: dir },
    encoding: 'utf8',
  });

test('an export from the command line is recorded in the audit trail under the operator it names', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-verify-out-'));
  const run = spawnSync(
    process.execPath,
    ['main/cli/pulse-studio.ts', 'export', '--out', out, '--operator', 'Dr Lee', '--quiet'],
    { env: { ...process.env, PULSE_STUDIO_DATA_DIR: dir }, encoding: 'utf8' },
  );
  expect(run.status, run.stderr).toBe(0);
  const db = new Database(path.join(dir, 'pulse-studio.db'), { readonly: true });
  expect(db.prepare('SELECT actor, action FROM audit_trail ORDER BY seq DESC LIMIT 1').get()).toEqual({
    actor: 'Dr Lee',
    action: 'export',
  });
  db.close();
  fs.rmSync(out, { recursive: true, force: true });
});

test('reports an intact folder, then each kind of damage it finds', () => {
  const good = verify();
  expect(good.status).toBe(0);
  expect(good.stdout).toMatch(/Database: intact/);
  expect(good.stdout).toMatch(/Audit trail: \d+ entries, hash chain intact, head [0-9a-f]{64}/);
  expect(good.stdout).toMatch(/Media: 1 sessions, 2 files match their checksums, 0 changed, 0 missing/);

  const video = path.join(dir, 'subjects', '1', 'sessions', String(sessionId), 'video.webm');
  fs.appendFileSync(video, 'x');
  const changed = verify();
  expect(changed.status).toBe(1);
  expect(changed.stdout).toMatch(new RegExp(`session ${sessionId}: video\\.webm CHANGED`));

  const db = new Database(path.join(dir, 'pulse-studio.db'));
  db.exec('DROP TRIGGER audit_trail_no_delete');
  db.prepare('DELETE FROM audit_trail WHERE seq = 2').run();
  db.close();
  expect(verify().stdout).toMatch(/Audit trail: BROKEN at entry 2: entry 2 is missing/);

  const file = path.join(dir, 'pulse-studio.db');
  fs.writeFileSync(file, Buffer.from(fs.readFileSync(file)).fill(0, 0, 100));
  const damaged = verify();
  expect(damaged.status).toBe(1);
  expect(damaged.stdout).toMatch(/Database: DAMAGED\n {2}Not a database: its header is damaged/);
});
