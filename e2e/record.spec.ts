// Recording a subject with Chromium's fake camera playing a face that pulses at a known rate: live HR,
// stored HR, every frame stored, a playable video — through the real services and a real SQLite file.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from './fixtures.ts';
import { fakeCameraLaunch, pulsingFaceY4m } from './fake-camera.ts';
import { expectRightStoredReading, RecordPage } from './pages/record-page.ts';

const WORK = path.resolve('test-results', 'fake-camera');
const TRUE_BPM = 72;
const RECORD_S = 60;

// Chromium reads the file when the page opens the camera, after beforeAll has written it.
test.use({ launchOptions: fakeCameraLaunch(path.join(WORK, `face-${TRUE_BPM}bpm-10s-motion0.y4m`)) });
test.beforeAll(() => void pulsingFaceY4m(WORK, { bpm: TRUE_BPM, seconds: 10 }));

test.describe('recording a still subject', () => {
  test('shows and stores the true heart rate, keeps every frame and a playable video', async ({ app, services }) => {
    test.setTimeout(RECORD_S * 1000 + 120_000);
    const record = new RecordPage(app);
    await record.openWithNewSubject('REC-72');
    await app.getByRole('button', { name: 'Start recording' }).click();

    await app.waitForTimeout((RECORD_S * 1000) / 2);
    await app.keyboard.press('m');
    await app.getByLabel('Marker label').fill('halfway');
    await app.keyboard.press('Enter');
    await expect(app.getByRole('list', { name: 'Markers' })).toContainText('halfway');
    await app.waitForTimeout((RECORD_S * 1000) / 2);

    await record.expectRightLiveReading(TRUE_BPM, 3);
    await app.getByRole('button', { name: 'Stop' }).click();
    await expect(record.summary).toContainText('Session saved', { timeout: 60_000 });
    await expect(app.getByTestId('frames-check')).toHaveText(/^All \d+ captured frames are stored\.$/);

    const db = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
    const session = db.prepare('SELECT id, subject_id, status FROM sessions').get() as {
      id: number;
      subject_id: number;
      status: string;
    };
    const frames = db.prepare('SELECT count(*) AS n, (max(t_ms) - min(t_ms)) / 1000 AS span FROM frames').get() as {
      n: number;
      span: number;
    };
    const analysis = JSON.parse(
      (db.prepare('SELECT summary_json FROM analyses WHERE session_id = ?').get(session.id) as { summary_json: string })
        .summary_json,
    );
    const markers = db.prepare('SELECT label FROM markers').all();
    db.close();

    expect(session.status).toBe('complete');
    expect(frames.span).toBeGreaterThan(RECORD_S - 3);
    const captured = Number((await app.getByTestId('frames-check').textContent())!.match(/\d+/)![0]);
    expect(frames.n).toBe(captured);
    expectRightStoredReading(analysis, TRUE_BPM, 3);
    expect(markers).toEqual([{ label: 'halfway' }]);

    const video = path.join(services.store.sessionDir(session.subject_id, session.id), 'video.webm');
    // Decoding the whole file proves it plays; MediaRecorder's webm carries no duration header, so read the
    // frames' own times. Its encoder drops frames on a loaded machine (the crops above keep every one), so the
    // video must span the recording at a watchable rate, not hold every frame.
    const codec = execFileSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name',
      '-of',
      'csv=p=0',
      video,
    ])
      .toString()
      .trim();
    expect(codec).toMatch(/vp8|vp9/);
    const times = execFileSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'frame=pts_time',
      '-of',
      'csv=p=0',
      video,
    ])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
    expect(Math.max(...times)).toBeGreaterThan(RECORD_S - 3);
    expect(times.length).toBeGreaterThan(RECORD_S * 5);

    await app.getByRole('button', { name: 'Subjects' }).click();
    await app.getByRole('row').filter({ hasText: 'REC-72' }).click();
    await expect(app.getByRole('region', { name: 'Sessions' })).toContainText('complete');

    // The session reopens in Review with the camera's own video: its length is learnt, and the plot seeks it.
    await app.getByRole('button', { name: 'Review', exact: true }).click();
    await app.getByTestId('session-table').getByRole('row').nth(1).click();
    const player = app.getByRole('region', { name: 'Session results' }).locator('video');
    await expect
      .poll(() => player.evaluate((v: HTMLVideoElement) => (Number.isFinite(v.duration) ? v.duration : 0)), {
        message: 'video length',
        timeout: 20_000,
      })
      .toBeGreaterThan(RECORD_S - 5);
    const plot = app.getByRole('slider', { name: /^Heart rate over time/ });
    const box = (await plot.boundingBox())!;
    await plot.click({ position: { x: box.width * 0.5, y: box.height / 2 } });
    await expect
      .poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { message: 'seeked by the plot' })
      .toBeGreaterThan(15);
    await expect(app.getByTestId('video-notice')).toHaveCount(0);
  });
});
