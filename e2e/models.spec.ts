// Settings → Models: importing checkpoints through the file picker, refusing a broken file while the
// active model stays, switching models, and the authors' download (from a local file: address).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { Page } from '@playwright/test';
import { AUTHORS_CHECKPOINT, sharedAvailable } from '../testing/dev-export.ts';
import { sspdTensors, writeCheckpoint } from '../testing/checkpoint.ts';
import { expect, test } from './fixtures.ts';

function tempFile(name: string, bytes: Uint8Array): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-model-')), name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function openModels(app: Page) {
  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByRole('heading', { name: 'Models' })).toBeVisible();
}

async function importFile(app: Page, file: string) {
  await app.getByLabel('Import an SSPD checkpoint (.pth) or ONNX model (.onnx)').setInputFiles(file);
  await app.getByRole('button', { name: 'Import', exact: true }).click();
}

const activeRow = (app: Page) => app.getByTestId('model-table').locator('tr.active');

test('imports a .pth as the active model, refuses a truncated one and keeps the active model', async ({
  app,
  services,
}) => {
  const pth = writeCheckpoint(sspdTensors(3));
  await openModels(app);
  await expect(app.getByText('No SSPD model is installed yet')).toBeVisible();

  await importFile(app, tempFile('lab-model.pth', pth));
  await expect(app.getByTestId('notice')).toHaveText(/Imported lab-model .*recordings now use it/);
  await expect(activeRow(app)).toContainText('lab-model');
  await expect(activeRow(app)).toContainText('PyTorch checkpoint');
  await expect(activeRow(app)).toContainText('67 tensors, 32 samples');

  await importFile(app, tempFile('broken.pth', pth.subarray(0, pth.length - 500)));
  await expect(app.getByTestId('model-error')).toHaveText(
    /not a readable PyTorch checkpoint.*\[CHECKPOINT_CORRUPT\]\. The active model is unchanged/,
  );
  await expect(app.getByTestId('model-table').getByRole('row')).toHaveCount(2);

  // Read back from the file after a restart: the choice is in the database, not the page.
  services.restart();
  await app.reload();
  await openModels(app);
  await expect(activeRow(app)).toContainText('lab-model');
  const db = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
  const rows = db.prepare('SELECT name, source, active FROM models').all();
  db.close();
  expect(rows).toEqual([{ name: 'lab-model', source: 'pth', active: 1 }]);
});

test('switches the active model between imports', async ({ app }) => {
  await openModels(app);
  await importFile(app, tempFile('first.pth', writeCheckpoint(sspdTensors(3))));
  await expect(activeRow(app)).toContainText('first');
  await app.getByLabel('Make it the active model').uncheck();
  await importFile(app, tempFile('second.pth', writeCheckpoint(sspdTensors(4))));
  await expect(app.getByTestId('model-table').getByRole('row')).toHaveCount(3);
  await expect(activeRow(app)).toContainText('first');
  await app
    .getByTestId('model-table')
    .getByRole('row')
    .filter({ hasText: 'second' })
    .getByRole('button', { name: 'Set active' })
    .click();
  await expect(activeRow(app)).toContainText('second');
});

test.describe('authors’ checkpoint', () => {
  test.skip(!sharedAvailable(), '../shared/models/sspd-ubfc-authors.pth is absent');
  test.use({ modelSettings: { authorsUrl: pathToFileURL(AUTHORS_CHECKPOINT).href } });

  test('downloads only after the licence notice is accepted, then checks and imports it', async ({ app }) => {
    await openModels(app);
    await app.getByText('Download the SSPD authors’ weights…').click();
    await expect(app.getByText(/published by the SSPD authors .* without a licence/)).toBeVisible();
    const download = app.getByRole('button', { name: 'Download and import' });
    await expect(download).toBeDisabled();
    await app.getByLabel('I have read this notice and want to download them').check();
    await download.click();
    await expect(activeRow(app)).toContainText('SSPD authors’ weights (UBFC-rPPG)');
  });
});
