// Data safety as a user meets it in the built UI: a damaged database opens a screen that offers the backups and
// restores one (the damaged file kept aside untouched); Settings names the operator, backs up and checks the
// audit trail; Review checks a session's files against the checksums stored at Stop.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures.ts';
import { channelCaller, recordSession } from './seed.ts';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('a damaged database shows what happened and restores the backup the user previews', async ({ app, services }) => {
  const call = channelCaller(services);
  await call('subjects:create', { studyId: 1, code: 'SAFE-1' });
  const backup = await call('backups:create', undefined);
  services.close();
  const db = path.join(services.dataDir, 'pulse-studio.db');
  fs.writeFileSync(db, Buffer.from(fs.readFileSync(db)).fill(0, 0, 100));
  const damaged = sha256(db);
  services.restart();

  await app.reload();
  const screen = app.getByTestId('data-problem');
  await expect(screen.getByRole('heading', { name: 'The database is damaged' })).toBeVisible();
  await expect(screen).toContainText('It was not changed');
  // The start's daily backup is listed too: the user picks the one made by hand.
  await screen
    .getByTestId('backup-table')
    .getByRole('row')
    .filter({ hasText: 'made by hand' })
    .getByRole('button', { name: 'Preview' })
    .click();
  const preview = screen.getByTestId('backup-preview');
  await expect(preview).toContainText(/Subjects\s*1/);
  await expect(preview.getByRole('button', { name: 'Restore this backup' })).toBeDisabled();
  await preview.getByTestId('restore-confirm').check();
  await preview.getByRole('button', { name: 'Restore this backup' }).click();

  await expect(app.getByRole('button', { name: 'Subjects' })).toBeVisible();
  await expect(app.getByRole('cell', { name: 'SAFE-1' })).toBeVisible();
  const keptAside = fs.readdirSync(services.dataDir).filter((f) => f.startsWith('pulse-studio.db.damaged-'));
  expect(keptAside.map((f) => sha256(path.join(services.dataDir, f)))).toContain(damaged);
  expect(services.store.audit.list().at(-1)).toMatchObject({ action: 'restore', entityId: backup.name });
});

test('Settings names the operator, backs up and checks the audit trail; Review checks the files', async ({
  app,
  services,
}) => {
  const call = channelCaller(services);
  const subject = await call('subjects:create', { studyId: 1, code: 'FILES-1' });
  await recordSession(services, {
    subjectId: subject.id,
    bpm: 70,
    seconds: 12,
    chunk: 30,
    video: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]),
  });

  await app.getByRole('button', { name: 'Settings' }).click();
  await app.getByTestId('operator').fill('Dr Lee');
  await app.getByRole('button', { name: 'Set', exact: true }).click();
  await expect(app.getByTestId('notice')).toContainText('recorded as made by Dr Lee');
  const rows = app.getByTestId('backup-table').locator('tbody tr');
  const before = await rows.count();
  await app.getByTestId('backup-now').click();
  await expect(rows).toHaveCount(before + 1);
  await app.getByTestId('audit-check').click();
  await expect(app.getByTestId('audit-result')).toContainText(/^Intact: \d+ entries/);

  await app.getByRole('button', { name: 'Review', exact: true }).click();
  await app.getByTestId('session-table').getByRole('row').nth(1).click();
  await app.getByTestId('verify-media').click();
  await expect(app.getByTestId('verify-result')).toContainText('Camera video: unchanged');
  await expect(app.getByTestId('verify-result')).toContainText('Face crops: unchanged');
  fs.appendFileSync(path.join(services.store.sessionDir(subject.id, 1), 'video.webm'), 'x');
  await app.getByTestId('verify-media').click();
  await expect(app.getByTestId('verify-result')).toContainText('Camera video: CHANGED since the recording stopped');
});
