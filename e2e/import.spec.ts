// Importing a video into a subject through the UI: the synthetic pulsing-face clip is analysed with the
// headless face detector, progress shows while it runs, and the new session is listed (or, cancelled, is not).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { subjectFields } from '../common/subjects.ts';
import { defaultFaceModelPath } from '../main/video/face-detector.ts';
import { FACES } from '../testing/media.ts';
import { writeFaceModel } from '../scripts/face-model.ts';
import { generateClip } from '../scripts/synth/generate.ts';
import { expect, test } from './fixtures.ts';
import { SubjectsPage } from './pages/subjects-page.ts';

const WORK = path.join(os.tmpdir(), 'pulse-e2e-import');
const clip = (durationS: number, bpm: number) =>
  generateClip(
    {
      name: `import-${durationS}s-${bpm}`,
      face: FACES[0]!,
      bpm,
      durationS,
      fps: 30,
      width: 320,
      height: 240,
      encode: { codec: 'h264' },
      seed: durationS,
    },
    WORK,
  );

test.describe.configure({ timeout: 180_000 });
test.beforeAll(() => void writeFaceModel(defaultFaceModelPath()));

async function openSubject(app: import('@playwright/test').Page, code: string) {
  const subjects = new SubjectsPage(app);
  await app.reload();
  await subjects.row(code).click();
  return app.getByRole('region', { name: 'Import video' });
}

test('imports a video into a subject with progress, and lists the new session', async ({ app, services }) => {
  const video = (await clip(20, 78)).video;
  const subject = services.store.subjects.create(
    services.store.studies.ensureOne().id,
    subjectFields.parse({ code: 'IMP-1' }),
  );
  const panel = await openSubject(app, 'IMP-1');
  await expect(app.getByTestId('subject-session')).toHaveCount(0);

  await panel.getByLabel('Video file (full path)').fill(path.join(WORK, 'missing.mp4'));
  await panel.getByRole('button', { name: 'Import video' }).click();
  await expect(panel.getByTestId('import-error')).toHaveText(/No file at .*missing\.mp4/);

  await panel.getByLabel('Video file (full path)').fill(video);
  await panel.getByRole('button', { name: 'Import video' }).click();
  await expect(panel.getByRole('progressbar', { name: 'Import progress' })).toBeVisible();
  await expect(panel.getByTestId('import-progress')).toContainText(/Analysing\s+import-20s-78\.mp4: \d+ frames/);
  await expect(panel.getByTestId('import-result')).toHaveText(
    /Imported import-20s-78\.mp4 as a new session \(600 frames\)/,
    { timeout: 120_000 },
  );
  await expect(app.getByTestId('subject-session')).toHaveCount(1);
  await expect(app.getByTestId('subject-session')).toContainText(/imported.*600 frames.*complete/);

  const [session] = services.store.sessions.listForSubject(subject.id);
  expect(session).toMatchObject({ source: 'import', status: 'complete', frameCount: 600 });
  expect(services.store.analyses.latest(session!.id)).not.toBeNull();
});

test('cancels an import: no session is left behind', async ({ app, services }) => {
  const video = (await clip(90, 66)).video;
  const subject = services.store.subjects.create(
    services.store.studies.ensureOne().id,
    subjectFields.parse({ code: 'IMP-2' }),
  );
  const panel = await openSubject(app, 'IMP-2');
  await panel.getByLabel('Video file (full path)').fill(video);
  await panel.getByRole('button', { name: 'Import video' }).click();
  await expect(panel.getByTestId('import-progress')).toContainText(/[1-9]\d* frames/);
  await panel.getByRole('button', { name: 'Cancel import' }).click();
  await expect(panel.getByTestId('import-result')).toHaveText('Import cancelled; nothing was kept.');
  await expect(app.getByTestId('subject-session')).toHaveCount(0);
  expect(services.store.sessions.listForSubject(subject.id)).toEqual([]);
  const sessionsDir = path.dirname(services.store.sessionDir(subject.id, 1));
  expect(fs.existsSync(sessionsDir) ? fs.readdirSync(sessionsDir) : [], 'no session folder left').toEqual([]);
});

test('an imported clip of a face without a pulse says "No reliable heart rate" in Review, with no number', async ({
  app,
  services,
}) => {
  const still = await generateClip(
    {
      name: 'import-nopulse',
      face: FACES[1]!,
      bpm: 70,
      pulseAmplitude: 0,
      durationS: 20,
      fps: 30,
      width: 320,
      height: 240,
      encode: { codec: 'h264' },
      seed: 11,
    },
    WORK,
  );
  services.store.subjects.create(services.store.studies.ensureOne().id, subjectFields.parse({ code: 'IMP-NP' }));
  const panel = await openSubject(app, 'IMP-NP');
  await panel.getByLabel('Video file (full path)').fill(still.video);
  await panel.getByRole('button', { name: 'Import video' }).click();
  await expect(panel.getByTestId('import-result')).toHaveText(/Imported import-nopulse\.mp4 as a new session/, {
    timeout: 120_000,
  });

  await app.getByRole('button', { name: 'Review', exact: true }).click();
  await app.getByLabel('Subject to review').selectOption({ label: 'IMP-NP (1)' });
  const table = app.getByTestId('session-table');
  await expect(table.getByTestId('session-hr')).toHaveText('No reliable heart rate');
  await table.getByRole('row').nth(1).click();
  const results = app.getByRole('region', { name: 'Session results' });
  await expect(results.getByTestId('no-reliable-hr')).toBeVisible();
  await expect(results.getByTestId('session-median')).not.toContainText(/\d+\.\d bpm/);
});
