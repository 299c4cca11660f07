// Settings → Models → "Adapt to this study's recordings…": a one-step adaptation of the bundled model on a recorded
// session with progress, the new model listed with its provenance and loss curve and NOT made active; a cancelled
// run adds nothing. Real services and Python (skipped where Python has no torch).
import path from 'node:path';
import type { Page } from '@playwright/test';
import { NO_TORCH, torchAvailable } from '../testing/python.ts';
import { expect, test } from './fixtures.ts';
import { channelCaller, recordSession } from './seed.ts';

test.skip(!torchAvailable, NO_TORCH);
test.use({ modelSettings: { bundled: path.resolve('models', 'sspd.onnx'), intraOpThreads: 1 } });

async function openAdapt(app: Page) {
  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByRole('heading', { name: 'Models' })).toBeVisible();
  await app.getByText('Adapt to this study’s recordings…').click();
  await expect(app.getByTestId('adapt-python')).toContainText('PyTorch', { timeout: 60_000 });
}

const rows = (app: Page) => app.getByTestId('model-table').locator('tbody > tr:not(.provenance-row)');

test.beforeEach(async ({ services }) => {
  const call = channelCaller(services);
  const studyId = (await call('studies:list', undefined))[0]!.id as number;
  const subject = await call('subjects:create', { studyId, code: 'SYN-1' });
  await recordSession(services, { subjectId: subject.id as number, bpm: 72, seconds: 8 });
});

test('adapts the active model in one step: progress, then an inactive model with its provenance', async ({ app }) => {
  test.setTimeout(180_000);
  await openAdapt(app);
  await expect(app.getByRole('group', { name: 'Sessions to learn from' })).toContainText('1 of 1 chosen');
  await app.getByLabel('Steps').fill('1');
  await app.getByRole('button', { name: 'Adapt', exact: true }).click();
  await expect(app.getByTestId('adapt-progress')).toBeVisible();
  await expect(app.getByTestId('notice')).toHaveText(/Registered “sspd\.onnx adapted to .*”\. It is not active/, {
    timeout: 150_000,
  });
  await expect(rows(app)).toHaveCount(2);
  await expect(app.getByTestId('model-table').locator('tr.active')).toContainText('Bundled');
  const adapted = rows(app).filter({ hasText: 'Adapted' });
  await expect(adapted.getByRole('button', { name: 'Set active' })).toBeVisible();
  const provenance = app.getByTestId('model-provenance');
  await expect(provenance).toContainText('sspd.onnx');
  await expect(provenance).toContainText('1 step on cpu');
  await expect(provenance).toContainText('no session had a contact reference');
  await expect(provenance.getByRole('img', { name: /Loss over 1 step,/ })).toBeVisible();
});

test('a cancelled adaptation adds no model', async ({ app }) => {
  test.setTimeout(120_000);
  await openAdapt(app);
  await app.getByRole('button', { name: 'Adapt', exact: true }).click();
  // Cancelled while Python learns (the run has 100 steps).
  await expect(app.getByTestId('adapt-progress')).toContainText(/Learning from \d+ frames|Step \d+ of 100/, {
    timeout: 60_000,
  });
  await app.getByRole('button', { name: 'Cancel' }).click();
  await expect(app.getByTestId('adapt-progress')).toContainText('Cancelled: no model was registered', {
    timeout: 60_000,
  });
  await expect(rows(app)).toHaveCount(1);
});
