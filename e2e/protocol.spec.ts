// A study protocol of three short steps recorded on the fake camera: the steps advance by themselves and stop the
// recording, each drops a marker, and Review and the researcher export's CSV give the heart rate per step.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { exportedFiles } from '../testing/zip.ts';
import { expect, test } from './fixtures.ts';
import { fakeCameraLaunch, pulsingFaceY4m } from './fake-camera.ts';
import { ExportPage } from './pages/export-page.ts';
import { RecordPage } from './pages/record-page.ts';

const WORK = path.resolve('test-results', 'fake-camera');
const TRUE_BPM = 72;
const STEP_S = 14;
const STEPS = ['rest', 'paced breathing', 'recovery'];

test.use({ launchOptions: fakeCameraLaunch(path.join(WORK, `face-${TRUE_BPM}bpm-10s-motion0.y4m`)) });
test.beforeAll(() => void pulsingFaceY4m(WORK, { bpm: TRUE_BPM, seconds: 10 }));

test('three timed steps give three markers and the heart rate per step in Review and in the CSV export', async ({
  app,
  services,
}) => {
  test.setTimeout(STEPS.length * STEP_S * 1000 + 150_000);
  const studyId = services.store.studies.ensureOne().id;
  const created = await services.dispatch('protocols:create', {
    studyId,
    name: 'Short protocol',
    steps: STEPS.map((name, i) => ({
      name,
      durationS: STEP_S,
      participantText: i === 1 ? 'Breathe with the circle' : '',
      markers: [{ label: 'cough', key: '1' }],
    })),
  });
  expect(created.ok).toBe(true);
  await app.reload();
  const record = new RecordPage(app);
  await record.openWithNewSubject('PROT-1');
  await app.getByLabel('Protocol').selectOption({
    label: `Short protocol · 3 steps, ${Math.floor((3 * STEP_S) / 60)}:${String((3 * STEP_S) % 60).padStart(2, '0')}`,
  });
  await app.getByRole('button', { name: 'Start recording' }).click();

  const panel = app.getByRole('region', { name: 'Protocol' });
  await expect(panel.getByRole('heading')).toContainText('step 1 of 3');
  // A step's marker from the keyboard, then the runner goes on by itself and stops after the last step.
  await app.keyboard.press('1');
  await expect(panel.getByRole('heading')).toContainText('step 2 of 3', { timeout: STEP_S * 1000 + 10_000 });
  await app.screenshot({ path: test.info().outputPath('record-protocol.png') });
  await expect(record.summary).toContainText('Session saved', { timeout: 2 * STEP_S * 1000 + 60_000 });

  const db = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
  const markers = db.prepare('SELECT label, t_s AS tS FROM markers ORDER BY t_s').all() as {
    label: string;
    tS: number;
  }[];
  const events = db.prepare('SELECT step, action FROM protocol_events ORDER BY t_s, id').all();
  db.close();
  const steps = markers.filter((m) => m.label.startsWith('step '));
  expect(steps.map((m) => m.label)).toEqual(STEPS.map((name, i) => `step ${i + 1}: ${name}`));
  expect(steps[1]!.tS - steps[0]!.tS).toBeGreaterThanOrEqual(STEP_S - 0.5);
  expect(markers.map((m) => m.label)).toContain('cough');
  expect(events).toEqual([
    { step: 0, action: 'start' },
    { step: 1, action: 'start' },
    { step: 2, action: 'start' },
    { step: 2, action: 'end' },
  ]);

  await app.getByRole('button', { name: 'Open in Review' }).click();
  const table = app.getByTestId('step-results');
  await expect(table.getByRole('row')).toHaveCount(1 + STEPS.length);
  for (const [i, name] of STEPS.entries())
    await expect(table.getByRole('row').nth(i + 1)).toContainText(`${i + 1}. ${name}`);
  // Each step states its heart rate, or says there is no reliable one (how close it reads
  // is the signal tests' business).
  const shown = (await table.getByRole('row').allInnerTexts()).slice(1);
  for (const row of shown) expect(row).toMatch(/\d+\.\d bpm|No reliable heart rate/);
  const rates = shown.map((row) => /^[^\t]*\t[^\t]*\t[^\t]*\t(\d+\.\d) bpm/.exec(row)?.[1] ?? '');

  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-protocol-'));
  try {
    const view = new ExportPage(app);
    await view.openWithKeyboard();
    await view.setDestination(out);
    await view.sessions.getByLabel('All sessions of the study').check();
    const zip = await view.exportChosen();
    const files = new Map([...(await exportedFiles(zip))].map(([name, data]) => [name, data.toString()]));
    const csv = files.get('derivatives/pulse-studio/sub-PROT1/ses-1/sub-PROT1_ses-1_steps.csv')!;
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe(
      'step,name,from_s,to_s,planned_s,extended_s,skipped,hr_bpm,reliability,coverage,reference_bpm,mae_bpm,windows_compared',
    );
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 2).join(','))).toEqual(
      STEPS.map((name, i) => `${i + 1},${name}`),
    );
    // The export's per-step HR is the one Review shows.
    expect(rows.slice(1).map((r) => (r.split(',')[7] ? Number(r.split(',')[7]).toFixed(1) : ''))).toEqual(rates);
    expect(files.get('sub-PROT1/ses-1/beh/sub-PROT1_ses-1_task-rppg_events.tsv')).toContain(`step: 2. paced breathing`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
