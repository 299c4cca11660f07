// Shared steps of the fault scenarios: fresh data folders, recordings through the API, process trees, file hashes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { AppProcess } from './app-process.ts';
import { pulsingChunk } from './frames.ts';

export const tempFolder = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `pulse-fault-${prefix}-`));

export const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A subject and a started recording; `seconds` of pulsing frames stored through the API. */
export async function recordFor(
  app: AppProcess,
  code: string,
  seconds: number,
): Promise<{ subjectId: number; sessionId: number }> {
  const subject = await app.value('subjects:create', { studyId: 1, code });
  const session = await app.value('recording:start', { subjectId: subject.id, fps: 30 });
  for (let f = 0; f < seconds * 30; f += 30)
    await app.value('recording:append-frames', { sessionId: session.id, ...pulsingChunk(f, 30, 72) });
  return { subjectId: subject.id, sessionId: session.id };
}

/** Pids of the processes whose parent is `pid` (Linux /proc). */
export function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
}

/** Every descendant of `pid`. */
export const descendantsOf = (pid: number): number[] =>
  childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);

/** Polls `check` until it holds (or gives up after `tries` × 50 ms); returns whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Data folders and app processes of one test file, stopped and removed after each test. */
export function scenarios() {
  const apps: AppProcess[] = [];
  const paths: string[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
    for (const p of paths.splice(0)) fs.rmSync(p, { recursive: true, force: true });
  });
  return {
    folder(name: string): string {
      const dir = tempFolder(name);
      paths.push(dir);
      return dir;
    },
    /** Removed after the test too. */
    keep(file: string): void {
      paths.push(file);
    },
    async start(dir: string, env?: NodeJS.ProcessEnv): Promise<AppProcess> {
      const app = await AppProcess.start(dir, env);
      apps.push(app);
      return app;
    },
  };
}
