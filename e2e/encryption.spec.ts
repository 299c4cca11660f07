// Encryption as a user meets it in the built UI: turned on in Settings, then the passphrase asked at the next
// start — a wrong one says so in plain words and changes nothing, the right one opens the app as before.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures.ts';
import { channelCaller } from './seed.ts';

const PASS = 'ward seven laptop';

test('Settings encrypts the data folder; the next start asks for the passphrase and refuses a wrong one', async ({ app, services }) => {
  const call = channelCaller(services);
  await call('subjects:create', { studyId: 1, code: 'CRYPT-1' });

  await app.getByRole('button', { name: 'Settings' }).click();
  const panel = app.getByRole('region', { name: 'Encryption' });
  await expect(panel.getByTestId('encryption-state')).toContainText('not encrypted');
  await panel.getByLabel('Passphrase (at least 8 characters').fill(PASS);
  await panel.getByLabel('The same passphrase again').fill('ward seven laptop?');
  await panel.getByRole('checkbox').check();
  await panel.getByRole('button', { name: 'Encrypt the data folder' }).click();
  await expect(panel).toContainText('The two passphrases differ');
  await panel.getByLabel('The same passphrase again').fill(PASS);
  await panel.getByRole('button', { name: 'Encrypt the data folder' }).click();
  await expect(panel.getByTestId('encryption-state')).toContainText('are encrypted', { timeout: 30_000 });
  expect(fs.readFileSync(path.join(services.dataDir, 'pulse-studio.db')).includes('CRYPT-1')).toBe(false);

  services.restart();
  await app.reload();
  const screen = app.getByTestId('data-problem');
  await expect(screen.getByRole('heading', { name: 'This data folder is encrypted' })).toBeVisible();
  await screen.getByLabel('Passphrase').fill('ward 7 laptop');
  await screen.getByRole('button', { name: 'Open' }).click();
  await expect(screen.getByTestId('unlock-error')).toHaveText('That passphrase does not open this data folder. Check it (capital letters, keyboard layout) and try again; nothing was changed.');
  await screen.getByLabel('Passphrase').fill(PASS);
  await screen.getByRole('button', { name: 'Open' }).click();
  await expect(app.getByRole('cell', { name: 'CRYPT-1' })).toBeVisible();
});
