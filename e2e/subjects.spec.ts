import path from 'node:path';
import Database from 'better-sqlite3';
import { subjectFields } from '../common/subjects.ts';
import { expect, test } from './fixtures.ts';
import { SubjectsPage } from './pages/subjects-page.ts';

test('creates a subject through the UI and sees it again after a reload, read back from the database file', async ({
  app,
  services,
}) => {
  const subjects = new SubjectsPage(app);
  await subjects.open();
  await subjects.create({
    code: 'P-017',
    birthYear: '1984',
    sex: 'female',
    skinType: '4',
    consentDate: '2026-03-02',
    consentVersion: 'v1.2',
    notes: 'wears glasses',
  });
  await expect(app.getByTestId('notice')).toHaveText(/Saved subject P-017/);
  await expect(subjects.row('P-017')).toContainText('1984');

  // Nothing cached: the services reopen the file and the page starts from scratch.
  services.restart();
  await app.reload();
  await expect(subjects.row('P-017')).toBeVisible();
  await expect(subjects.row('P-017')).toContainText('IV');
  await expect(subjects.row('P-017')).toContainText('2026-03-02 (v1.2)');

  const db = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
  const row = db.prepare('SELECT code, birth_year, sex, skin_type, notes, consent_version FROM subjects').all();
  db.close();
  expect(row).toEqual([
    { code: 'P-017', birth_year: 1984, sex: 'female', skin_type: 4, notes: 'wears glasses', consent_version: 'v1.2' },
  ]);
});

test('explains empty codes, bad birth years and duplicate codes, and writes nothing for them', async ({
  app,
  services,
}) => {
  const subjects = new SubjectsPage(app);
  await subjects.create({ code: '' });
  await expect(subjects.fieldError('Enter a subject code')).toBeVisible();

  await subjects.fill({ code: 'S-1', birthYear: '1850' });
  await app.getByRole('button', { name: 'Create subject' }).click();
  await expect(subjects.fieldError(/between 1900 and this year/)).toBeVisible();

  await subjects.fill({ code: 'S-1', birthYear: 'nineteen' });
  await app.getByRole('button', { name: 'Create subject' }).click();
  await expect(subjects.fieldError('Birth year must be a number')).toBeVisible();

  await subjects.fill({ code: 'S-1', birthYear: '' });
  await app.getByRole('button', { name: 'Create subject' }).click();
  await expect(subjects.row('S-1')).toBeVisible();

  await subjects.create({ code: 's-1' });
  await expect(subjects.fieldError('This code is already used in this study')).toBeVisible();
  await expect(app.getByRole('alert')).toContainText('already used');

  const count = services.store.db.prepare('SELECT count(*) AS n FROM subjects').get() as { n: number };
  expect(count.n).toBe(1);
});

test('edits, searches, archives and restores subjects with the keyboard and mouse', async ({ app }) => {
  const subjects = new SubjectsPage(app);
  await subjects.create({ code: 'A-1', notes: 'night shift' });
  await expect(subjects.row('A-1')).toBeVisible();
  // Ctrl+N opens a new form; Escape closes it.
  await app.locator('body').click();
  await app.keyboard.press('Control+n');
  await subjects.fill({ code: 'B-2' });
  await app.keyboard.press('Enter');
  await expect(subjects.row('B-2')).toBeVisible();

  await app.keyboard.press('Escape');
  await app.keyboard.press('/');
  await expect(subjects.search).toBeFocused();
  await app.keyboard.type('night');
  await expect(subjects.table.getByRole('row')).toHaveCount(2); // header + A-1
  await expect(subjects.row('A-1')).toBeVisible();
  await subjects.search.fill('');

  await subjects.row('B-2').click();
  await subjects.fill({ code: 'B-3', birthYear: '1990' });
  await app.getByRole('button', { name: 'Save changes' }).click();
  await expect(subjects.row('B-3')).toContainText('1990');

  await app.getByRole('button', { name: 'Archive' }).click();
  await expect(subjects.row('B-3')).toHaveCount(0);
  await app.getByLabel('Show archived').check();
  await expect(subjects.row('B-3')).toContainText('archived');
  await app.getByRole('button', { name: 'Restore' }).click();
  await app.getByLabel('Show archived').uncheck();
  await expect(subjects.row('B-3')).toBeVisible();
});

