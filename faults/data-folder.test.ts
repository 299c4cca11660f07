// Faults of the data folder, each with what the user sees and what was kept: a database locked by another
// program, a damaged database (three kinds), two Pulse Studios on one folder.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { subjectFields } from '../common/subjects.ts';
import { openStore } from '../main/store/index.ts';
import { AppProcess, NODE, runNode } from './app-process.ts';
import { pulsingChunk } from './frames.ts';
import { recordFor, scenarios, sha256 } from './helpers.ts';

const { folder, start } = scenarios();

describe('a database locked by another program', () => {
  test('the recording goes on with a warning, Stop waits for the lock, nothing is lost', async () => {
    const dir = folder('locked');
    const app = await start(dir);
    const { sessionId } = await recordFor(app, 'LOCK-1', 1);
    // Another process — a database viewer, a backup tool — takes the write lock and keeps it.
    const locker = spawn(
      NODE,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(path.join(dir, 'pulse-studio.db'))}); db.exec('BEGIN IMMEDIATE'); console.log('locked'); process.stdin.resume();`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await once(locker.stdout, 'data');

    const during = await app.value('recording:append-frames', { sessionId, ...pulsingChunk(30, 30, 72) });
    expect(during).toMatchObject({
      frameCount: 60,
      warning: expect.stringMatching(/locked by another program.*saved in the session folder/),
    });
    const edit = await app.call('subjects:create', { studyId: 1, code: 'LOCK-2' });
    expect(edit).toMatchObject({
      ok: false,
      error: { code: 'busy', message: expect.stringMatching(/locked by another program/) },
    });
    const stop = await app.call('recording:stop', { sessionId });
    expect(stop).toMatchObject({
      ok: false,
      error: { code: 'busy', message: expect.stringMatching(/kept in its session folder/) },
    });

    locker.kill();
    await once(locker, 'exit');
    const stopped = await app.value('recording:stop', { sessionId });
    expect(stopped.session).toMatchObject({ status: 'complete', frameCount: 60 });
  });
});

describe('a damaged database', () => {
  const damage: Record<string, (bytes: Buffer) => Buffer> = {
    'a corrupted middle page': (b) => Buffer.from(b).fill(0x5a, 4096 * 20, 4096 * 21),
    'a file cut in half': (b) => b.subarray(0, Math.floor(b.length / 2)),
    'a damaged header': (b) => Buffer.from(b).fill(0, 0, 100),
  };
  test.each(Object.keys(damage))(
    'with %s: the app says so and offers backups, the CLI says so, the file is not touched',
    async (kind) => {
      const dir = folder('damaged');
      const store = openStore(dir);
      const study = store.studies.ensureOne();
      for (let i = 0; i < 300; i++)
        store.subjects.create(study.id, subjectFields.parse({ code: `S${i}`, notes: 'n'.repeat(500) }));
      store.db.pragma('wal_checkpoint(TRUNCATE)');
      store.close();
      const file = path.join(dir, 'pulse-studio.db');
      fs.writeFileSync(file, damage[kind]!(fs.readFileSync(file)));
      const before = sha256(file);

      const app = await start(dir);
      expect(app.output).toMatch(/The data folder has a problem: The database .* is damaged/);
      const info = await app.value('app:info');
      expect(info.problem).toMatchObject({ kind: 'damaged' });
      expect(await app.call('subjects:list', { studyId: 1 })).toMatchObject({
        ok: false,
        error: { code: 'storage', message: expect.stringMatching(/damaged/) },
      });
      expect(await app.value('backups:list')).toMatchObject({ backups: [] });
      await app.stop();

      const cli = await runNode(['main/cli/pulse-studio.ts', 'export', '--out', dir], { PULSE_STUDIO_DATA_DIR: dir });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/^pulse-studio: The database .* is damaged\. It was not changed/);
      expect(cli.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(sha256(file)).toBe(before);
    },
  );
});

describe('two Pulse Studios on one data folder', () => {
  test('the second is refused with who has the folder, and the first one’s recording is untouched', async () => {
    const dir = folder('two');
    const first = await start(dir);
    const { sessionId } = await recordFor(first, 'TWO-1', 1);

    const refused = await AppProcess.start(dir).then(
      () => null,
      (error: { code: number; output: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.output).toMatch(
      new RegExp(`in use by another Pulse Studio \\(browser mode, process ${first.child.pid}`),
    );
    const cli = await runNode(['main/cli/pulse-studio.ts', 'export', '--out', dir], { PULSE_STUDIO_DATA_DIR: dir });
    expect(cli).toMatchObject({ code: 1, stderr: expect.stringMatching(/in use by another Pulse Studio/) });

    await first.value('recording:append-frames', { sessionId, ...pulsingChunk(30, 30, 72) });
    const stopped = await first.value('recording:stop', { sessionId });
    expect(stopped.session).toMatchObject({ status: 'complete', frameCount: 60 });
  });
});
