// Recording a subject whose head drifts slowly sideways: the smoothed crop follows without spoiling the HR.
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from './fixtures.ts';
import { fakeCameraLaunch, pulsingFaceY4m } from './fake-camera.ts';
import { expectRightStoredReading, RecordPage } from './pages/record-page.ts';

const WORK = path.resolve('test-results', 'fake-camera');
const TRUE_BPM = 90;
const RECORD_S = 40;
const FACE = { bpm: TRUE_BPM, seconds: 10, motionPx: 24 };

test.use({ launchOptions: fakeCameraLaunch(path.join(WORK, `face-${TRUE_BPM}bpm-10s-motion${FACE.motionPx}.y4m`)) });
test.beforeAll(() => void pulsingFaceY4m(WORK, FACE));

test('finds the true heart rate of a slowly moving face, live and stored', async ({ app, services }) => {
  test.setTimeout(RECORD_S * 1000 + 120_000);
  const record = new RecordPage(app);
  await record.openWithNewSubject('MOVE-90');
  await app.getByRole('button', { name: 'Start recording' }).click();
  await app.waitForTimeout(RECORD_S * 1000);
  await record.expectRightLiveReading(TRUE_BPM, 3);
  await app.getByRole('button', { name: 'Stop' }).click();
  await expect(record.summary).toContainText('Session saved', { timeout: 60_000 });

  const db = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
  const { summary_json } = db.prepare('SELECT summary_json FROM analyses').get() as { summary_json: string };
  db.close();
  const analysis = JSON.parse(summary_json);
  expectRightStoredReading(analysis, TRUE_BPM, 3);
});
