// A contact sensor beside the camera: a simulated Bluetooth strap (real 0x2A37 bytes through the app's own parser and
// storage) is connected in the Record view, survives a dropped link, records with the session, and Review shows the
// camera's agreement with it. Without Web Bluetooth the view says so.
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from './fixtures.ts';
import { fakeCameraLaunch, pulsingFaceY4m } from './fake-camera.ts';
import { RecordPage } from './pages/record-page.ts';
import { noWebBluetooth, simulatedStrap } from './simulated-strap.ts';

const WORK = path.resolve('test-results', 'fake-camera');
const TRUE_BPM = 72;
const RECORD_S = 40;

// Chromium reads the file when the page opens the camera, after beforeAll has written it.
test.use({ launchOptions: fakeCameraLaunch(path.join(WORK, `face-${TRUE_BPM}bpm-10s-motion0.y4m`)) });
test.beforeAll(() => void pulsingFaceY4m(WORK, { bpm: TRUE_BPM, seconds: 10 }));

test.describe('with a simulated strap', () => {
  test('connects, reconnects after a drop, records with the session, and agreement appears in Review', async ({
    app,
    services,
  }) => {
    test.setTimeout(RECORD_S * 1000 + 150_000);
    await app.addInitScript(simulatedStrap, TRUE_BPM);
    await app.reload();
    const record = new RecordPage(app);
    await record.openWithNewSubject('BLE-1');
    const state = app.getByTestId('sensor-state');
    await app.getByRole('button', { name: 'Connect a sensor' }).click();
    await expect(state).toHaveText('Connected · Simulated strap');
    await expect(app.getByTestId('sensor-hr')).toHaveText(`${TRUE_BPM} bpm`);

    // Out of range: lost, then reconnecting (one attempt fails), then connected again by itself.
    await app.evaluate(() => (window as unknown as { __strap: { drop(n: number): void } }).__strap.drop(1));
    await expect(state).toContainText(/Connection lost|Reconnecting/);
    await expect(state).toHaveText('Connected · Simulated strap', { timeout: 15_000 });

    await app.getByRole('button', { name: 'Start recording' }).click();
    await expect(app.getByTestId('sensor-stored')).toContainText(/[1-9]\d* readings stored/, { timeout: 10_000 });
    await app.waitForTimeout(RECORD_S * 1000);
    await app.getByRole('button', { name: 'Stop' }).click();
    await expect(record.summary).toContainText('Session saved', { timeout: 60_000 });

    const db = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly: true });
    const stored = db
      .prepare(
        `SELECT r.kind, r.label, count(s.t_s) AS n, min(s.bpm) AS lo, max(s.bpm) AS hi FROM hr_references r JOIN hr_reference_samples s ON s.reference_id = r.id`,
      )
      .get() as { kind: string; label: string; n: number; lo: number; hi: number };
    const beats = (db.prepare('SELECT count(*) AS n FROM hr_reference_beats').get() as { n: number }).n;
    db.close();
    expect(stored).toMatchObject({ kind: 'ble', label: 'Simulated strap', lo: TRUE_BPM, hi: TRUE_BPM });
    expect(stored.n).toBeGreaterThan(RECORD_S - 5);
    expect(beats).toBe(stored.n);

    await app.getByRole('button', { name: 'Open in Review' }).click();
    const panel = app.getByRole('region', { name: 'Contact reference' });
    await expect(panel.getByTestId('references')).toContainText('Bluetooth sensor (live) · Simulated strap');
    await expect(panel.getByTestId('reference-offset')).toContainText('timed on the camera’s clock');
    const table = panel.getByTestId('agreement');
    await expect(table).toBeVisible({ timeout: 20_000 });
    const first = table.getByRole('row').nth(1);
    await expect(first).toContainText('the app’s reading');
    // The figures shown are the services' own (how close the camera reads is the signal tests' business).
    const sessionId = (await services.dispatch('sessions:list', { subjectId: 1 })) as {
      ok: true;
      value: { id: number }[];
    };
    const expected = (await services.dispatch('references:agreement', { sessionId: sessionId.value[0]!.id })) as {
      ok: true;
      value: { methods: { n: number; maeBpm: number | null; allWindows: { n: number; maeBpm: number | null } }[] };
    };
    const app0 = expected.value.methods[0]!;
    expect(app0.allWindows.n).toBeGreaterThan(RECORD_S - 15);
    const cells = await first.getByRole('cell').allInnerTexts();
    expect(cells[1]).toBe(String(app0.n));
    expect(cells[3]).toBe(app0.maeBpm === null ? '—' : app0.maeBpm.toFixed(1));
    expect(cells[9]).toBe(`${app0.allWindows.maeBpm!.toFixed(1)} (${app0.allWindows.n})`);
    await expect(panel.getByRole('img', { name: /Bland–Altman/ })).toBeVisible();
    await app.screenshot({ path: test.info().outputPath('review-reference.png'), fullPage: true });
  });
});

test('says so where the browser has no Web Bluetooth', async ({ app }) => {
  await app.addInitScript(noWebBluetooth);
  await app.reload();
  await app.getByRole('button', { name: 'Record', exact: true }).click();
  await expect(app.getByTestId('sensor-state')).toHaveText('Not available');
  await expect(app.getByTestId('sensor-unavailable')).toContainText('This browser has no Web Bluetooth');
  await expect(app.getByRole('button', { name: 'Connect a sensor' })).toHaveCount(0);
});
