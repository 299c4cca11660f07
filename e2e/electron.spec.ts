// The real desktop app under Playwright's Electron driver. Runs wherever an Electron binary exists.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { protocolFields } from '../common/protocols.ts';
import { subjectFields } from '../common/subjects.ts';
import { webmVideo } from '../testing/media.ts';
import { openStore } from '../main/store/index.ts';
import { electronBinary } from '../scripts/electron-binary.ts';
import { SubjectsPage } from './pages/subjects-page.ts';

const binary = electronBinary();
if ('missing' in binary) console.log(`[electron.spec] skipping the desktop-app test: ${binary.missing}`);

test.describe('desktop app (Electron)', () => {
  test.skip(
    'missing' in binary,
    `Skipped: no Electron binary on this machine — ${'missing' in binary ? binary.missing : ''}`,
  );

  test('opens a hardened window, creates a subject and stores it in the data folder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-electron-'));
    const app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: ['.'],
      env: { ...process.env, PULSE_STUDIO_DATA_DIR: dataDir },
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('heading', { name: /^Subjects/ })).toBeVisible();

      // Isolation and sandbox, seen from the page: only the preload's API, no Node.
      const globals = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        api: typeof (globalThis as { pulse?: { createSubject?: unknown } }).pulse?.createSubject,
      }));
      expect(globals).toEqual({ require: 'undefined', process: 'undefined', api: 'function' });
      expect(await page.evaluate(() => window.open('https://example.com') === null)).toBe(true);
      await page.evaluate(() => (location.href = 'https://example.com'));
      await expect.poll(() => page.url()).toMatch(/^app:\/\/pulse\//);

      const subjects = new SubjectsPage(page);
      await subjects.create({ code: 'E-1', birthYear: '1970' });
      await expect(subjects.row('E-1')).toBeVisible();
    } finally {
      await app.close();
    }
    const db = new Database(path.join(dataDir, 'pulse-studio.db'), { readonly: true });
    expect(db.prepare('SELECT code, birth_year FROM subjects').all()).toEqual([{ code: 'E-1', birth_year: 1970 }]);
    db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('serves a session video from the data folder under app://pulse/media with byte ranges, and nothing else there', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-electron-media-'));
    const store = openStore(dataDir);
    const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'E-V' }));
    const session = store.sessions.create(
      { subjectId: subject.id, cameraLabel: null, width: null, height: null, fps: 30, notes: '' },
      { source: 'camera', appVersion: 'e2e' },
    );
    fs.mkdirSync(store.sessionDir(subject.id, session.id), { recursive: true });
    webmVideo(path.join(store.sessionDir(subject.id, session.id), 'video.webm'));
    store.close();
    fs.writeFileSync(path.join(dataDir, 'pulse-studio.db.txt'), 'not media');
    const app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: ['.'],
      env: { ...process.env, PULSE_STUDIO_DATA_DIR: dataDir },
    });
    try {
      const page = await app.firstWindow();
      const status = (url: string) =>
        page.evaluate(
          (u) => fetch(u, { headers: { range: 'bytes=0-99' } }).then((r) => [r.status, r.headers.get('content-range')]),
          url,
        );
      expect(await status(`/media/sessions/${session.id}/video.webm`)).toEqual([
        206,
        expect.stringMatching(/^bytes 0-99\/\d+$/),
      ]);
      for (const url of [
        `/media/sessions/${session.id + 1}/video.webm`,
        '/media/../pulse-studio.db.txt',
        `/media/sessions/${session.id}/%2e%2e/%2e%2e/video.webm`,
      ]) {
        expect((await status(url))[0], url).toBe(404);
      }
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('opens the participant screen as a second window, locked like the main one and without the API', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-electron-participant-'));
    const store = openStore(dataDir);
    store.protocols.create(
      store.studies.ensureOne().id,
      protocolFields.parse({
        name: 'Two steps',
        steps: [{ name: 'rest', durationS: 60, participantText: 'Sit still' }],
      }),
    );
    store.close();
    const app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: ['.'],
      env: { ...process.env, PULSE_STUDIO_DATA_DIR: dataDir },
    });
    try {
      const page = await app.firstWindow();
      // Only the participant route opens, and only from the app's own page.
      expect(await page.evaluate(() => window.open('app://pulse/index.html') === null)).toBe(true);
      await page.getByRole('button', { name: 'Record', exact: true }).click();
      await page.getByRole('combobox', { name: 'Protocol' }).selectOption({ label: 'Two steps · 1 step, 1:00' });
      const [screen] = await Promise.all([
        app.waitForEvent('window'),
        page.getByRole('button', { name: 'Participant screen', exact: true }).click(),
      ]);
      expect(screen.url()).toBe('app://pulse/index.html#participant');
      await expect(screen.getByTestId('participant-text')).toHaveText('Please wait: we start in a moment.');
      const globals = await screen.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        api: typeof (globalThis as { pulse?: unknown }).pulse,
      }));
      expect(globals).toEqual({ require: 'undefined', process: 'undefined', api: 'undefined' });
      expect(await screen.evaluate(() => window.open('app://pulse/index.html#participant') === null)).toBe(true);
      await Promise.all([
        screen.waitForEvent('close'),
        page.getByRole('button', { name: 'Close participant screen' }).click(),
      ]);
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
