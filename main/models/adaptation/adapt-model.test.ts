// Adapting the bundled model to three recorded sessions of a synthetic subject, end to end on the CPU with a short
// run: registered with its provenance (never active), runnable through the app's streaming inference, before/after
// agreement with a contact reference; a cancelled run or a missing Python registers nothing and leaves no files.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adaptRequest } from '../../../common/adaptation.ts';
import { referenceImport } from '../../../common/references.ts';
import { analyseCropFile } from '../../recording/crop-analysis.ts';
import { recordContext, startInference } from '../../recording/recording-inference.ts';
import { ROI_FILE } from '../../store/data-dir.ts';
import { importReference } from '../../references/reference-import.ts';
import { openTestData, type TestData } from '../../../testing/sessions.ts';
import { WORK_DIR } from '../../store/work-folder.ts';
import { ModelRegistry } from '../model-registry.ts';
import { NO_TORCH, torchAvailable } from '../../../testing/python.ts';
import { adaptModel, type AdaptProgress } from './adapt-model.ts';
import { INSTALL_ADVICE } from './python-env.ts';

const BUNDLED = path.resolve(import.meta.dirname, '..', '..', '..', 'models', 'sspd.onnx');
const BUNDLED_SHA256 = (
  JSON.parse(fs.readFileSync(path.join(path.dirname(BUNDLED), 'manifest.json'), 'utf8')) as {
    bundled: { sha256: string };
  }
).bundled.sha256;
/** Short windows and one per step: the whole path in seconds (the real defaults run in bench/adapt.ts). */
const TUNING = { frames: 16, batch: 1 };
/** Long enough for a few of the analysis's 15 s windows. */
const SECONDS = 20;

let data: TestData;
let models: ModelRegistry;
let studyId: number;
let sessionIds: number[];

const request = (fields: Record<string, unknown> = {}) => adaptRequest.parse({ studyId, steps: 2, ...fields });
const workLeft = () =>
  fs.existsSync(path.join(data.store.dataDir, WORK_DIR)) ? fs.readdirSync(path.join(data.store.dataDir, WORK_DIR)) : [];

beforeAll(async () => {
  data = openTestData('pulse-adapt-');
  studyId = data.store.studies.ensureOne().id;
  const subject = data.subject({ code: 'SYN-1' });
  sessionIds = [];
  for (const bpm of [66, 72, 80]) sessionIds.push((await data.record(subject, SECONDS, bpm)).sessionId);
  // A chest strap on the second session: 72 bpm throughout.
  const rows = ['time,bpm', ...Array.from({ length: SECONDS + 1 }, (_, t) => `${t},72`)];
  importReference(
    data.store,
    referenceImport.parse({
      sessionId: sessionIds[1],
      fileName: 'strap.csv',
      bytes: new TextEncoder().encode(rows.join('\n')),
      offsetS: 0,
    }),
  );
  models = new ModelRegistry({
    db: data.store.db,
    audit: data.store.audit,
    dataDir: data.store.dataDir,
    bundled: BUNDLED,
    intraOpThreads: 1,
  });
});
afterAll(() => data.close());

describe.skipIf(!torchAvailable)(`adapting on the CPU (${NO_TORCH} otherwise)`, () => {
  test('registers an inactive adapted model with its provenance, runnable by the streaming inference, with before/after agreement', async () => {
    const progress: AdaptProgress[] = [];
    const { model, provenance } = await adaptModel(data.store, models, request(), {
      tuning: TUNING,
      onProgress: (p) => progress.push(p),
    });
    expect(model).toMatchObject({ source: 'adapted', active: false, originSha256: BUNDLED_SHA256 });
    expect(models.list().find((m) => m.active)?.source).toBe('bundled');
    expect(models.list().find((m) => m.sha256 === model.sha256)?.provenance).toEqual(provenance);
    expect(provenance).toMatchObject({ baseSha256: BUNDLED_SHA256, studyId, sessionIds, steps: 2, device: 'cpu' });
    expect(provenance.lossCurve).toHaveLength(2);
    expect(provenance.lossCurve.every(Number.isFinite)).toBe(true);
    expect(provenance.frames).toBe(3 * SECONDS * 30);
    // Only the session with a strap is compared; both models read it.
    expect(provenance.agreement?.sessions).toEqual([sessionIds[1]]);
    expect(provenance.agreement?.before.referenceWindows).toBeGreaterThan(0);
    expect(provenance.agreement?.after.referenceWindows).toBe(provenance.agreement?.before.referenceWindows);
    expect(progress.map((p) => p.stage)).toEqual(
      expect.arrayContaining(['reading', 'adapting', 'exporting', 'comparing', 'registering']),
    );
    expect(progress.map((p) => p.fraction)).toEqual([...progress.map((p) => p.fraction)].sort((a, b) => a - b));
    expect(workLeft()).toEqual([]);
    expect(data.store.audit.list({ entity: 'model', entityId: model.sha256 }).map((e) => e.action)).toEqual(['adapt']);

    // The stored file runs through the inference process as a recording's re-analysis runs it.
    const session = data.store.sessions.get(sessionIds[0]!);
    const running = await startInference(
      { path: path.join(data.store.dataDir, 'models', `${model.sha256}.onnx`), intraOpThreads: 1 },
      () => {},
    );
    try {
      const final = await analyseCropFile(
        path.join(data.store.sessionDir(session.subjectId, session.id), ROI_FILE),
        running!.inference,
        recordContext('reanalysis', running!.inference),
        undefined,
        data.store.mediaKey,
      );
      if ('reason' in final) throw new Error(final.reason);
      const wave = final.analysis.waveforms.sspd!.samples;
      expect(wave.length).toBeGreaterThan(SECONDS * 30 * 0.9);
      expect(wave.every(Number.isFinite)).toBe(true);
    } finally {
      await running?.inference.close();
    }
  }, 240_000);

  test('a cancelled run registers nothing and leaves no temporary files', async () => {
    const before = models.list().length;
    const controller = new AbortController();
    const run = adaptModel(data.store, models, request({ sessionIds: [sessionIds[0]], steps: 50 }), {
      tuning: TUNING,
      signal: controller.signal,
      onProgress: (p) => p.stage === 'adapting' && p.step >= 1 && controller.abort(),
    });
    await expect(run).rejects.toThrow(/cancelled; no model was registered/);
    expect(models.list()).toHaveLength(before);
    expect(workLeft()).toEqual([]);
  }, 120_000);
});

test('without Python and torch it says exactly what to install, and registers nothing', async () => {
  const before = models.list().length;
  await expect(adaptModel(data.store, models, request({ python: path.join(data.dir, 'no-python3') }))).rejects.toThrow(
    INSTALL_ADVICE,
  );
  expect(INSTALL_ADVICE).toContain('sudo apt install python3-torch python3-onnx python3-numpy');
  expect(models.list()).toHaveLength(before);
  expect(workLeft()).toEqual([]);
});

test('sessions of another study, or too short for one window, are refused in plain words', async () => {
  const other = data.store.studies.create({ name: 'Other study', description: '', contact: '' });
  await expect(
    adaptModel(data.store, models, adaptRequest.parse({ studyId: other.id, sessionIds: [sessionIds[0]] })),
  ).rejects.toThrow(/Session \d+ is not in study “Other study”/);
  await expect(adaptModel(data.store, models, adaptRequest.parse({ studyId: other.id }))).rejects.toThrow(
    /has no finished session with face crops/,
  );
});
