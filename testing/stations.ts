// Test helper for the study-database tests: stations whose sessions have contact references, the command line as
// a real process, and the check that two researcher exports hold the same files.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { addContactReferences, fillStation, writeSessionCrops } from '../scripts/synth/station.ts';
import { openStore, type Store } from '../main/store/index.ts';
import { syncStation } from '../main/central/sync.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
export const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
export const CLI = path.join(ROOT, 'main', 'cli', 'pulse-studio.ts');
export const APP_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const run = promisify(execFile);

/** `pulse-studio …` run to its end. */
export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(NODE, [CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A station with study "Multi": two 30 s sessions with a video each, each with a contact reference. */
export async function stationWithReferences(store: Store, prefix: string): Promise<void> {
  addContactReferences(
    store,
    await fillStation(store, {
      study: 'Multi',
      prefix,
      subjects: 1,
      sessionsPerSubject: 2,
      framesPerSession: 900,
      mediaBytes: 4000,
    }),
  );
}

/** Stations A and B (each with study "Multi", see above) synced to the central database `url`; their stores, open. */
export async function twoSyncedStations(
  url: string,
  media: string,
  temp: (prefix: string) => string,
): Promise<[Store, Store]> {
  const stores: [Store, Store] = [openStore(temp('pulse-a-')), openStore(temp('pulse-b-'))];
  for (const [k, store] of stores.entries()) {
    await stationWithReferences(store, k ? 'B' : 'A');
    await syncStation(store, { url, mediaRoot: media, appVersion: 'test' });
  }
  return stores;
}

/**
 * A station with one subject's two short sessions in `study` (face crops of `cropSeconds` each, none for 0), synced
 * to the central database `url`; its store, open, and the session ids.
 */
export async function syncedStation(
  url: string,
  media: string,
  temp: (prefix: string) => string,
  o: { study: string; prefix: string; cropSeconds: number },
): Promise<{ store: Store; sessions: number[] }> {
  const store = openStore(temp('pulse-station-'));
  const sessions = await fillStation(store, {
    study: o.study,
    prefix: o.prefix,
    subjects: 1,
    sessionsPerSubject: 2,
    framesPerSession: 30,
    mediaBytes: 0,
  });
  if (o.cropSeconds > 0) for (const id of sessions) await writeSessionCrops(store, id, o.cropSeconds);
  await syncStation(store, { url, mediaRoot: media, appVersion: 'test' });
  return { store, sessions };
}

/** Every file under `dir` by relative path, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return new Map(
    files.map((e) => [
      path.relative(dir, path.join(e.parentPath, e.name)),
      fs.readFileSync(path.join(e.parentPath, e.name)),
    ]),
  );
}

/** Two export folders hold the same files, byte for byte, but for the manifest's time of export (and its checksum). */
export function expectSameExport(actual: string, expected: string): void {
  const [a, e] = [tree(actual), tree(expected)];
  expect([...a.keys()].sort()).toEqual([...e.keys()].sort());
  expect(
    [...e.keys()].filter((f) => /video/i.test(f)),
    'the videos are in the export',
  ).not.toEqual([]);
  const differing = [...e.keys()].filter((f) => !e.get(f)!.equals(a.get(f)!)).sort();
  expect(differing).toEqual(['SHA256SUMS', 'manifest.json'].filter((f) => differing.includes(f)));
  const strip = (json: Buffer) => JSON.stringify({ ...JSON.parse(json.toString()), createdAt: null });
  expect(strip(a.get('manifest.json')!)).toBe(strip(e.get('manifest.json')!));
}
