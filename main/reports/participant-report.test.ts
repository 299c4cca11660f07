import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AppError } from '../../common/ipc/result.ts';
import { reportRequest } from '../../common/reports.ts';
import { DATABASE_FILE } from '../store/data-dir.ts';
import { writeParticipantReport, type ReportContext } from './participant-report.ts';
import { chromiumPrinter, findChromium } from './pdf-printer.ts';
import { loadSessionData } from './session-data.ts';
import { openTestData, type RecordedSession, type TestData } from '../../testing/sessions.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, 'test-results', 'reports');
const canPrint = findChromium() !== null && fs.existsSync('/usr/bin/pdftotext');

let t: TestData;
let long: RecordedSession;
let short: RecordedSession;
const ctx = (): ReportContext => ({
  resourcesDir: path.join(ROOT, 'resources'),
  printPdf: chromiumPrinter(),
  appVersion: 'test',
});

beforeAll(async () => {
  t = openTestData('pulse-report-');
  const study = t.store.studies.create({
    name: 'Sleep and Stress 2026',
    description: '',
    contact: 'Dr. Jane Doe, sleep-lab@example.org',
  });
  const subject = t.subject({ code: 'P-017', birthYear: 1980 }, study.id);
  long = await t.record(subject, 70, 66);
  short = await t.record(subject, 25, 84);
}, 120_000);
afterAll(() => t.close());

const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-']).toString().replace(/\s+/g, ' ');
const pages = (file: string) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())![1]);

/** A session's HR straight from the database: the median of the reliable windows of the primary (POS) series. */
function hrFromDb(sessionId: number): number {
  const db = new Database(path.join(t.store.dataDir, DATABASE_FILE), { readonly: true });
  const bpms = (
    db
      .prepare(
        `SELECT bpm FROM hr_series JOIN analyses a ON a.id = analysis_id
              WHERE a.session_id = ? AND a.version = (SELECT max(version) FROM analyses WHERE session_id = ?)
                AND method = 'pos' AND quality = 'good' AND bpm IS NOT NULL ORDER BY bpm`,
      )
      .all(sessionId, sessionId) as { bpm: number }[]
  ).map((r) => r.bpm);
  db.close();
  const mid = bpms.length >> 1;
  return bpms.length % 2 ? bpms[mid]! : (bpms[mid - 1]! + bpms[mid]!) / 2;
}

const out = () => fs.mkdtempSync(path.join(t.dir, 'reports-'));

