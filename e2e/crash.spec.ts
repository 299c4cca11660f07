// kill -9 of the services process mid-recording: on the next start the session is 'interrupted' and holds
// every frame up to at most 2 s before the crash, ready for re-analysis.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { fakeCameraLaunch, pulsingFaceY4m } from './fake-camera.ts';
import { RecordPage } from './pages/record-page.ts';
import { readRoiFile } from '../main/media/roi-file.ts';

const WORK = path.resolve('test-results', 'fake-camera');
const RECORD_S = 15;

test.use({ launchOptions: fakeCameraLaunch(path.join(WORK, 'face-72bpm-10s-motion0.y4m')) });
test.beforeAll(() => void pulsingFaceY4m(WORK, { bpm: 72, seconds: 10 }));

/** Starts `npm start`'s browser mode as its own process and resolves with its address. */
function launchServices(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['scripts/launch.ts'], {
    env: {
      ...process.env,
      PULSE_STUDIO_DATA_DIR: dataDir,
      PULSE_STUDIO_NO_BROWSER: '1',
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (data: Buffer) => {
      out += data.toString();
      const url = out.match(/Open: (http:\/\/127\.0\.0\.1:\d+\/#token=\w+)/)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`services exited early (${code}): ${out}`)));
  });
}

test('after kill -9 mid-recording the session comes back interrupted with its frames', async ({ page }) => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-crash-'));
  const first = await launchServices(dataDir);
  await page.goto(first.url);
  const record = new RecordPage(page);
  await record.openWithNewSubject('CRASH-1');
  await page.getByRole('button', { name: 'Start recording' }).click();
  const startedAt = Date.now();
  await page.waitForTimeout(RECORD_S * 1000);
  const killedAt = Date.now();
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));

  const second = await launchServices(dataDir);
  try {
    await page.goto(second.url);
    await expect(page.getByTestId('notice')).toContainText('1 recording(s) were cut short');
    const db = new Database(path.join(dataDir, 'pulse-studio.db'), { readonly: true });
    const session = db.prepare('SELECT id, subject_id, status FROM sessions').get() as {
      id: number;
      subject_id: number;
      status: string;
    };
    const frames = db.prepare('SELECT count(*) AS n, min(t_ms) AS first, max(t_ms) AS last FROM frames').get() as {
      n: number;
      first: number;
      last: number;
    };
    db.close();
    expect(session.status).toBe('interrupted');
    // Frame times are the camera's capture times on the epoch: the session starts one round trip after the
    // click, and what the crash lost is the time from the last stored frame to the kill.
    expect(frames.first - startedAt, 'first stored frame after Start (ms)').toBeLessThan(1500);
    expect(
      killedAt - frames.last,
      `lost the last ${((killedAt - frames.last) / 1000).toFixed(1)} s`,
    ).toBeLessThanOrEqual(2000);
    const roi = readRoiFile(
      path.join(dataDir, 'subjects', String(session.subject_id), 'sessions', String(session.id), 'crops.roi'),
    );
    expect(roi.frames).toBe(frames.n);
  } finally {
    // It may still be writing (a backup at exit) when told to stop: the folder goes once it has.
    const exited = new Promise((resolve) =>
      second.child.exitCode === null ? second.child.once('exit', resolve) : resolve(null),
    );
    second.child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
