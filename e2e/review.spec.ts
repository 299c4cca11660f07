// Review: a session recorded through the real recording channels is listed, its plotted median HR,
// analysis version and markers are the ones in the database, and edits keep their originals.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from './fixtures.ts';
import { channelCaller, latestSeries, readDb, recordSession } from './seed.ts';

test('lists a recorded session and shows its stored heart rate and markers', async ({ app, services }) => {
  const call = channelCaller(services);
  const subject = await call('subjects:create', { studyId: services.store.studies.ensureOne().id, code: 'REV-1' });
  const sessionId = await recordSession(services, {
    subjectId: subject.id,
    bpm: 66,
    seconds: 40,
    chunk: 15,
    markers: [{ tS: 12, label: 'cold pressor' }],
  });
  // A second, shorter session at another rate: the table and the trend chart show both.
  await recordSession(services, { subjectId: subject.id, bpm: 84, seconds: 20, chunk: 15 });

  await app.getByRole('button', { name: 'Review', exact: true }).click();
  const table = app.getByTestId('session-table');
  await expect(app.getByRole('img', { name: /^Heart rate per session over time/ })).toBeVisible();
  await table.getByRole('button', { name: /Heart rate/ }).click(); // highest first
  await expect(table.getByRole('row').nth(1)).toContainText('84.0 bpm');
  await expect(table.getByRole('row').nth(2)).toContainText('66.0 bpm');
  await table.getByRole('row').filter({ hasText: '0:40' }).click();
  const results = app.getByRole('region', { name: 'Session results' });
  await expect(results.getByRole('slider', { name: /^Heart rate over time/ })).toBeVisible();
  await expect(results.getByRole('list', { name: 'Markers' })).toContainText('0:12 — cold pressor');

  // The one statistic: the median of the reliable windows, as the database holds them.
  const db = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
  const bpms = (
    db
      .prepare(
        `SELECT bpm FROM hr_series JOIN analyses a ON a.id = analysis_id
              WHERE a.session_id = ? AND method = 'pos' AND quality = 'good' AND bpm IS NOT NULL ORDER BY bpm`,
      )
      .all(sessionId) as { bpm: number }[]
  ).map((r) => r.bpm);
  db.close();
  const mid = bpms.length >> 1;
  const median = bpms.length % 2 ? bpms[mid]! : (bpms[mid - 1]! + bpms[mid]!) / 2;
  expect(Math.abs(median - 66)).toBeLessThan(2);
  await expect(app.getByTestId('session-median')).toContainText(
    `Heart rate ${median.toFixed(1)} bpm (median of ${bpms.length} windows`,
  );
  await expect(app.getByTestId('session-median')).toContainText('reliable ·');
  await expect(app.getByTestId('session-median')).toContainText('analysis version 1 of 1');

  // Every plotted window is the database's: time, heart rate and quality grade, in order.
  const stored = latestSeries(services, sessionId);
  await results.getByText(/^Values plotted/).click();
  await expect(results.getByTestId('hr-values').locator('tbody tr')).toHaveCount(stored.points.length);
  const plotted = await results
    .getByTestId('hr-values')
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const words: Record<string, string> = { good: 'Reliable', fair: 'Use with caution', poor: 'No reliable heart rate' };
  expect(plotted).toEqual(stored.points.map((p) => [p.tS.toFixed(1), p.bpm?.toFixed(1) ?? '—', words[p.quality]]));
  await results.getByText(/^Values plotted/).click();

  // Edits keep the original: notes and marker labels go through the audit trail.
  await results.getByLabel('Session notes').fill('Subject moved at 0:20');
  await results.getByRole('button', { name: 'Save notes' }).click();
  await results.getByRole('button', { name: 'rename' }).click();
  await results.getByLabel('Marker label').fill('cold pressor test');
  await results.getByRole('button', { name: 'Save', exact: true }).click();
  const history = results.getByRole('list', { name: 'Edit history' });
  await expect(history).toContainText('changed the session notes from “” to “Subject moved at 0:20”');
  await expect(history).toContainText('changed the marker label from “cold pressor” to “cold pressor test”');
  const audit = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
  expect(audit.prepare('SELECT table_name, old_value, new_value FROM audit_log ORDER BY id').all()).toEqual([
    { table_name: 'sessions', old_value: '', new_value: 'Subject moved at 0:20' },
    { table_name: 'markers', old_value: 'cold pressor', new_value: 'cold pressor test' },
  ]);
  expect(audit.prepare('SELECT notes FROM sessions').get()).toEqual({ notes: 'Subject moved at 0:20' });
  audit.close();

  // Re-analysis from the stored crops adds version 2 and keeps version 1 as it was.
  const versionOne = () =>
    readDb(services, (db) => ({
      analysis: db
        .prepare('SELECT id, created_at, params_json, summary_json FROM analyses WHERE session_id = ? AND version = 1')
        .get(sessionId),
      series: db
        .prepare(
          'SELECT h.* FROM hr_series h JOIN analyses a ON a.id = h.analysis_id WHERE a.session_id = ? AND a.version = 1 ORDER BY method, t_s',
        )
        .all(sessionId),
    }));
  const original = versionOne();
  await results.getByRole('button', { name: 'Re-analyse' }).click();
  await expect(app.getByTestId('reanalysis')).toContainText(
    `Version 2 (POS, no model installed, 42–210 bpm, 15 s windows): ${median.toFixed(1)} bpm (reliable`,
  );
  await expect(app.getByTestId('reanalysis')).toContainText('is kept');
  await expect(app.getByTestId('session-median')).toContainText('analysis version 2 of 2');
  const versions = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
  expect(versions.prepare('SELECT version FROM analyses WHERE session_id = ? ORDER BY version').all(sessionId)).toEqual(
    [{ version: 1 }, { version: 2 }],
  );
  versions.close();
  expect(versionOne()).toEqual(original);

  // Again with other settings: POS only, a narrower band and longer windows, stored with version 3.
  await results.getByText('Settings').click();
  await results.getByLabel('Method').selectOption('pos');
  await results.getByLabel('HR band from (bpm)').fill('50');
  await results.getByLabel('to (bpm)').fill('120');
  await results.getByLabel('Window (s)').fill('20');
  await results.getByRole('button', { name: 'Re-analyse' }).click();
  await expect(app.getByTestId('reanalysis')).toContainText('Version 3 (POS only, 50–120 bpm, 20 s windows)');
  await expect(app.getByTestId('reanalysis')).toContainText('version 2 (42–210 bpm, 15 s windows) said');
  await expect(app.getByTestId('session-median')).toContainText(
    'analysis version 3 of 3 (50–120 bpm band, 20 s windows)',
  );
  const third = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
  const params = JSON.parse(
    (
      third.prepare('SELECT params_json FROM analyses WHERE session_id = ? AND version = 3').get(sessionId) as {
        params_json: string;
      }
    ).params_json,
  );
  third.close();
  expect(params).toMatchObject({
    settings: { method: 'pos', hrBandBpm: [50, 120], windowS: 20 },
    signal: { windowS: 20 },
  });
  expect(versionOne()).toEqual(original);
  // The session view, kept with the test's results (and attached to its report).
  const screenshot = test.info().outputPath('review.png');
  await app.screenshot({ path: screenshot, fullPage: true });
  expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);
  await test.info().attach('session view', { path: screenshot, contentType: 'image/png' });

  // Compare: both sessions overlaid from their start, their medians side by side.
  await app.getByText('Compare sessions').click();
  const picks = app.getByRole('list', { name: 'Sessions to compare' });
  await picks.getByRole('checkbox').nth(0).check();
  await picks.getByRole('checkbox').nth(1).check();
  await expect(app.getByRole('img', { name: 'Heart rate of the compared sessions' })).toBeVisible();
  const compared = app.getByTestId('compare-table');
  await expect(compared.getByRole('row')).toHaveCount(3);
  await expect(compared).toContainText('84.0 bpm');
  await expect(compared).toContainText(`${median.toFixed(1)} bpm`);
  // Only markers every compared session has can align them: here, none besides the start.
  await expect(app.getByLabel('Align sessions at').getByRole('option')).toHaveText(['start']);
});
