// Opening a data folder safely: one Pulse Studio per folder, a read-only integrity check that never writes into
// a damaged file, leftovers of a killed run cleared, and owner-only permissions.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { subjectFields } from '../../common/subjects.ts';
import { DATABASE_FILE } from './data-dir.ts';
import { DataFolderError, openStore } from './index.ts';
import { notePartial, workFolder } from './work-folder.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-folder-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function problemOf(open: () => unknown): DataFolderError {
  try {
    open();
  } catch (error) {
    if (error instanceof DataFolderError) return error;
    throw error;
  }
  throw new Error('expected the data folder to be refused');
}

/** A database with a few hundred subjects, checkpointed so every page is in the main file. */
function seeded(): string {
  const store = openStore(dir);
  const study = store.studies.ensureOne();
  for (let i = 0; i < 300; i++)
    store.subjects.create(study.id, subjectFields.parse({ code: `S${i}`, notes: 'n'.repeat(500) }));
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return path.join(dir, DATABASE_FILE);
}

describe('one Pulse Studio per data folder', () => {
  test('a second process is refused with who holds the folder; the lock dies with a killed holder', async () => {
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
      import { openStore } from ${JSON.stringify(path.resolve('main/store/index.ts'))};
      // Kept referenced: a collected store would close its lock with it.
      globalThis.store = openStore(${JSON.stringify(dir)}, { holder: 'browser mode' });
      console.log('open');
      setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    const refused = problemOf(() => openStore(dir));
    expect(refused.problem.kind).toBe('in_use');
    expect(refused.code).toBe('busy');
    expect(refused.message).toMatch(
      new RegExp(`in use by another Pulse Studio \\(browser mode, process ${holder.pid}`),
    );
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    openStore(dir).close();
  });

  test('within one process too, until the first store is closed', () => {
    const first = openStore(dir);
    expect(problemOf(() => openStore(dir)).problem.kind).toBe('in_use');
    first.close();
    openStore(dir).close();
  });
});

describe('a damaged database', () => {
  const damage: Record<string, (bytes: Buffer) => Buffer> = {
    'a corrupted middle page': (b) => Buffer.from(b).fill(0x5a, 4096 * 20, 4096 * 21),
    'a file cut in half': (b) => b.subarray(0, Math.floor(b.length / 2)),
    'a damaged header': (b) => Buffer.from(b).fill(0, 0, 100),
  };
  test.each(Object.keys(damage))(
    'with %s is refused with what the check found, and its bytes stay as they were',
    (kind) => {
      const file = seeded();
      fs.writeFileSync(file, damage[kind]!(fs.readFileSync(file)));
      const before = sha256(file);
      const refused = problemOf(() => openStore(dir));
      expect(refused.problem).toMatchObject({
        kind: 'damaged',
        message: expect.stringMatching(/is damaged\. It was not changed/),
      });
      expect(refused.problem.details.join('\n')).toMatch(/page|malformed|not a database/i);
      expect(sha256(file)).toBe(before);
      // Refused again at the next start: nothing was "repaired" behind the user's back.
      expect(problemOf(() => openStore(dir)).problem.kind).toBe('damaged');
      expect(sha256(file)).toBe(before);
    },
  );

  test('an intact database opens as before', () => {
    seeded();
    const store = openStore(dir);
    expect(store.subjects.list({ studyId: 1, search: '', includeArchived: true })).toHaveLength(300);
    store.close();
  });
});

describe('what a killed run left behind', () => {
  test('work folders and noted partial exports are removed at the next start', () => {
    const store = openStore(dir);
    const work = workFolder(dir, 'blur');
    fs.writeFileSync(path.join(work.dir, 'blurred.webm'), 'half a video');
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-dest-'));
    const partial = path.join(elsewhere, 'pulse-export-x.zip.partial');
    fs.writeFileSync(partial, 'PK half a zip');
    notePartial(dir, partial);
    fs.writeFileSync(path.join(elsewhere, 'unrelated.zip'), 'keep me');
    store.close();
    openStore(dir).close();
    expect(fs.existsSync(work.dir)).toBe(false);
    expect(fs.existsSync(partial)).toBe(false);
    expect(fs.readdirSync(elsewhere)).toEqual(['unrelated.zip']);
    fs.rmSync(elsewhere, { recursive: true });
  });
});

describe.skipIf(process.platform === 'win32')('protection at rest', () => {
  test('the folder becomes owner-only (0700) and its files 0600, links left alone', () => {
    seeded();
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, DATABASE_FILE), 0o644);
    fs.mkdirSync(path.join(dir, 'subjects', '1'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'subjects', '1', 'x.bin'), 'x', { mode: 0o644 });
    fs.symlinkSync('/etc/hostname', path.join(dir, 'link'));
    openStore(dir).close();
    const mode = (f: string) => fs.statSync(path.join(dir, f)).mode & 0o777;
    expect([mode('.'), mode(DATABASE_FILE), mode('subjects/1'), mode('subjects/1/x.bin')]).toEqual([
      0o700, 0o600, 0o700, 0o600,
    ]);
    expect(fs.statSync('/etc/hostname').mode & 0o777).not.toBe(0o600);
  });
});
