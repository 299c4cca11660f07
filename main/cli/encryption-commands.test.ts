import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { webmVideo } from '../../testing/media.ts';
import { VIDEO_FILE } from '../store/data-dir.ts';
import { openTestData } from '../../testing/sessions.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const CLI = path.join(ROOT, 'main', 'cli', 'pulse-studio.ts');

let dir: string;
let dataDir: string;
let video: { file: string; bytes: Buffer };
const files = { pass: '', wrong: '', next: '' };

/** The CLI on the test folder, with no terminal (stdin closed) and none of the developer's passphrase variables. */
async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = {
    ...process.env,
    PULSE_STUDIO_DATA_DIR: dataDir,
    PULSE_STUDIO_PASSPHRASE: '',
    PULSE_STUDIO_NEW_PASSPHRASE: '',
  };
  try {
    const { stdout, stderr } = await run(NODE, [CLI, ...args, '--quiet'], { cwd: ROOT, env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  const data = openTestData('pulse-cli-crypt-');
  dir = data.dir;
  dataDir = data.store.dataDir;
  const subjectId = data.subject({ code: 'P-CLI' });
  const bytes = fs.readFileSync(webmVideo(path.join(dir, 'clip.webm'), 1));
  const { sessionId } = await data.record(subjectId, 2, 70, { video: bytes });
  video = { file: path.join(data.store.sessionDir(subjectId, sessionId), VIDEO_FILE), bytes };
  data.recorder.interruptAll();
  data.store.close();
  for (const [name, text] of Object.entries({
    pass: 'lab passphrase one\n',
    wrong: 'not the passphrase\n',
    next: 'lab passphrase two\n',
  })) {
    files[name as keyof typeof files] = path.join(dir, `${name}.txt`);
    fs.writeFileSync(files[name as keyof typeof files], text);
  }
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('pulse-studio on an encrypted data folder', () => {
  test('encrypt, then every command asks for the passphrase, refuses a wrong one, works with the right one; decrypt restores the clear files', async () => {
    const encrypted = await cli(['encrypt', '--passphrase-file', files.pass]);
    expect(encrypted.code, encrypted.stderr).toBe(0);
    expect(encrypted.stdout).toMatch(/Encryption: on/);
    expect(fs.readFileSync(video.file).equals(video.bytes)).toBe(false);

    const noPassphrase = await cli(['verify']);
    expect(noPassphrase.code).toBe(2);
    expect(noPassphrase.stderr).toMatch(
      /This data folder is encrypted: its passphrase is needed\. Give it with --passphrase-file FILE/,
    );
    const wrong = await cli(['verify', '--passphrase-file', files.wrong]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/That passphrase does not open this data folder/);

    const verified = await cli(['verify'], { PULSE_STUDIO_PASSPHRASE: 'lab passphrase one' });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/Everything checked out\.\nEncryption: on/);

    // An export of an encrypted folder holds the video as recorded (decrypted, every piece authenticated).
    const out = path.join(dir, 'exports');
    fs.mkdirSync(out);
    const exported = await cli([
      'export',
      '--out',
      out,
      '--folder',
      '--video',
      'include',
      '--json',
      '--passphrase-file',
      files.pass,
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const exportDir = (JSON.parse(exported.stdout) as { path: string }).path;
    const copies = fs
      .readdirSync(exportDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('_video.webm'));
    expect(copies).toHaveLength(1);
    expect(fs.readFileSync(path.join(exportDir, copies[0]!)).equals(video.bytes)).toBe(true);
    // The decrypted copy it was made from is gone from the work folder.
    const work = path.join(dataDir, 'tmp');
    expect(
      fs.existsSync(work)
        ? fs.readdirSync(work, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
        : [],
    ).toEqual([]);

    // A video imported into the encrypted folder is stored encrypted, and its checksums verify.
    const imported = await cli([
      'import',
      path.join(dir, 'clip.webm'),
      '--subject',
      'P-CLI',
      '--roi',
      'full',
      '--model',
      'none',
      '--json',
      '--passphrase-file',
      files.pass,
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    const { sessionId, subjectId } = JSON.parse(imported.stdout) as { sessionId: number; subjectId: number };
    const crops = fs.readFileSync(
      path.join(dataDir, 'subjects', String(subjectId), 'sessions', String(sessionId), 'crops.roi'),
    );
    expect(crops.subarray(0, 6).toString()).toBe('PSSEAL');
    expect((await cli(['verify', '--passphrase-file', files.pass])).stdout).toMatch(
      /Media: 2 sessions, 3 files match their checksums, 0 changed, 0 missing, 0 damaged/,
    );

    const changed = await cli([
      'change-passphrase',
      '--passphrase-file',
      files.pass,
      '--new-passphrase-file',
      files.next,
    ]);
    expect(changed.code, changed.stderr).toBe(0);
    expect((await cli(['verify', '--passphrase-file', files.pass])).code).toBe(1);

    const decrypted = await cli(['decrypt', '--passphrase-file', files.next]);
    expect(decrypted.code, decrypted.stderr).toBe(0);
    expect(decrypted.stdout).toMatch(/Encryption: off/);
    expect(fs.readFileSync(video.file).equals(video.bytes)).toBe(true);
    expect((await cli(['verify'])).code).toBe(0);
  }, 120_000);
});
