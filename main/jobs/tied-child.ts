// Child processes (ffmpeg blurring a video, Chromium printing a report) that end with the app. On POSIX each
// runs under a tiny sh watchdog reading a pipe whose other end only the app holds: when the app exits, crashes
// or is killed with -9 the pipe closes and the watchdog kills the child. On Windows libuv already places
// children in a job object that is closed with the app.
import { spawn } from 'node:child_process';

const WATCHDOG = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'child=$!',
  '( while read -r _; do :; done; kill -9 "$child" 2>/dev/null ) <&3 &',
  'watch=$!',
  'exec 3<&-',
  'wait "$child"; status=$?',
  'kill "$watch" 2>/dev/null',
  'exit $status',
].join('\n');

export interface TiedRun {
  signal?: AbortSignal | undefined;
  env?: NodeJS.ProcessEnv;
  /** Kills the child after this long (ms). */
  timeoutMs?: number;
}

/** Runs `file args…` to its end; rejects with its stderr's last line when it fails or is stopped. */
export function execTied(
  file: string,
  args: readonly string[],
  run: TiedRun = {},
): Promise<{ stdout: string; stderr: string }> {
  const posix = process.platform !== 'win32';
  const child = posix
    ? spawn('/bin/sh', ['-c', WATCHDOG, 'sh', file, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: run.env ?? process.env,
      })
    : spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: run.env ?? process.env });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.length < 256 && err.push(b));
  // Closing our end of the watchdog's pipe is how a POSIX child is stopped.
  const stop = () => (posix ? child.stdin?.end() : child.kill('SIGKILL'));
  run.signal?.addEventListener('abort', stop, { once: true });
  const timer = run.timeoutMs ? setTimeout(stop, run.timeoutMs) : null;
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      run.signal?.removeEventListener('abort', stop);
      const stderr = Buffer.concat(err).toString();
      if (code === 0 && !run.signal?.aborted) resolve({ stdout: Buffer.concat(out).toString(), stderr });
      else
        reject(
          Object.assign(new Error(stderr.trim().split('\n').at(-1) || `${file} ended with code ${code}`), {
            code,
            stderr,
            aborted: run.signal?.aborted ?? false,
          }),
        );
    });
  });
}