test('deletes a subject with recorded sessions only after the session count is typed', async ({ app, services }) => {
  const study = services.store.studies.ensureOne();
  const subject = services.store.subjects.create(study.id, subjectFields.parse({ code: 'D-1' }));
  for (let i = 0; i < 2; i++) {
    services.store.db
      .prepare(
        `INSERT INTO sessions (subject_id, status, started_at, app_version, created_at) VALUES (?, 'complete', '2026-05-01T09:00:00Z', 'e2e', 'x')`,
      )
      .run(subject.id);
  }
  const subjects = new SubjectsPage(app);
  await app.reload();
  await subjects.row('D-1').click();
  await app.getByRole('button', { name: 'Delete…' }).click();
  const dialog = app.getByRole('dialog');
  await expect(dialog).toContainText('2 recorded session(s)');
  const confirm = dialog.getByRole('button', { name: 'Delete for good' });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/Type the number of sessions/).fill('1');
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/Type the number of sessions/).fill('2');
  await confirm.click();
  await expect(app.getByTestId('notice')).toHaveText(/Deleted subject D-1/);
  await expect(subjects.row('D-1')).toHaveCount(0);
  expect(services.store.db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
});

test('bad requests from the page get typed errors and the app keeps working', async ({ app, services }) => {
  const results = await app.evaluate(async () => {
    const api = (window as unknown as { pulse: unknown }).pulse as Record<
      string,
      (input?: unknown) => Promise<unknown>
    >;
    const invoke = (window as unknown as { __pulseInvoke: (c: string, i: unknown) => Promise<unknown> }).__pulseInvoke;
    return [
      await api.createSubject!({ studyId: 1, code: 'x'.repeat(10 * 1024 * 1024) }),
      await api.createSubject!({ studyId: 'one', code: 7 }),
      await api.listSubjects!(),
      await invoke('subjects:drop-table', {}),
    ];
  });
  expect(results.map((r) => (r as { error: { code: string } }).error.code)).toEqual([
    'invalid_input',
    'invalid_input',
    'invalid_input',
    'unknown_channel',
  ]);
  expect(services.store.db.prepare('SELECT count(*) AS n FROM subjects').get()).toEqual({ n: 0 });

  const subjects = new SubjectsPage(app);
  await subjects.create({ code: 'OK-1' });
  await expect(subjects.row('OK-1')).toBeVisible();
});

test('creates a study from the picker and switches to it', async ({ app }) => {
  await app.getByRole('button', { name: 'New study…' }).click();
  await app.getByLabel('New study name').fill('Sleep lab 2026');
  await app.getByRole('button', { name: 'Create study' }).click();
  await expect(app.getByRole('combobox', { name: 'Study', exact: true })).toHaveValue(/\d+/);
  await expect(app.getByRole('heading', { name: /Sleep lab 2026/ })).toBeVisible();
  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByTestId('data-dir')).toBeVisible();
});

test('after a crash, says which recordings were cut short and lists them as interrupted', async ({ app, services }) => {
  const study = services.store.studies.ensureOne();
  const subject = services.store.subjects.create(study.id, subjectFields.parse({ code: 'C-1' }));
  // A session left 'recording' as a killed app leaves it; the next start recovers it.
  const session = services.store.sessions.create(
    { subjectId: subject.id, cameraLabel: null, width: null, height: null, fps: 30, notes: '' },
    { source: 'camera', appVersion: 'e2e' },
  );
  services.store.sessions.appendFrames(session.id, 0, Float64Array.from([0, 33, 67]), Uint8Array.from([1, 1, 1]));
  services.restart();
  await app.reload();
  await expect(app.getByTestId('notice')).toContainText('1 recording(s) were cut short');
  await new SubjectsPage(app).row('C-1').click();
  const sessions = app.getByRole('region', { name: 'Sessions' });
  await expect(sessions).toContainText('interrupted');
  await expect(sessions).toContainText('3 frames');
});
