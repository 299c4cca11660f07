// A full disk, for real: a tmpfs in a private mount namespace, taken by a preallocated file (unshare, no root needed
// where user namespaces are allowed). The recording stops with "the disk is full", keeps what was stored, is closed
// once space is free, and a start on a full disk shows a message instead of crashing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { NODE } from './app-process.ts';
import { tempFolder } from './helpers.ts';

const canMount = process.platform === 'linux' && spawnSync('unshare', ['-Urm', 'true']).status === 0;

test.skipIf(!canMount)('recording onto a full disk, then starting on one', () => {
  const root = tempFolder('full');
  try {
    const run = spawnSync(
      'unshare',
      [
        '-Urm',
        'sh',
        '-c',
        'mount -t tmpfs -o size=600m tmpfs "$1" && exec "$2" faults/scenarios/full-disk.ts "$1/data"',
        'sh',
        root,
        NODE,
      ],
      {
        encoding: 'utf8',
        timeout: 50_000,
      },
    );
    const seen = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(seen.appendError, run.stderr).toMatchObject({
      code: 'storage',
      message: expect.stringMatching(/recording was stopped and everything before is kept: the disk is full/),
    });
    expect(seen.acknowledged).toBeGreaterThan(0);
    // Stop closes the session as interrupted — at once when the database still has room, else once space is
    // freed, after telling the user why it could not.
    const closing = seen.stopOnFullDisk.ok ? seen.stopOnFullDisk : seen.stopAfterFreeing;
    if (!seen.stopOnFullDisk.ok)
      expect(seen.stopOnFullDisk.error).toMatchObject({
        code: 'storage',
        message: expect.stringMatching(/disk is full/),
      });
    expect(closing).toMatchObject({ ok: true, value: { session: { status: 'interrupted' } } });
    expect(seen.session.value.frameCount).toBe(seen.acknowledged);
    // A start on a full disk: no crash, no stack trace; the app opens or names the problem.
    expect(seen.restart.started, seen.restart.output).toBe(true);
    expect(seen.restartOutput).not.toMatch(/\n\s+at /);
    const problem = seen.restart.info.value.problem;
    if (problem)
      expect(problem).toMatchObject({
        kind: 'storage',
        message: expect.stringMatching(/disk is full|not writable|read or write error/),
      });
    else expect(seen.restart.sessions.value).toMatchObject([{ status: 'interrupted', frameCount: seen.acknowledged }]);
  } finally {
    fs.rmSync(path.join(root), { recursive: true, force: true });
  }
});
