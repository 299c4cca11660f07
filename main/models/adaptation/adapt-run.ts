// Runs models/python/adapt.py: its stdin gets the crops and then stays open (closing it stops the run at once, and
// it closes by itself when this process dies), its stdout reports JSON lines, its last stderr line says what failed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';
import type { Writable } from 'node:stream';
import { AppError } from '../../../common/ipc/result.ts';

/** The script beside this checkout; bundled builds ship models/python unpacked and pass that path. */
export const DEFAULT_ADAPT_SCRIPT = import.meta.url
  ? fileURLToPath(new URL('../../../models/python/adapt.py', import.meta.url))
  : '';
/** How long a cancelled run may take to end by itself before it is killed. */
const STOP_GRACE_MS = 3000;
const STDERR_KEEP = 8192;

export interface StartEvent {
  event: 'start';
  clips: number;
  frames: number;
  fps: number;
  steps: number;
  device: string;
  torch: string;
}
export interface StepEvent {
  event: 'step';
  step: number;
  steps: number;
  loss: Record<string, number> & { total: number };
  seconds: number;
}
export interface DoneEvent {
  event: 'done';
  onnx: string;
  sha256: string;
  base_sha256: string;
  steps: number;
  losses: number[];
  device: string;
  torch: string;
  seconds: number;
}
export type AdaptEvent = StartEvent | StepEvent | DoneEvent;

export interface AdaptScriptRun {
  python: string;
  script?: string;
  base: string;
  outDir: string;
  steps: number;
  device: string;
  /** Window length and batch (adapt.py's defaults when left out; tests make them small). */
  frames?: number;
  batch?: number;
  threads?: number;
  signal?: AbortSignal;
  onEvent?: (event: AdaptEvent) => void;
}

/** Runs the script with `feed` writing its stdin; resolves with its done event, or rejects with an AppError. */
export async function runAdaptScript(
  run: AdaptScriptRun,
  feed: (stdin: Writable) => Promise<unknown>,
): Promise<DoneEvent> {
  run.signal?.throwIfAborted();
  const args = [
    run.script ?? DEFAULT_ADAPT_SCRIPT,
    '--base',
    run.base,
    '--out',
    run.outDir,
    '--steps',
    String(run.steps),
    '--device',
    run.device,
  ];
  for (const [flag, value] of [
    ['--frames', run.frames],
    ['--batch', run.batch],
    ['--threads', run.threads],
  ] as const)
    if (value !== undefined) args.push(flag, String(value));
  // A process group of its own on POSIX: a terminal's Ctrl+C reaches this process only, which cancels cleanly.
  const child = spawn(run.python, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
    detached: process.platform !== 'win32',
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-STDERR_KEEP)));
  let done: DoneEvent | null = null;
  let badLine: string | null = null;
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const event = JSON.parse(line) as AdaptEvent;
      if (event.event === 'done') done = event;
      run.onEvent?.(event);
    } catch {
      badLine ??= line.slice(0, 200);
    }
  });
  const stop = () => {
    child.stdin.destroy();
    setTimeout(
      () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'),
      STOP_GRACE_MS,
    ).unref();
  };
  run.signal?.addEventListener('abort', stop, { once: true });
  const closed = new Promise<{ code: number | null; spawnError: Error | null }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, spawnError: error }));
    child.on('close', (code) => resolve({ code, spawnError: null }));
  });
  child.stdin.on('error', () => {}); // a run that ends early (bad input) closes its end; its exit status says why
  // Stdin stays open after the feed: its end is the script's signal to stop.
  const fed = feed(child.stdin).catch((error: unknown) => error);
  const { code, spawnError } = await closed;
  run.signal?.removeEventListener('abort', stop);
  child.stdin.destroy();
  const feedError = await fed;
  if (run.signal?.aborted) throw new AppError('conflict', 'The adaptation was cancelled; no model was registered');
  if (spawnError) throw new AppError('not_found', `Cannot start ${run.python}: ${spawnError.message}`);
  const said = stderr.trim().split('\n').at(-1) ?? '';
  if (code === 2) throw new AppError('invalid_input', `Cannot adapt: ${said}`);
  if (code !== 0 || !done) {
    const why = said || (feedError instanceof Error ? feedError.message : '') || badLine || `exit status ${code}`;
    throw new AppError('internal', `The adaptation stopped (Python, exit status ${code}): ${why}`);
  }
  return done;
}
