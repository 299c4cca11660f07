// The camera goes away mid-recording (unplugged, or taken by another app): a clear message, the session
// closed as complete with every frame captured up to then, and a busy camera named as such on reopening.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from './fixtures.ts';
import { fakeCameraLaunch, pulsingFaceY4m, unpluggableCamera, type CameraSwitch } from './fake-camera.ts';
import { RecordPage } from './pages/record-page.ts';

const WORK = path.resolve('test-results', 'fake-camera');
const RECORD_S = 6;

test.use({ launchOptions: fakeCameraLaunch(path.join(WORK, 'face-72bpm-10s-motion0.y4m')) });
test.beforeAll(() => void pulsingFaceY4m(WORK, { bpm: 72, seconds: 10 }));

test('a camera taken away mid-recording ends the session with its frames kept, and a busy camera says so', async ({
  app,
  services,
}) => {
  test.setTimeout(120_000);
  await app.addInitScript(unpluggableCamera);
  await app.reload();
  const record = new RecordPage(app);
  await record.openWithNewSubject('LOST-1');
  await app.getByRole('button', { name: 'Start recording' }).click();
  await app.waitForTimeout(RECORD_S * 1000);
  await app.evaluate(() =>
    (window as unknown as { __camera: CameraSwitch }).__camera.unplug({ takenByAnotherApp: true }),
  );

  const alert = app.getByRole('alert');
  await expect(alert).toContainText(/The camera .* stopped: it was unplugged, switched off or taken by the system\./);
  await expect(alert).toContainText('The recording was stopped; everything up to now is saved.');
  await expect(record.summary).toContainText('status complete', { timeout: 30_000 });
  await expect(app.getByTestId('frames-check')).toHaveText(/^All \d+ captured frames are stored\.$/);
  const captured = Number((await app.getByTestId('frames-check').textContent())!.match(/\d+/)![0]);

  const db = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
  const session = db.prepare('SELECT id, subject_id, status, ended_at FROM sessions').get() as {
    id: number;
    subject_id: number;
    status: string;
    ended_at: string | null;
  };
  const frames = db
    .prepare('SELECT count(*) AS n, (max(t_ms) - min(t_ms)) / 1000 AS span FROM frames WHERE session_id = ?')
    .get(session.id) as { n: number; span: number };
  db.close();
  expect(session.status).toBe('complete');
  expect(session.ended_at).not.toBeNull();
  expect(frames.n).toBe(captured);
  // Frames up to the unplug are kept (the last half-second chunk included), not just whole chunks before it.
  expect(frames.span, `kept ${frames.span.toFixed(1)} s of ${RECORD_S} s`).toBeGreaterThan(RECORD_S - 1);
  const video = path.join(services.store.sessionDir(session.subject_id, session.id), 'video.webm');
  expect(fs.statSync(video).size, 'video kept').toBeGreaterThan(10_000);

  // The other app still holds the camera: reopening names that, and no session starts.
  await app.getByRole('button', { name: 'Open camera' }).click();
  await expect(alert).toContainText('The camera could not be started: another application may be using it.');
  await expect(app.getByRole('button', { name: 'Start recording' })).toBeDisabled();
  const again = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
  expect((again.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n).toBe(1);
  again.close();
});
