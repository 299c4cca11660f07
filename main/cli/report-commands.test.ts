import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { findChromium } from '../reports/pdf-printer.ts';
import { openTestData, type RecordedSession, type TestData } from '../../testing/sessions.ts';
import { exportedFiles } from '../../testing/zip.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const CLI = path.join(ROOT, 'main', 'cli', 'pulse-studio.ts');
const run = promisify(execFile);

let t: TestData;
let recorded: RecordedSession;

beforeAll(async () => {
  t = openTestData('pulse-cli-reports-');
  recorded = await t.record(t.subject({ code: 'C-7' }), 20, 78);
  await t.record(t.subject({ code: 'C-8' }), 15, 90);
  // One Pulse Studio per data folder: the command line gets it to itself.
  t.store.close();
}, 60_000);
afterAll(() => fs.rmSync(t.dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(NODE, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, PULSE_STUDIO_DATA_DIR: path.join(t.dir, 'data') },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test("pulse-studio export writes one subject's sessions as a zip in the --out folder", async () => {
  const out = fs.mkdtempSync(path.join(t.dir, 'cli-'));
  const r = await cli(['export', '--subject', 'C-7', '--out', out, '--json', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout) as { path: string; sessions: number };
  expect(result.sessions).toBe(1);
  expect(path.dirname(result.path)).toBe(out);
  expect(
    (await exportedFiles(result.path)).has('sub-C7/ses-1/beh/sub-C7_ses-1_task-rppg_recording-pos_physio.tsv.gz'),
  ).toBe(true);
});

test.skipIf(findChromium() === null)('pulse-studio report writes a participant PDF for a session', async () => {
  const out = fs.mkdtempSync(path.join(t.dir, 'cli-'));
  const r = await cli(['report', '--session', String(recorded.sessionId), '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(fs.readdirSync(out)).toEqual([expect.stringMatching(/^report-C7-\d{4}-\d{2}-\d{2}\.pdf$/)]);
});

test('bad arguments and destinations are explained, with nothing written', async () => {
  expect(await cli(['export', '--subject', 'C-7'])).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('needs --out DIR'),
  });
  expect(await cli(['export', '--out', path.join(t.dir, 'missing')])).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('does not exist'),
  });
  expect(await cli(['export', '--subject', 'NOPE', '--out', t.dir])).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('has no subject NOPE'),
  });
  expect(await cli(['report', '--out', t.dir])).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('needs --session ID or --subject CODE'),
  });
  expect(await cli(['report', '--session', '9999', '--out', t.dir])).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('Session 9999 does not exist'),
  });
  expect(fs.readdirSync(t.dir).filter((f) => /\.(zip|pdf)$/.test(f))).toEqual([]);
});
