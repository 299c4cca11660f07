// The application log keeps what support needs and nothing a user typed: no quoted text, tokens or home folder;
// it rotates, and it is the user's alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openApp } from '../app-host.ts';
import { LOG_DIR, LOG_FILE, openAppLog, redact } from './app-log.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-log-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const logFile = () => path.join(dir, LOG_DIR, LOG_FILE);

test('removes quoted text, tokens, hashes and the home folder from a line', () => {
  const line = redact(
    `open ${os.homedir()}/x.mp4 http://127.0.0.1:4000/#token=${'ab'.repeat(24)} Subject code "P-017 Alice" sha ${'f'.repeat(64)}`,
  );
  expect(line).toBe('open ~/x.mp4 http://127.0.0.1:4000/#token=<removed> Subject code "…" sha <hex>');
});

test('rotates at its size limit, keeping five older files, each owner-only', () => {
  const log = openAppLog(dir, { maxBytes: 200 });
  for (let i = 0; i < 40; i++) log(`line ${i} ${'x'.repeat(60)}`);
  const files = fs.readdirSync(path.join(dir, LOG_DIR)).sort();
  expect(files).toEqual([LOG_FILE, ...[1, 2, 3, 4, 5].map((n) => `${LOG_FILE}.${n}`)]);
  expect(fs.readFileSync(logFile(), 'utf8')).toMatch(/line 39/);
  if (process.platform !== 'win32')
    for (const f of files) expect(fs.statSync(path.join(dir, LOG_DIR, f)).mode & 0o777).toBe(0o600);
});

test('the app logs its start and its faults, never the codes and notes the user typed', async () => {
  const host = openApp({
    dataDir: dir,
    identity: { version: 'test', platform: 'linux', shell: 'browser' },
    holder: 'a test',
    log: openAppLog(dir),
  });
  await host.dispatch('subjects:create', { studyId: 1, code: 'SECRET-7', notes: 'Jane Roe, room 4' });
  await host.dispatch('subjects:create', { studyId: 1, code: 'SECRET-7' }); // a duplicate: told to the user, not logged
  host.services!.store.db.exec('DROP TABLE markers'); // a fault: logged for support
  await host.dispatch('sessions:results', { sessionId: 1 });
  const session = await host.dispatch('recording:start', { subjectId: 1 });
  expect(session.ok).toBe(true);
  host.close();
  const text = fs.readFileSync(logFile(), 'utf8');
  expect(text).toMatch(/\[start\] Pulse Studio test \(browser\)/);
  expect(text).toMatch(/\[stop\]/);
  expect(text).not.toMatch(/SECRET|Jane|room 4/);
});