describe.skipIf(!canPrint)('participant report from a stored session', () => {
  test('names code, study, date, the session HR as in the database and the disclaimer; one or two pages', async () => {
    const request = reportRequest.parse({ sessionId: long.sessionId, destination: out() });
    const result = await writeParticipantReport(t.store, request, ctx());
    expect(path.basename(result.path)).toMatch(/^report-P017-\d{4}-\d{2}-\d{2}\.pdf$/);
    const text = pdfText(result.path);
    const session = t.store.sessions.get(long.sessionId);
    const hr = hrFromDb(long.sessionId);
    expect(Math.abs(hr - 66)).toBeLessThan(2);
    expect(text).toContain('P-017');
    expect(text).toContain('Sleep and Stress 2026');
    expect(text).toContain(new Date(session.startedAt).toLocaleDateString('en-GB', { dateStyle: 'long' }));
    expect(text).toMatch(new RegExp(`Your heart rate was ${Math.round(hr)} beats per minute`));
    expect(text).toContain('Research use only — not a medical device, not a diagnosis.');
    expect(text).toContain('Dr. Jane Doe, sleep-lab@example.org');
    expect(text).toContain('Heart rate over time');
    expect(text).toContain('1 min 10 s');
    expect(text).not.toContain('Name');
    expect(pages(result.path)).toBeLessThanOrEqual(2);
    // HRV appears only when the stored analysis accepted the beat series.
    const hrv = loadSessionData(t.store, long.sessionId).hrv;
    expect(text).toContain(hrv?.ok ? 'from one beat to the next' : 'Heart-rate variability is only shown');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      result.path,
      path.join(ARTIFACTS, 'participant-report-page1'),
    ]);
    expect(fs.statSync(path.join(ARTIFACTS, 'participant-report-page1.png')).size).toBeGreaterThan(10_000);
  });

  test('prints the name only when the user gives one, and never overwrites an earlier report', async () => {
    const destination = out();
    const request = reportRequest.parse({ sessionId: short.sessionId, destination, participantName: 'Alice Smith' });
    const a = await writeParticipantReport(t.store, request, ctx());
    const b = await writeParticipantReport(t.store, request, ctx());
    expect(b.path).not.toBe(a.path);
    expect(b.path).toMatch(/-2\.pdf$/);
    expect(pdfText(a.path)).toContain('Name Alice Smith');
  });

  test('says plainly when a session has no usable heart rate, with no numbers, plot or HRV', async () => {
    const { sessionId } = await t.record(t.subject({ code: 'SHORT-1' }), 3, 70);
    expect(loadSessionData(t.store, sessionId).stats?.bpm ?? null).toBeNull();
    const text = pdfText(
      (await writeParticipantReport(t.store, reportRequest.parse({ sessionId, destination: out() }), ctx())).path,
    );
    expect(text).toContain('No reliable heart rate could be measured in this recording, so no number is shown.');
    // The general text names the usual adult range; no number of this session may appear.
    expect(text).not.toContain('Your heart rate was');
    expect(text).not.toMatch(/stayed between \d+ and \d+ beats per minute/);
    expect(text).not.toContain('Heart rate over time');
    expect(text).not.toContain('Heart-rate variability');
    expect(text).toContain('Research use only — not a medical device, not a diagnosis.');
  });

  test('a subject report lists every analysed session with its HR', async () => {
    const result = await writeParticipantReport(
      t.store,
      reportRequest.parse({ subjectId: t.store.sessions.get(long.sessionId).subjectId, destination: out() }),
      ctx(),
    );
    const text = pdfText(result.path);
    expect(result.sessions).toBe(2);
    expect(text).toContain('Your heart-rate measurements');
    expect(text).toContain(`${Math.round(hrFromDb(long.sessionId))} bpm`);
    expect(text).toContain(`${Math.round(hrFromDb(short.sessionId))} bpm`);
    expect(text).toContain('Heart rate per measurement');
  });
});

describe('bad report requests fail clearly and write nothing', () => {
  const code = async (work: Promise<unknown>) => {
    const error = await work.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return `${(error as AppError).code}: ${(error as AppError).message}`;
  };

  test('an unknown session, a missing folder, or no browser to print with', async () => {
    expect(
      await code(writeParticipantReport(t.store, reportRequest.parse({ sessionId: 4242, destination: out() }), ctx())),
    ).toBe('not_found: Session 4242 does not exist');
    expect(
      await code(
        writeParticipantReport(
          t.store,
          reportRequest.parse({ sessionId: long.sessionId, destination: path.join(t.dir, 'missing') }),
          ctx(),
        ),
      ),
    ).toMatch(/^not_found: .*does not exist/);
    const destination = out();
    const noBrowser = { ...ctx(), printPdf: chromiumPrinter(null) };
    expect(
      await code(
        writeParticipantReport(t.store, reportRequest.parse({ sessionId: long.sessionId, destination }), noBrowser),
      ),
    ).toMatch(/needs Chromium or Google Chrome/);
    expect(fs.readdirSync(destination)).toEqual([]);
  });

  test('a subject code that would escape the folder', async () => {
    const victim = t.subject({ code: 'EVIL-2' });
    const { sessionId } = await t.record(victim, 12, 70);
    t.store.db.prepare('UPDATE subjects SET code = ? WHERE id = ?').run('../../x', victim);
    const destination = out();
    expect(await code(writeParticipantReport(t.store, reportRequest.parse({ sessionId, destination }), ctx()))).toMatch(
      /^invalid_input: .*cannot be used in file names/,
    );
    expect(fs.readdirSync(destination)).toEqual([]);
  });
});
