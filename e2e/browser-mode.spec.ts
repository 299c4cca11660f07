// `npm start` without Electron: the same UI in a browser, talking to the services over the tokened loopback server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
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
