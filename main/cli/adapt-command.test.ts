// `pulse-studio adapt` as a user runs it: Ctrl+C while Python works ends the run cleanly (nothing registered, no
// temporary files, no Python left running), and bad arguments are refused in plain words.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { subjectFields } from '../../common/subjects.ts';
import { NO_TORCH, torchAvailable } from '../../testing/python.ts';
import { Recorder } from '../recording/recorder.ts';
import { pulsingChunk } from '../../testing/frames.ts';
import { openStore } from '../store/index.ts';
import { WORK_DIR } from '../store/work-folder.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const CLI = path.join(ROOT, 'main', 'cli', 'pulse-studio.ts');

let dir: string;
let dataDir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-adapt-cli-'));
  dataDir = path.join(dir, 'data');
  const store = openStore(dataDir);
  const recorder = new Recorder(store, 'test');
  const subjectId = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'SYN-1' })).id;
  const session = await recorder.start({ subjectId, cameraLabel: null, width: 640, height: 480, fps: 30, notes: '' });
  for (let f = 0; f < 240; f += 30) recorder.appendFrames(session.id, pulsingChunk(f, 30, 72));
  await recorder.stop(session.id);
  store.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function start(args: string[]) {
  const child = spawn(NODE, [CLI, 'adapt', ...args], {
    cwd: ROOT,
    env: { ...process.env, PULSE_STUDIO_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, exited, stderr: () => stderr };
}

/** Python processes running adapt.py for this test's data folder (Linux /proc). */
function adaptProcesses(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes('adapt.py') && cmd.includes(dataDir) ? [Number(pid)] : [];
      } catch {
        return [];
      }
    });
}

async function until<T>(probe: () => T | null | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test.skipIf(!torchAvailable || process.platform !== 'linux')(
  `Ctrl+C stops a run cleanly: exit 130, nothing registered, no files, no Python left (${NO_TORCH} otherwise)`,
  async () => {
    const run = start(['--steps', '100']);
    await until(() => adaptProcesses().length > 0, 60_000, 'adapt.py to start');
    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toBe(130);
    expect(run.stderr()).toContain('the adaptation was cancelled; no model was registered');
    await until(() => adaptProcesses().length === 0 || null, 10_000, 'adapt.py to end');
    const store = openStore(dataDir);
    try {
      expect(store.db.prepare('SELECT count(*) AS n FROM models').get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
    const work = path.join(dataDir, WORK_DIR);
    expect(fs.existsSync(work) ? fs.readdirSync(work) : []).toEqual([]);
  },
  120_000,
);

test('refuses bad arguments in plain words', async () => {
  for (const [args, said] of [
    [['--steps', '0'], '--steps: At least 1 step'],
    [['--sessions', 'first'], '--sessions takes session ids like 3,4'],
    [['--device', 'tpu'], '--device:'],
    [['--study', 'Nope'], 'No study named "Nope"'],
  ] as const) {
    const run = start([...args]);
    expect(await run.exited, run.stderr()).toBe(1);
    expect(run.stderr()).toContain(said);
  }
}, 60_000);
