// A session with a contact reference and a protocol in the researcher export: the reference in session time, the
// paired windows and figures, results per step, steps as BIDS events, pooled agreement; the reference's file
// name withheld when free text is not exported.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { protocolFields } from '../../common/protocols.ts';
import { referenceImport } from '../../common/references.ts';
import { exportRequest } from '../../common/reports.ts';
import { importReference } from '../references/reference-import.ts';
import { sessionWith, type TestSession } from '../../testing/reference-session.ts';
import { runExport } from './research-export.ts';

let t: TestSession;

beforeAll(() => {
  const hr = (s: number) => 66 + 8 * Math.sin(s / 12);
  t = sessionWith(90, (s) => ({ bpm: hr(s) + (s % 2 ? 1 : -1), quality: 'good' }), {
    subject: { code: 'P-9', skinType: 3 },
    whileRecording: (store, sessionId) => {
      const protocol = store.protocols.create(
        store.studies.ensureOne().id,
        protocolFields.parse({
          name: 'Rest',
          steps: [
            { name: 'baseline', durationS: 40 },
            { name: 'recovery', durationS: 50 },
          ],
        }),
      );
      store.protocols.begin(sessionId, protocol.id);
      store.protocols.log({ sessionId, tS: 40, step: 1, action: 'start', extendS: null });
    },
  });
  const rows = ['time,bpm', ...Array.from({ length: 100 }, (_, s) => `${s},${hr(s).toFixed(2)}`)];
  importReference(
    t.store,
    referenceImport.parse({
      sessionId: t.sessionId,
      fileName: 'alice-smith-polar.csv',
      bytes: new TextEncoder().encode(rows.join('\n')),
      offsetS: 0,
    }),
  );
});
afterAll(() => t.close());

test('exports the reference, agreement and steps beside the camera results', async () => {
  const destination = fs.mkdtempSync(path.join(path.dirname(t.store.dataDir), 'out-'));
  const request = exportRequest.parse({
    studyId: t.store.studies.ensureOne().id,
    sessionIds: [t.sessionId],
    destination,
    container: 'folder',
  });
  const result = await runExport(t.store, request, { appVersion: 'test', shiftDays: 0 });
  const dir = path.join(result.path, 'derivatives', 'pulse-studio', 'sub-P9', 'ses-1');
  const read = (name: string) => fs.readFileSync(path.join(dir, `sub-P9_ses-1_${name}`), 'utf8');
  expect(read('reference-1.csv').split('\n')[0]).toBe('t_s,bpm');
  const pairs = read('agreement.csv').trim().split('\n');
  expect(pairs[0]).toBe('t_s,step,camera_bpm,reference_bpm,reliable');
  expect(pairs[1]).toMatch(/^5,1\. baseline,/);
  const figures = JSON.parse(read('agreement.json'));
  expect(figures.methods[0]).toMatchObject({ method: 'sspd', coverage: 1 });
  expect(figures.methods[0].maeBpm).toBeCloseTo(1, 0);
  const steps = read('steps.csv').trim().split('\n');
  expect(steps).toHaveLength(3);
  expect(steps[1]).toMatch(/^1,baseline,0,40,40,0,0,/);
  expect(steps[2]).toMatch(/^2,recovery,40,90,50,0,0,/);
  const events = fs.readFileSync(
    path.join(result.path, 'sub-P9', 'ses-1', 'beh', 'sub-P9_ses-1_task-rppg_events.tsv'),
    'utf8',
  );
  expect(events).toContain('0\t40\tstep: 1. baseline');
  const pooled = JSON.parse(
    fs.readFileSync(path.join(result.path, 'derivatives', 'pulse-studio', 'agreement.json'), 'utf8'),
  );
  expect(pooled.sessions).toBe(1);
  expect(Object.keys(pooled.by)).toEqual(['step']);
  // De-identified by default: the reference's file name appears nowhere.
  const everything = fs
    .readdirSync(result.path, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');
  expect(everything).not.toContain('alice');
});
