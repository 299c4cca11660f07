// Encryption as a user meets it in the built UI: turned on in Settings, then the passphrase asked at the next
// start — a wrong one says so in plain words and changes nothing, the right one opens the app as before; Review
// plays and seeks an encrypted video, decrypted piece by piece by the media route.
import fs from 'node:fs';
import path from 'node:path';
import { subjectFields } from '../common/subjects.ts';
import { tempDir, webmVideo } from '../testing/media.ts';
import { encryptFolder } from '../main/encryption/convert-folder.ts';
import { expect, test } from './fixtures.ts';
import { channelCaller, recordSession } from './seed.ts';

const PASS = 'ward seven laptop';

test('Settings encrypts the data folder; the next start asks for the passphrase and refuses a wrong one', async ({
  app,
  services,
}) => {
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
  await expect(screen.getByTestId('unlock-error')).toHaveText(
    'That passphrase does not open this data folder. Check it (capital letters, keyboard layout) and try again; nothing was changed.',
  );
  await screen.getByLabel('Passphrase').fill(PASS);
  await screen.getByRole('button', { name: 'Open' }).click();
  await expect(app.getByRole('cell', { name: 'CRYPT-1' })).toBeVisible();
});

test('Review plays and seeks a session video stored encrypted', async ({ app, services }) => {
  const dir = tempDir('crypt-video');
  const webm = new Uint8Array(fs.readFileSync(webmVideo(path.join(dir, 'video.webm'), 30)));
  fs.rmSync(dir, { recursive: true, force: true });
  const subject = services.store.subjects.create(
    services.store.studies.ensureOne().id,
    subjectFields.parse({ code: 'CRYPT-VID' }),
  );
  await recordSession(services, { subjectId: subject.id, bpm: 70, seconds: 30, video: webm });
  services.close();
  await encryptFolder(services.dataDir, PASS, { cost: { N: 1 << 12, r: 8, p: 1 } });
  services.restart();
  await channelCaller(services)('encryption:unlock', { passphrase: PASS });

  await app.reload();
  await app.getByRole('button', { name: 'Review', exact: true }).click();
  await app.getByTestId('session-table').getByRole('row').nth(1).click();
  const results = app.getByRole('region', { name: 'Session results' });
  const video = results.locator('video');
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => Number.isFinite(v.duration) && v.readyState >= 1), {
      message: 'video ready',
    })
    .toBe(true);
  expect(await video.evaluate((v: HTMLVideoElement) => v.duration)).toBeGreaterThan(28);
  const hr = results.getByRole('slider', { name: /^Heart rate over time/ });
  const box = (await hr.boundingBox())!;
  await hr.click({ position: { x: box.width * 0.7, y: box.height / 2 } });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { message: 'video seeked by the plot' })
    .toBeGreaterThan(15);
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { message: 'frames decoded after the seek' })
    .toBeGreaterThanOrEqual(2);
});
