// Export view: sessions recorded through the real recording channels are chosen in the UI, exported as a
// zip (re-read here, every hash checked), a bad destination is refused, and a participant PDF is written.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pulsingChunk } from '../testing/frames.ts';
import { exportedFiles } from '../testing/zip.ts';
import { expect, test } from './fixtures.ts';
import { ExportPage } from './pages/export-page.ts';

test('exports chosen sessions and writes a participant report through the Export view', async ({ app, services }) => {
  const call = async (channel: string, input: unknown) => {
    const result = await services.dispatch(channel, input);
    if (!result.ok) throw new Error(result.error.message);
    return result.value as Record<string, any>;
  };
  const studyId = services.store.studies.ensureOne().id;
  await call('studies:update', { id: studyId, name: 'Export study', contact: 'study-team@example.org' });
  const subject = await call('subjects:create', { studyId, code: 'EXP-1', birthYear: 1975, notes: 'Bob Jones' });
  for (const [seconds, bpm] of [
    [30, 70],
    [20, 80],
  ] as const) {
    const session = await call('recording:start', { subjectId: subject.id, fps: 30 });
    for (let f = 0; f < seconds * 30; f += 15)
      await call('recording:append-frames', { sessionId: session.id, ...pulsingChunk(f, 15, bpm) });
    await call('recording:stop', { sessionId: session.id });
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-export-'));
  try {
    await app.reload();
    const view = new ExportPage(app);
    await view.openWithKeyboard();

    // A folder that does not exist: a clear message, nothing written.
    await view.setDestination(path.join(out, 'missing'));
    await view.sessions.getByLabel('All sessions of the study').check();
    await expect(view.sessions).toContainText('2 of 2 chosen');
    await view.exportForm.getByRole('button', { name: 'Export 2 sessions' }).click();
    await expect(app.getByTestId('export-error')).toContainText('does not exist');

    await view.setDestination(out);
    const zip = await view.exportChosen();
    expect(path.dirname(zip)).toBe(out);
    await expect(app.getByTestId('export-result')).toContainText('Exported 2 sessions');
    const files = await exportedFiles(zip);
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as {
      files: { path: string; sha256: string }[];
    };
    for (const f of manifest.files)
      expect(crypto.createHash('sha256').update(files.get(f.path)!).digest('hex'), f.path).toBe(f.sha256);
    expect([...files.keys()]).toEqual(
      expect.arrayContaining([
        'sub-EXP1/ses-1/beh/sub-EXP1_ses-1_task-rppg_recording-pos_physio.tsv.gz',
        'sub-EXP1/ses-2/beh/sub-EXP1_ses-2_task-rppg_recording-pos_physio.json',
      ]),
    );
    const text = [...files.values()].map((d) => d.toString()).join('\n');
    expect(text).not.toContain('Bob Jones');

    // The same export again goes to a new file beside the first.
    const again = await view.exportChosen();
    expect(again).not.toBe(zip);
    expect(fs.readdirSync(out).sort()).toEqual([path.basename(zip), path.basename(again)].sort());

    // Participant report for the first session, chosen with the keyboard.
    const target = view.reportForm.getByRole('combobox', { name: 'Report for' });
    await target.focus();
    await target.selectOption({ index: 2 });
    await view.reportForm.getByRole('button', { name: 'Create PDF report' }).press('Enter');
    const saved = app.getByTestId('report-result');
    await expect(saved).toContainText('Report saved to');
    const pdf = await saved.locator('code').innerText();
    expect(path.dirname(pdf)).toBe(out);
    const report = execFileSync('pdftotext', [pdf, '-']).toString().replace(/\s+/g, ' ');
    expect(report).toContain('EXP-1');
    expect(report).toContain('Export study');
    expect(report).toContain('Research use only — not a medical device, not a diagnosis.');
    await app.screenshot({ path: test.info().outputPath('export.png'), fullPage: true });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
