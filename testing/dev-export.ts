// Dev/test helper: exports SSPD to ONNX with the Python exporter, cached in os.tmpdir().

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON_DIR = join(REPO, 'models', 'python');
/** Debian's Python carries torch and onnx; the `python3` on PATH does not. */
export const PYTHON = process.env.PULSE_PYTHON ?? '/usr/bin/python3';
/** The reference data (faces, clips, the authors' checkpoint): ../shared beside the checkout; PULSE_SHARED_DIR points
 * elsewhere (or nowhere, to test skips). */
export const SHARED_DIR = process.env.PULSE_SHARED_DIR ?? resolve(REPO, '..', 'shared');
export const SHARED_MODELS = join(SHARED_DIR, 'models');
export const AUTHORS_CHECKPOINT = join(SHARED_MODELS, 'sspd-ubfc-authors.pth');

export function sharedAvailable(): boolean {
  return existsSync(AUTHORS_CHECKPOINT);
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** `form` defaults to the exporter's (streaming); `rowTiles` applies to the whole form. */
export type ExportSource = ({ readonly checkpoint: string } | { readonly randomSeed: number }) & {
  readonly form?: 'streaming' | 'whole';
  readonly rowTiles?: number;
};

/**
 * Path of an ONNX export of `source`. The cache key covers the weights and the exporter's own
 * sources, so editing the network or the exporter never reuses a stale file.
 */
export async function exportSspd(source: ExportSource): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['export.py', 'sspd_model.py', 'sspd_streaming.py', 'onnx_weights.py'])
    hash.update(await readFile(join(PYTHON_DIR, file)));
  hash.update('checkpoint' in source ? await sha256(source.checkpoint) : `random:${source.randomSeed}`);
  hash.update(`form:${source.form ?? 'default'} tiles:${source.rowTiles ?? 'default'}`);
  const output = join(tmpdir(), `pulse-studio-sspd-${hash.digest('hex').slice(0, 16)}.onnx`);
  if (existsSync(output)) return output;
  // Per-process name then rename: parallel test files may export at the same moment.
  const partial = `${output}.${process.pid}.onnx`;
  const args = [
    join(PYTHON_DIR, 'export.py'),
    '--output',
    partial,
    ...('checkpoint' in source
      ? ['--checkpoint', source.checkpoint]
      : ['--random-init', '--seed', String(source.randomSeed)]),
    ...(source.form === undefined ? [] : ['--form', source.form]),
    ...(source.rowTiles === undefined ? [] : ['--row-tiles', String(source.rowTiles)]),
  ];
  await run(PYTHON, args, { cwd: REPO, timeout: 120_000 });
  await rename(partial, output);
  return output;
}
