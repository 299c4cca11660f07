// The participant screen: a second window (the app's page on #participant) that follows a protocol recording on the
// fake camera — each step by itself, a skip, an extension, the end — with nothing but the step, its instructions
// and the time left; the operator closes it from Record, Esc closes it from the participant's side.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { fakeCameraLaunch, pulsingFaceY4m } from './fake-camera.ts';
import { RecordPage } from './pages/record-page.ts';

const WORK = path.resolve('test-results', 'fake-camera');
const CODE = 'PART-1';
const STEPS = [
  { name: 'rest', durationS: 4, participantText: 'Sit still and look at the camera' },
  { name: 'paced breathing', durationS: 4, participantText: 'Breathe with the circle' },
  { name: 'recovery', durationS: 30, participantText: 'Relax', operatorText: 'Ask how they feel' },
];

test.use({ launchOptions: fakeCameraLaunch(path.join(WORK, 'face-72bpm-10s-motion0.y4m')) });
test.beforeAll(() => void pulsingFaceY4m(WORK, { bpm: 72, seconds: 10 }));

/** Opens the participant window from the operator's button; its errors fail the test like the app's. */
async function openScreen(app: Page, problems: string[]): Promise<Page> {
  const [popup] = await Promise.all([
    app.waitForEvent('popup'),
    app.getByRole('button', { name: 'Participant screen', exact: true }).click(),
  ]);
  popup.on('pageerror', (error) => problems.push(`participant page error: ${error.message}`));
  popup.on(
    'console',
    (message) => message.type() === 'error' && problems.push(`participant console error: ${message.text()}`),
  );
  expect(new URL(popup.url()).hash).toBe('#participant');
  return popup;
}

test('follows a protocol recording step by step, through a skip and an extension to the end, showing nothing else', async ({
  app,
  services,
}) => {
  test.setTimeout(180_000);
  const problems: string[] = [];
  const created = await services.dispatch('protocols:create', {
    studyId: services.store.studies.ensureOne().id,
    name: 'Screen protocol',
    steps: STEPS,
  });
  expect(created.ok).toBe(true);
  await app.reload();
  const record = new RecordPage(app);
  await record.openWithNewSubject(CODE);
  await app.getByRole('combobox', { name: 'Protocol' }).selectOption({ label: 'Screen protocol · 3 steps, 0:38' });

  // Before Start: the participant is asked to wait; the operator closes the window from Record.
  let screen = await openScreen(app, problems);
  await expect(screen.getByTestId('participant-text')).toHaveText('Please wait: we start in a moment.');
  await Promise.all([
    screen.waitForEvent('close'),
    app.getByRole('button', { name: 'Close participant screen' }).click(),
  ]);
  await expect(app.getByRole('button', { name: 'Participant screen', exact: true })).toBeVisible();

  screen = await openScreen(app, problems);
  await app.getByRole('button', { name: 'Start recording' }).click();
  const step = screen.getByTestId('participant-step');
  const time = screen.getByTestId('participant-time');
  await expect(step).toHaveText('Step 1 of 3 · rest');
  await expect(screen.getByTestId('participant-text')).toHaveText('Sit still and look at the camera');
  await expect(time).toHaveText(/^0:0[1-4]$/);

  // The first step ends by itself; the second is skipped (N), the third extended (E) and then skipped to the end.
  await expect(step).toHaveText('Step 2 of 3 · paced breathing', { timeout: 15_000 });
  await expect(screen.getByTestId('participant-text')).toHaveText('Breathe with the circle');
  await app.keyboard.press('n');
  await expect(step).toHaveText('Step 3 of 3 · recovery');
  await expect(time).toHaveText(/^0:(2\d|30)$/);
  await screen.screenshot({ path: test.info().outputPath('participant-screen.png') });
  const body = screen.locator('body');
  for (const hidden of [CODE, 'Ask how they feel', 'bpm']) await expect(body).not.toContainText(hidden);
  await app.keyboard.press('e');
  await expect(time).toHaveText(/^(0:5\d|1:00)$/);
  await app.keyboard.press('n');
  await expect(screen.getByTestId('participant-text')).toHaveText('That is all — thank you.');
  await expect(record.summary).toContainText('Session saved', { timeout: 90_000 });
  await expect(body).not.toContainText(CODE);

  // Esc closes it from the participant's side; the operator's button says so.
  const closed = screen.waitForEvent('close');
  // The window may be gone before Playwright hears back from the key press: that is what is tested.
  await screen.keyboard.press('Escape').catch((error: Error) => expect(error.message).toContain('has been closed'));
  await closed;
  await expect(app.getByRole('button', { name: 'Participant screen', exact: true })).toBeVisible();
  expect(problems).toEqual([]);
});

test('says in words when the browser blocks the participant window', async ({ app, services }) => {
  const created = await services.dispatch('protocols:create', {
    studyId: services.store.studies.ensureOne().id,
    name: 'Blocked protocol',
    steps: STEPS.slice(0, 1),
  });
  expect(created.ok).toBe(true);
  await app.reload();
  await app.getByRole('button', { name: 'Record', exact: true }).click();
  await app.getByRole('combobox', { name: 'Protocol' }).selectOption({ label: 'Blocked protocol · 1 step, 0:04' });
  // What a pop-up blocker does: window.open gives no window.
  await app.evaluate(() => (window.open = () => null));
  await app.getByRole('button', { name: 'Participant screen', exact: true }).click();
  await expect(app.getByRole('alert')).toContainText(
    'this browser blocks pop-ups for Pulse Studio. Allow pop-ups for this address',
  );
});
