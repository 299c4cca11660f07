// Review with the session video: recorded through the real channels with a real WebM, served by the local
// server's /media route; the plots' cursor follows playback, clicking a plot seeks the video, the waveform
// zooms and pans, HRV is shown; a damaged or missing video leaves the rest of the review working; compare aligns
// sessions at a marker they share.
import fs from 'node:fs';
import path from 'node:path';
import { subjectFields } from '../common/subjects.ts';
import { tempDir, webmVideo } from '../testing/media.ts';
import { expect, test, type Services } from './fixtures.ts';
import { recordSession } from './seed.ts';

const SECONDS = 70;

/** A 70-s session at `bpm` with a "task" marker, its camera video stored as given. */
const recordTask = (services: Services, subjectId: number, bpm: number, video: Uint8Array, taskAtS: number) =>
  recordSession(services, { subjectId, bpm, seconds: SECONDS, video, markers: [{ tS: taskAtS, label: 'task' }] });

test('plays the session video in sync with the plots; a damaged or missing video only shows a notice; sessions compare aligned at a shared marker', async ({
  app,
  services,
}) => {
  test.setTimeout(120_000);
  const dir = tempDir('review-video');
  const webm = new Uint8Array(fs.readFileSync(webmVideo(path.join(dir, 'video.webm'), SECONDS)));
  fs.rmSync(dir, { recursive: true, force: true });
  const subject = services.store.subjects.create(
    services.store.studies.ensureOne().id,
    subjectFields.parse({ code: 'VID-1' }),
  );
  await recordTask(services, subject.id, 66, webm, 10);

  await app.getByRole('button', { name: 'Review', exact: true }).click();
  await app.getByTestId('session-table').getByRole('row').nth(1).click();
  const results = app.getByRole('region', { name: 'Session results' });
  const video = results.locator('video');
  // The recorder's WebM has no duration header: the view probes it, then seeking works.
  await expect
    .poll(
      () =>
        video.evaluate(
          (v: HTMLVideoElement) => Number.isFinite(v.duration) && v.currentTime === 0 && v.readyState >= 1,
        ),
      { message: 'video ready' },
    )
    .toBe(true);
  expect(await video.evaluate((v: HTMLVideoElement) => v.duration)).toBeGreaterThan(SECONDS - 2);

  // Clicking the HR plot seeks the video and moves the cursor there.
  const hr = results.getByRole('slider', { name: /^Heart rate over time/ });
  const box = (await hr.boundingBox())!;
  await hr.click({ position: { x: box.width * 0.6, y: box.height / 2 } });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { message: 'video seeked by the plot' })
    .toBeGreaterThan(20);
  const seeked = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect(hr).toHaveAttribute('data-cursor-s', seeked.toFixed(1));
  // The HR plot zooms too (every window once the view holds few enough), and back out.
  const hrTools = results.getByRole('toolbar', { name: 'Heart-rate view' });
  await hrTools.getByRole('button', { name: 'Zoom in' }).click();
  const hrView = (await hr.getAttribute('data-view'))!.split('-').map(Number) as [number, number];
  expect(hrView[1] - hrView[0]).toBeLessThan(SECONDS / 1.4);
  await hrTools.getByRole('button', { name: 'Whole session' }).click();

  // Playing moves the cursor on both plots; the waveform view follows it.
  const wave = results.getByRole('slider', { name: /Waveform view/ });
  await video.evaluate((v: HTMLVideoElement) => ((v.muted = true), v.play()));
  await expect
    .poll(async () => Number(await wave.getAttribute('data-cursor-s')), { message: 'cursor follows playback' })
    .toBeGreaterThan(seeked + 0.5);
  await video.evaluate((v: HTMLVideoElement) => v.pause());
  const cursor = Number(await wave.getAttribute('data-cursor-s'));
  const [from, to] = (await wave.getAttribute('data-view'))!.split('-').map(Number) as [number, number];
  expect(cursor).toBeGreaterThanOrEqual(from);
  expect(cursor).toBeLessThanOrEqual(to);

  // Waveform: beats are marked; buttons, keys and the wheel zoom; a click seeks the video.
  await expect(results.getByTestId('waveform-caption')).toContainText(/\d+ beats shown/);
  await results.getByRole('toolbar', { name: 'Waveform view' }).getByRole('button', { name: 'Whole session' }).click();
  await expect(wave).toHaveAttribute('data-view', /^0\.\d-7\d\.\d$/);
  await results.getByRole('toolbar', { name: 'Waveform view' }).getByRole('button', { name: 'Zoom in' }).click();
  const zoomed = (await wave.getAttribute('data-view'))!.split('-').map(Number) as [number, number];
  expect(zoomed[1] - zoomed[0]).toBeLessThan(SECONDS / 1.4);
  await wave.focus();
  await app.keyboard.press('Home');
  await app.keyboard.press('+');
  await app.keyboard.press('ArrowRight');
  const moved = (await wave.getAttribute('data-view'))!.split('-').map(Number) as [number, number];
  expect(moved[0]).toBeGreaterThan(0);
  await app.keyboard.press('Enter'); // plays from the view's start
  await expect
    .poll(async () => Math.abs((await video.evaluate((v: HTMLVideoElement) => v.currentTime)) - moved[0]), {
      message: 'seeked by Enter',
    })
    .toBeLessThan(0.1);
  const waveBox = (await wave.boundingBox())!;
  await wave.click({ position: { x: waveBox.width * 0.5, y: waveBox.height / 2 } });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { message: 'video seeked by the waveform' })
    .toBeGreaterThan(moved[0]);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeLessThan(moved[1]);

  // HRV from the beats of usable windows (a steady synthetic pulse: about 909 ms between beats).
  await expect(results.getByTestId('hrv')).toContainText('Mean NN');
  const meanNn = Number((await results.getByTestId('hrv').textContent())!.match(/Mean NN\s*(\d+) ms/)![1]);
  expect(Math.abs(meanNn - 60_000 / 66)).toBeLessThan(15);
  await expect(results.getByTestId('respiration')).toBeVisible();
  await app.screenshot({ path: test.info().outputPath('review-video.png'), fullPage: true });

  // A damaged video: a clear notice, the HR plot and waveform still there.
  const damaged = await recordTask(services, subject.id, 80, new Uint8Array(200_000).fill(7), 20);
  await app.getByRole('button', { name: 'Subjects' }).click();
  await app.getByRole('button', { name: 'Review', exact: true }).click();
  const rows = app.getByTestId('session-table').getByRole('row');
  await rows.nth(1).click(); // newest first
  await expect(results.getByTestId('video-notice')).toContainText('cannot be played');
  await expect(results.getByRole('slider', { name: /^Heart rate over time/ })).toBeVisible();
  await expect(results.getByRole('slider', { name: /Waveform view/ })).toBeVisible();

  // A missing one: the same, with its own notice.
  const file = path.join(services.store.sessionDir(subject.id, damaged), 'video.webm');
  fs.rmSync(file);
  await rows.nth(2).click();
  await expect(results.locator('video')).toBeVisible();
  await rows.nth(1).click();
  await expect(results.getByTestId('video-notice')).toContainText('No video is stored');
  await expect(results.getByTestId('session-median')).toContainText(/Heart rate (79|80|81)\.\d bpm/);

  // Compare, aligned at the marker both sessions share.
  await app.getByText('Compare sessions').click();
  for (const box of await app.getByRole('list', { name: 'Sessions to compare' }).getByRole('checkbox').all())
    await box.check();
  await app.getByLabel('Align sessions at').selectOption('task');
  const compared = app.getByTestId('compare-table');
  await expect(compared.getByRole('row').nth(1)).toContainText('20.0 s');
  await expect(compared.getByRole('row').nth(2)).toContainText('10.0 s');
});
