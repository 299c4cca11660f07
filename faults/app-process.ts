// A real Pulse Studio process for the fault tests: browser mode (scripts/launch.ts --browser) on a data folder,
// called over its loopback HTTP API exactly as the UI calls it, and stopped or killed (-9) like the real thing.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { Result } from '../common/ipc/result.ts';
import { decodeWire, encodeWire } from '../common/ipc/wire.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
export const NODE = process.execPath;

export class AppProcess {
  readonly child: ChildProcess;
  readonly #url: string;
  readonly #token: string;
  output: string;

  private constructor(child: ChildProcess, url: string, output: string) {
    this.child = child;
    const entry = new URL(url);
    this.#url = entry.origin;
    this.#token = new URLSearchParams(entry.hash.slice(1)).get('token') ?? '';
    this.output = output;
  }

  /** Starts the app on `dataDir`; resolves once it serves, or rejects with what it printed when it exits first. */
  static async start(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<AppProcess> {
    const child = spawn(NODE, [path.join(ROOT, 'scripts/launch.ts'), '--browser'], {
      cwd: ROOT,
      env: { ...process.env, PULSE_STUDIO_DATA_DIR: dataDir, PULSE_STUDIO_NO_BROWSER: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    return new Promise((resolve, reject) => {
      const onData = (data: Buffer) => {
        output += data.toString();
        const url = /Open: (\S+)/.exec(output)?.[1];
        if (url) {
          const app = new AppProcess(child, url, output);
          child.stdout!.on('data', (d: Buffer) => (app.output += d.toString()));
          child.stderr!.on('data', (d: Buffer) => (app.output += d.toString()));
          child.stdout!.off('data', onData);
          child.stderr!.off('data', onData);
          resolve(app);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) =>
        reject(Object.assign(new Error(`the app exited with ${code} before serving:\n${output}`), { code, output })),
      );
    });
  }

  /** One API call as the browser bridge makes it. */
  async call<T = any>(channel: string, input?: unknown): Promise<Result<T>> {
    const response = await fetch(`${this.#url}/api/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-pulse-token': this.#token },
      body: encodeWire({ input }) as Uint8Array<ArrayBuffer>,
    });
    return decodeWire(new Uint8Array(await response.arrayBuffer())) as Result<T>;
  }

  /** Like call, failing the test with the app's message when the call fails. */
  async value<T = any>(channel: string, input?: unknown): Promise<T> {
    const result = await this.call<T>(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  async kill9(): Promise<void> {
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Ctrl+C: the app closes its sessions and the database as a user's quit would. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** Runs `node <script> …args` to its end and returns its exit code and output (the CLI, scenario scripts). */
export async function runNode(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(NODE, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
