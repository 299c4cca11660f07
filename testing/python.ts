// Test helper: runs short scripts in Debian's Python with torch (models/python on sys.path), when present.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PYTHON } from './dev-export.ts';

const PYTHON_DIR = join(import.meta.dirname, '..', 'models', 'python');
const run = promisify(execFile);

/** Whether PYTHON can import torch; tests that need it skip with this reason otherwise. */
export const torchAvailable = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
export const NO_TORCH = `${PYTHON} with torch is not available`;

/** Runs `script` with models/python importable; `args` arrive as sys.argv[1:]. Returns stdout. */
export async function python(script: string, ...args: string[]): Promise<string> {
  const prelude = `import sys; sys.path.insert(0, ${JSON.stringify(PYTHON_DIR)})\n`;
  const { stdout } = await run(PYTHON, ['-c', prelude + script, ...args], { timeout: 120_000, maxBuffer: 16 << 20 });
  return stdout;
}
