// Review → Compare across subjects: sessions of two subjects recorded through the real channels are chosen from
// the compare panel's own subject picker and kept while the user moves between subjects and views; the overlay
// names each curve "<subject code> · <date>" and the medians table shows the subject and the database's medians.
import { expect, test } from './fixtures.ts';
import { channelCaller, latestSeries, readDb, recordSession, usableMedian, writeDb } from './seed.ts';

test('compares sessions of two subjects overlaid, aligned at the start or a shared marker, with the medians in the database', async ({
  app,
  services,
}) => {
  test.setTimeout(90_000);
  const call = channelCaller(services);
  const studyId = services.store.studies.ensureOne().id;
  const a = await call('subjects:create', { studyId, code: 'CMP-A' });
  const b = await call('subjects:create', { studyId, code: 'CMP-B' });
  // Two sessions of CMP-A (durations differ: their dates read the same to the minute), one of CMP-B.
  const a1 = await recordSession(services, {
    subjectId: a.id,
    bpm: 62,
    seconds: 30,
    markers: [{ tS: 8, label: 'task' }],
  });
  const a2 = await recordSession(services, {
    subjectId: a.id,
    bpm: 78,
    seconds: 36,
    markers: [{ tS: 12, label: 'task' }],
  });
  const b1 = await recordSession(services, {
    subjectId: b.id,
    bpm: 92,
    seconds: 30,
    markers: [
      { tS: 15, label: 'task' },
      { tS: 20, label: 'rest' },
    ],
  });

  // Recording takes real time and may cross a minute: a1 and a2 are restamped 5 s and 15 s into a1's minute, so that
  // their dates always read the same to the minute.
  writeDb(services, (db) => {
    const { started_at } = db.prepare('SELECT started_at FROM sessions WHERE id = ?').get(a1) as { started_at: string };
    const minute = Math.floor(Date.parse(started_at) / 60_000) * 60_000;
    const restamp = db.prepare('UPDATE sessions SET started_at = ? WHERE id = ?');
    restamp.run(new Date(minute + 5_000).toISOString(), a1);
    restamp.run(new Date(minute + 15_000).toISOString(), a2);
  });
  const medians = new Map([a1, a2, b1].map((id) => [id, usableMedian(latestSeries(services, id).points)]));
  for (const [id, bpm] of [
    [a1, 62],
    [a2, 78],
    [b1, 92],
  ] as const)
    expect(Math.abs(medians.get(id)! - bpm), `session ${id} median`).toBeLessThan(2);
  const startedAt = readDb(
    services,
    (db) =>
      new Map(
        (db.prepare('SELECT id, started_at FROM sessions').all() as { id: number; started_at: string }[]).map((r) => [
          r.id,
          r.started_at,
        ]),
      ),
  );
  const dateOf = (id: number) =>
    app.evaluate(
      (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
      startedAt.get(id)!,
    );

  await app.getByRole('button', { name: 'Review', exact: true }).click();
  await app.getByLabel('Subject to review').selectOption({ label: 'CMP-A (2)' });
  await app.getByText('Compare sessions').click();
  await expect(app.getByTestId('compare-empty')).toContainText('No sessions chosen yet');
  const picker = app.getByLabel('Subject to pick sessions from');
  const picks = app.getByRole('list', { name: 'Sessions to compare' });
  // The picker follows the subject under review; the keyboard ticks a session.
  await expect(picker).toHaveValue(String(a.id));
  await picks.getByRole('listitem').filter({ hasText: ' · 0:30 · ' }).getByRole('checkbox').focus();
  await app.keyboard.press('Space');
  await expect(app.getByTestId('compare-empty')).toContainText('tick at least one more');

  // Reviewing the other subject keeps the choice; its session joins from the panel's list.
  await app.getByLabel('Subject to review').selectOption({ label: 'CMP-B (1)' });
  await expect(picker).toHaveValue(String(b.id));
  await picks.getByRole('checkbox').check();
  const chart = app.getByRole('img', { name: /^Heart rate of the compared sessions/ });
  await expect(chart).toHaveAttribute(
    'aria-label',
    `Heart rate of the compared sessions: CMP-A · ${await dateOf(a1)}; CMP-B · ${await dateOf(b1)}`,
  );

  // The panel's own picker reaches any subject: CMP-A's second session, without leaving CMP-B.
  await picker.selectOption(String(a.id));
  await picks.getByRole('listitem').filter({ hasText: ' · 0:36 · ' }).getByRole('checkbox').check();
  await expect(app.getByLabel('Subject to review')).toHaveValue(String(b.id));
  const table = app.getByTestId('compare-table');
  const rows = table.getByRole('row');
  await expect(rows).toHaveCount(4);
  for (const [i, id, code] of [
    [1, a1, 'CMP-A'],
    [2, b1, 'CMP-B'],
    [3, a2, 'CMP-A'],
  ] as const) {
    await expect(rows.nth(i).getByRole('cell').nth(0)).toHaveText(code);
    await expect(rows.nth(i).getByRole('cell').nth(1)).toHaveText(await dateOf(id));
    await expect(rows.nth(i).getByRole('cell').nth(3)).toHaveText(`${medians.get(id)!.toFixed(1)} bpm`);
    await expect(rows.nth(i).getByRole('cell').nth(5)).toHaveText('0.0 s');
  }
  // Same subject, same minute: the legend tells CMP-A's sessions apart by duration.
  await expect(chart).toHaveAttribute(
    'aria-label',
    `Heart rate of the compared sessions: CMP-A · ${await dateOf(a1)} (0:30); CMP-B · ${await dateOf(b1)}; CMP-A · ${await dateOf(a2)} (0:36)`,
  );

  // Only the marker all three share can align them.
  const align = app.getByLabel('Align sessions at');
  await expect(align.getByRole('option')).toHaveText(['start', 'marker “task”']);
  await align.selectOption('task');
  await expect(chart).toBeVisible();
  for (const [i, at] of [
    [1, '8.0 s'],
    [2, '15.0 s'],
    [3, '12.0 s'],
  ] as const)
    await expect(rows.nth(i).getByRole('cell').nth(5)).toHaveText(at);
  await app.screenshot({ path: test.info().outputPath('compare.png'), fullPage: true });

  // The basket survives a trip to another view.
  await app.getByRole('button', { name: 'Subjects' }).click();
  await app.getByRole('button', { name: 'Review', exact: true }).click();
  await expect(app.getByText('Compare sessions (3 chosen)')).toBeVisible();
  await expect(rows).toHaveCount(4);

  // Removing by keyboard: CMP-B leaves, so "rest" was never offered and "task" still is.
  await table.getByRole('button', { name: `Remove CMP-B · ${await dateOf(b1)} from the comparison` }).focus();
  await app.keyboard.press('Enter');
  await expect(rows).toHaveCount(3);
  await expect(table).not.toContainText('CMP-B');
  await app.getByRole('button', { name: 'Clear the comparison' }).click();
  await expect(app.getByTestId('compare-empty')).toContainText('No sessions chosen yet');
  await expect(app.getByText('Compare sessions', { exact: true })).toBeVisible();
});
