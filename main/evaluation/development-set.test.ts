// Issue #19's reliability targets on the development set (../shared/clips/synthetic-dev: 24 clips and 4 without a
// pulse, made by an independent generator), measured as a user measures them: `pulse-studio evaluate` with its
// defaults (face detection, the bundled model). The decision was calibrated on generated clips, never on these.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/pulse-studio.ts';
import type { Evaluation, RowResult } from './evaluate.ts';
import { evaluationTable } from './evaluation-report.ts';
import { SHARED, tempDir } from '../../testing/media.ts';

const DEV = path.join(SHARED, 'clips', 'synthetic-dev');
const MANIFESTS = [path.join(DEV, 'manifest.csv'), path.join(DEV, 'no-pulse', 'manifest.csv')];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.skipIf(!MANIFESTS.every((m) => fs.existsSync(m)))('the development set', () => {
  it('says when it cannot: reliable HRs are right, no-pulse clips get none; coverage no lower than reached', async () => {
    const out = tempDir('dev-set');
    expect(await main(['evaluate', ...MANIFESTS, '--out', out, '--jobs', '2', '--quiet'])).toBe(0);
    const e = JSON.parse(fs.readFileSync(path.join(out, 'evaluation.json'), 'utf8')) as Evaluation;
    const table = evaluationTable(e);
    expect(e.failedRows, table).toBe(0);
    const rows = e.rows as RowResult[];
    const clips = (groups: string[]) => rows.filter((r) => groups.includes(r.group));
    const error = (r: RowResult) => Math.abs(r.decision!.bpm! - r.referenceBpm!);
    const easyMedium = clips(['easy', 'medium']);
    const reliable = easyMedium.filter((r) => r.decision?.reliability === 'reliable');
    const reported = easyMedium.filter((r) => r.decision?.bpm !== null && r.decision?.bpm !== undefined);

    // What #19 asks that holds today: reliable clips' MAE ≤ 2 bpm and none anywhere wrong by > 10 bpm; clips with
    // any HR (reliable or use with caution) MAE ≤ 5 bpm; no-pulse clips never reliable, ≤ 2 % of their windows.
    expect(mean(reliable.map(error)), table).toBeLessThanOrEqual(2);
    const reliableAnywhere = rows.filter((r) => r.referenceBpm !== null && r.decision?.reliability === 'reliable');
    expect(
      reliableAnywhere.filter((r) => error(r) > 10).map((r) => r.video),
      table,
    ).toEqual([]);
    const reportedAnywhere = rows.filter((r) => r.referenceBpm !== null && r.decision?.bpm != null);
    expect(mean(reportedAnywhere.map(error)), table).toBeLessThanOrEqual(5);
    expect(
      clips(['nopulse'])
        .filter((r) => r.decision?.reliability === 'reliable')
        .map((r) => r.video),
      table,
    ).toEqual([]);
    expect(e.reliability.windows.app!.noPulseReliableShare, table).toBeLessThanOrEqual(0.02);
    // Met since 2026-12-05 (15 s windows): window confidence AUROC ≥ 0.9 (measured 0.907 with the six-set
    // calibration and keyframeStepNear, 0.908 with four sets and regionsOpposed, 0.935 with calibG2 + calibK).
    expect(e.reliability.windows.app!.auroc, table).toBeGreaterThanOrEqual(0.9);
    // Not yet met (issue #19 stays open; measured 2026-12-05 on this machine, calibration on the six sets of the
    // README): reliable on 9 of 16 easy + medium clips (target ≥ 75 %), an HR on 9 of 16 (target ≥ 80 %).
    // These floors (reliable at what was reached, an HR one clip below) keep it from sliding back while the coverage
    // is worked on.
    expect(reliable.length / easyMedium.length, table).toBeGreaterThanOrEqual(9 / 16);
    expect(reported.length / easyMedium.length, table).toBeGreaterThanOrEqual(8 / 16);
  }, 1_200_000);
});
