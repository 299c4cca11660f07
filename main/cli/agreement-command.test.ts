// `pulse-studio agreement` as a user runs it (a real process on a data folder): the figures of Review for a study's
// sessions with references, split by skin type, and a clear refusal of an unknown split.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { referenceImport, type StudyAgreement } from '../../common/references.ts';
import { importReference } from '../references/reference-import.ts';
import { sessionAgreement } from '../references/session-agreement.ts';
import { sessionWith, type TestSession } from '../../testing/reference-session.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const CLI = path.join(ROOT, 'main', 'cli', 'pulse-studio.ts');
const run = promisify(execFile);

let t: TestSession;
let expected: ReturnType<typeof sessionAgreement>['methods'][number];

beforeAll(() => {
  const hr = (t: number) => 70 + 6 * Math.sin(t / 15);
  t = sessionWith(120, (s) => ({ bpm: hr(s) + (s % 3) - 1, quality: s % 5 ? 'good' : 'fair' }), {
    subject: { skinType: 5 },
  });
  const rows = ['time,bpm', ...Array.from({ length: 130 }, (_, s) => `${s},${hr(s).toFixed(2)}`)];
  importReference(
    t.store,
    referenceImport.parse({
      sessionId: t.sessionId,
      fileName: 'hr.csv',
      bytes: new TextEncoder().encode(rows.join('\n')),
      offsetS: 0,
    }),
  );
  expected = sessionAgreement(t.store, t.sessionId).methods[0]!;
  // One Pulse Studio per data folder: the command line gets it to itself.
  t.store.close();
});
afterAll(() => fs.rmSync(path.dirname(t.store.dataDir), { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(NODE, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, PULSE_STUDIO_DATA_DIR: t.store.dataDir },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('prints the same figures as Review, split by skin type', async () => {
  const r = await cli(['agreement', '--study', 'My study', '--split', 'skin-type', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const a = JSON.parse(r.stdout) as StudyAgreement;
  expect(a.sessions).toBe(1);
  expect(a.overall[0]).toMatchObject({
    method: 'app',
    n: expected.n,
    coverage: expected.coverage,
    maeBpm: expected.maeBpm,
  });
  expect(a.groups).toEqual([expect.objectContaining({ group: 'type V', n: expected.n })]);
  const text = await cli(['agreement', '--split', 'skin-type']);
  expect(text.stdout).toContain('app (primary)');
  expect(text.stdout).toMatch(/by fitzpatrick skin type:\n.*\ntype V +\d+/);
});

test('refuses an unknown split with the ones it knows', async () => {
  const r = await cli(['agreement', '--split', 'religion']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('--split must be one of none, skin-type, sex, age-band, step');
});
