// Finds the Python that adapts models (torch, onnx, numpy): the one asked for, else $PULSE_STUDIO_PYTHON, else
// Debian's /usr/bin/python3 (where python3-torch installs), else python3 on PATH; or says exactly what to install.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PythonCheck } from '../../../common/adaptation.ts';

const run = promisify(execFile);
export const PYTHON_ENV = 'PULSE_STUDIO_PYTHON';
/** Importing torch takes a few seconds on a cold disk. */
const PROBE_TIMEOUT_MS = 60_000;
const PROBE =
  'import json, numpy, onnx, torch; print(json.dumps({"torch": torch.__version__, "cuda": torch.cuda.is_available()}))';

export const INSTALL_ADVICE =
  'Model adaptation needs Python 3 with PyTorch, ONNX and NumPy. On Debian or Ubuntu: sudo apt install python3-torch python3-onnx python3-numpy. ' +
  `Elsewhere: python3 -m pip install torch onnx numpy. Then start Pulse Studio again, with ${PYTHON_ENV} naming that Python if it is not /usr/bin/python3 or python3 (the command line also takes --python).`;

/** The interpreters to try, in order: an explicit one alone (the user asked for it), else the usual places. */
export function pythonCandidates(explicit: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit.trim()) return [explicit.trim()];
  const named = env[PYTHON_ENV]?.trim();
  if (named) return [named];
  return process.platform === 'win32' ? ['python', 'py'] : ['/usr/bin/python3', 'python3'];
}

/** Interpreters found to have what adapt.py needs: asked once per run of the app (a failure is asked again). */
const found = new Map<string, { torch: string; cuda: boolean }>();

async function probe(python: string): Promise<{ torch: string; cuda: boolean } | string> {
  const known = found.get(python);
  if (known) return known;
  try {
    const { stdout } = await run(python, ['-c', PROBE], { timeout: PROBE_TIMEOUT_MS, windowsHide: true });
    const versions = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { torch: string; cuda: boolean };
    found.set(python, versions);
    return versions;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return `${python} was not found`;
    const missing = /No module named '([^']+)'/.exec(e.stderr ?? '')?.[1];
    return missing
      ? `${python} has no ${missing}`
      : `${python} could not be run (${(e.stderr ?? e.message).trim().split('\n').at(-1)})`;
  }
}

/** The first candidate with torch, onnx and numpy; `ok: false` with what was found and what to install. */
export async function findPython(explicit = '', env: NodeJS.ProcessEnv = process.env): Promise<PythonCheck> {
  const tried: string[] = [];
  for (const python of pythonCandidates(explicit, env)) {
    const got = await probe(python);
    if (typeof got !== 'string')
      return {
        ok: true,
        python,
        torch: got.torch,
        cuda: got.cuda,
        message: `${python} with PyTorch ${got.torch}${got.cuda ? ', CUDA available' : ', CPU only'}`,
      };
    tried.push(got);
  }
  return {
    ok: false,
    python: explicit.trim() || null,
    torch: null,
    cuda: false,
    message: `${tried.join('; ')}. ${INSTALL_ADVICE}`,
  };
}
