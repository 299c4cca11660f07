// Bench: the heavy evaluations `npm test` runs on a subset, in full — the development set with its no-pulse clips
// (default settings: face crops, the bundled model) and all 16 real skin-patch clips (--roi full) — each with its
// tables and its wall time, measured in one run.
// Run: node_modules/.bin/node bench/evaluations.ts [--jobs 2]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { main } from '../main/cli/pulse-studio.ts';
import { SHARED, SKIN_PATCHES, skinPatchManifest, tempDir } from '../testing/media.ts';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '2' } } });
const DEV = path.join(SHARED, 'clips', 'synthetic-dev');

async function timed(name: string, args: string[]): Promise<void> {
  const start = performance.now();
  const code = await main(['evaluate', ...args, '--jobs', values.jobs!]);
  process.stdout.write(`\n${name}: exit ${code}, ${((performance.now() - start) / 1000).toFixed(0)} s\n\n`);
}

if (fs.existsSync(path.join(DEV, 'manifest.csv'))) {
  await timed('development set', [
    path.join(DEV, 'manifest.csv'),
    path.join(DEV, 'no-pulse', 'manifest.csv'),
    '--out',
    tempDir('bench-dev'),
  ]);
}
if (fs.existsSync(path.join(SKIN_PATCHES, 'labels.csv'))) {
  const dir = tempDir('bench-skin');
  await timed('skin patches', [skinPatchManifest(dir).manifest, '--roi', 'full', '--out', dir]);
}
