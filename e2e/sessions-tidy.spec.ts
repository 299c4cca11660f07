// Tidy sessions through the UI: void one with a reason (it leaves every list and count, is kept, and comes back on
// request), delete an empty one, and every view counts the same sessions; "Open in Review" lands on the session.
import { expect, test } from './fixtures.ts';
import { channelCaller, readDb, recordSession } from './seed.ts';
import { SubjectsPage } from './pages/subjects-page.ts';

test('void, restore and delete sessions, with one session count in every view', async ({ app, services }) => {
  const call = channelCaller(services);
  const subject = await call('subjects:create', { studyId: services.store.studies.ensureOne().id, code: 'TIDY-1' });
  await recordSession(services, { subjectId: subject.id, bpm: 66, seconds: 20 });
  const talked = await recordSession(services, { subjectId: subject.id, bpm: 84, seconds: 20 });
  const empty = await call('recording:start', { subjectId: subject.id, fps: 30 });
  await call('recording:stop', { sessionId: empty.id });

  // Seeded through the channels behind the page's back: the page reads them afresh.
  await app.reload();
  const subjects = new SubjectsPage(app);
  await subjects.open();
  await expect(subjects.row('TIDY-1')).toContainText('3');
  await subjects.row('TIDY-1').click();
  const panel = app.getByRole('region', { name: 'Sessions' });
  await expect(panel.getByTestId('subject-session')).toHaveCount(3);
  app.once('dialog', (dialog) => void dialog.accept());
  await panel.getByRole('button', { name: 'Delete' }).click();
  await expect(panel.getByTestId('subject-session')).toHaveCount(2);
  await expect(subjects.row('TIDY-1')).toContainText('2');

  // Open the 84 bpm session from the panel: Review shows it.
  await panel
    .getByTestId('subject-session')
    .filter({ hasText: '0:20' })
    .first()
    .getByRole('button', { name: 'Open in Review' })
    .click();
  const results = app.getByRole('region', { name: 'Session results' });
  await expect(results).toBeVisible();
  await app.getByTestId('session-table').getByRole('row').filter({ hasText: '84.0 bpm' }).click();
  await expect(app.getByTestId('session-table').getByRole('columnheader', { name: 'Source' })).toBeVisible();
  await expect(app.getByTestId('session-table').getByRole('row').nth(1)).toContainText('recorded');
  await results.getByRole('button', { name: 'Void session…' }).click();
  await expect(results.getByRole('button', { name: 'Void session', exact: true })).toBeDisabled();
  await results.getByLabel(/Why is this session void/).fill('Subject talked throughout');
  await results.getByRole('button', { name: 'Void session', exact: true }).click();
  await expect(app.getByTestId('session-table').getByRole('row')).toHaveCount(2);
  await expect(app.getByRole('combobox', { name: 'Subject to review' })).toContainText('TIDY-1 (1)');

  await app.getByLabel('Show voided sessions').check();
  await app.getByTestId('session-table').getByRole('row').filter({ hasText: 'voided' }).click();
  await expect(results.getByTestId('voided-note')).toContainText('“Subject talked throughout”');
  expect(
    readDb(services, (db) => db.prepare('SELECT void_reason AS reason FROM sessions WHERE id = ?').get(talked)),
  ).toEqual({ reason: 'Subject talked throughout' });

  await subjects.open();
  await expect(subjects.row('TIDY-1')).toContainText('1');
  await subjects.row('TIDY-1').click();
  await expect(app.getByTestId('voided-count')).toHaveText(/1 voided session hidden/);

  await app.getByRole('button', { name: 'Review', exact: true }).click();
  await app.getByLabel('Show voided sessions').check();
  await app.getByTestId('session-table').getByRole('row').filter({ hasText: 'voided' }).click();
  await results.getByRole('button', { name: 'Restore' }).click();
  await expect(app.getByRole('combobox', { name: 'Subject to review' })).toContainText('TIDY-1 (2)');
});
