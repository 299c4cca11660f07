// `npm start` without Electron: the same UI in a browser, talking to the services over the tokened loopback server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { subjectFields } from '../common/subjects.ts';
import { webmVideo } from '../testing/media.ts';
import { startBrowserMode, type BrowserMode } from '../main/browser-mode.ts';
import { SubjectsPage } from './pages/subjects-page.ts';

let mode: BrowserMode;
let dataDir: string;

test.beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-browser-mode-'));
  mode = await startBrowserMode(dataDir, 'e2e');
});
test.afterEach(async () => {
  await mode.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('browser mode serves the app behind its token and keeps subjects across a restart', async ({ page }) => {
  await page.goto(mode.server.entryUrl);
  await expect(page).not.toHaveURL(/token=/); // the token leaves the address bar at once
  const subjects = new SubjectsPage(page);
  await subjects.create({ code: 'BM-1' });
  await expect(subjects.row('BM-1')).toBeVisible();

  await mode.stop();
  mode = await startBrowserMode(dataDir, 'e2e');
  await page.goto(mode.server.entryUrl);
  await expect(subjects.row('BM-1')).toBeVisible();
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('data-dir')).toHaveText(dataDir);
});

test('a page opened without the token cannot reach the services', async ({ page }) => {
  await page.goto(mode.server.url);
  await expect(page.getByRole('alert')).toContainText(/access token/);
});

test('the page’s session videos reach it through the media cookie, which a tokenless page never gets', async ({
  page,
  browser,
}) => {
  const { store } = mode.services;
  const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'BM-V' }));
  const session = store.sessions.create(
    { subjectId: subject.id, cameraLabel: null, width: null, height: null, fps: 30, notes: '' },
    { source: 'camera', appVersion: 'e2e' },
  );
  fs.mkdirSync(store.sessionDir(subject.id, session.id), { recursive: true });
  webmVideo(path.join(store.sessionDir(subject.id, session.id), 'video.webm'));
  const probe = (id: number) =>
    fetch(`/media/sessions/${id}/video.webm`, { headers: { range: 'bytes=0-99' } }).then((r) => r.status);

  await page.goto(mode.server.entryUrl);
  await expect(page.getByRole('button', { name: 'Review', exact: true })).toBeVisible();
  await expect.poll(() => page.evaluate(probe, session.id), { message: 'media after the first API reply' }).toBe(206);
  expect(await page.evaluate(probe, session.id + 1)).toBe(404);

  const stranger = await browser.newPage();
  await stranger.goto(mode.server.url);
  expect(await stranger.evaluate(probe, session.id)).toBe(403);
  await stranger.close();
});
