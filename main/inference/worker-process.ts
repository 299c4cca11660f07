// Starts the inference process: how the parent reaches it, whatever runs it (a Node child here, an Electron
// utility process in the desktop app: main/modules/inference-process.ts), and how its end is reported.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

/** One running inference process, seen from its parent. */
export interface WorkerChannel {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  /** Called once when the process has ended, with how (exit code or signal) in words. */
  onExit(listener: (how: string) => void): void;
  /** Ends the process (the parent's own side keeps running). */
  kill(): void;
}

export type WorkerLauncher = () => WorkerChannel;

/**
 * The unbundled entry (Node, tests, the CLI); a bundled app passes its built file. Resolved late:
 * bundles have no import.meta.url.
 */
export const defaultWorkerEntry = (): string => fileURLToPath(new URL('./inference-worker.ts', import.meta.url));

/** Forks `entry` with Node's IPC channel; 'advanced' serialization carries typed arrays as they are. */
export function nodeWorkerLauncher(entry: string = defaultWorkerEntry()): WorkerLauncher {
  return () => {
    // No inherited execArgv: a test runner's or debugger's flags are not the child's business.
    const child = fork(entry, [], {
      serialization: 'advanced',
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ended = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ? `was ended by ${signal}` : `exited with code ${code}`));
      // Failing to start, or a send into a channel that just closed: never an unhandled 'error' in the parent.
      child.on('error', (error) => {
        if (child.pid === undefined) resolve(`could not be started: ${error.message}`);
      });
    });
    return {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener as (message: unknown) => void),
      onExit: (listener) => void ended.then(listener),
      kill: () => void child.kill('SIGTERM'),
    };
  };
}
