// The smallest supported window (1024×700) with a study name at its longest: everything stays reachable, the
// subject panel sits beside the table without covering it, and the page never scrolls sideways.
import { subjectFields } from '../common/subjects.ts';
import { expect, test } from './fixtures.ts';
import { SubjectsPage } from './pages/subjects-page.ts';

const LONG_NAME =
  'Longitudinal rPPG validation in outpatient cardiology with extended follow-up visits across three sites 2026';

test.use({ viewport: { width: 1024, height: 700 } });

test('at 1024×700 with a 112-character study name nothing is off-screen or covered', async ({ app, services }) => {
  const study = services.store.studies.create({
    name: LONG_NAME,
    description: '',
    contact: 'study-office@example.org, +49 30 1234567',
  });
  for (const code of ['P-001', 'P-002', 'P-003-with-a-longer-code']) {
    services.store.subjects.create(
      study.id,
      subjectFields.parse({
        code,
        birthYear: 1980,
        sex: 'female',
        skinType: 3,
        consentDate: '2026-01-15',
        consentVersion: 'v2.1-final',
      }),
    );
  }
  await app.reload();
  await app.getByRole('combobox', { name: 'Study' }).selectOption({ label: `${LONG_NAME} (3)` });
  const subjects = new SubjectsPage(app);
  await subjects.open();
  await subjects.row('P-002').click();
  const panel = app.getByRole('complementary', { name: 'Subject P-002' });
  await expect(panel).toBeVisible();

  const inView = async (name: string) => {
    const box = (await app.getByRole('button', { name, exact: true }).boundingBox())!;
    expect(box.x + box.width, `${name} right edge`).toBeLessThanOrEqual(1024);
    expect(box.x, `${name} left edge`).toBeGreaterThanOrEqual(0);
  };
  for (const name of ['New subject', 'Edit study…', 'New study…', 'Save changes', 'Record this subject'])
    await inView(name);
  const table = (await subjects.table.boundingBox())!;
  const side = (await panel.boundingBox())!;
  // Beside, not on top: the table ends where the panel begins, and every column of it is visible.
  expect(table.x + table.width).toBeLessThanOrEqual(side.x + 1);
  expect(await subjects.table.evaluate((t) => t.scrollWidth <= t.parentElement!.clientWidth + 1)).toBe(true);
  expect(await app.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(
    true,
  );
  await expect(app).toHaveScreenshot('subjects-1024x700-long-study.png', {
    mask: [app.getByRole('cell', { name: /\d{4}/ })],
    maxDiffPixelRatio: 0.02,
  });
});
