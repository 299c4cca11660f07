// kill -9 of `pulse-studio encrypt` while it rewrites a large video (the database already swapped, the video's copy
// half written): every file stays whole and readable with the passphrase, `verify` passes and says the encryption
// is not finished, and running the command again finishes it. Every other stopping point: convert-folder.test.ts.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { readMedia } from '../main/crypto/media-io.ts';
import { unlockFolder } from '../main/store/folder-key.ts';
import { VIDEO_FILE } from '../main/store/data-dir.ts';
import { Recorder } from '../main/recording/recorder.ts';
import { openStore } from '../main/store/index.ts';
import { NODE, runNode } from './app-process.ts';
import { eventually, scenarios } from './helpers.ts';
import { pulsingChunk } from './frames.ts';

const { folder } = scenarios();
const CLI = path.resolve(import.meta.dirname, '..', 'main', 'cli', 'pulse-studio.ts');
const VIDEO_MB = 96;

/** A data folder with one recorded session whose video is large enough to be caught mid-conversion. */
async function folderWithVideo(dir: string): Promise<{ video: string; sha: string }> {
  const store = openStore(dir);
  const recorder = new Recorder(store, 'fault');
  const subject = store.subjects.create(store.studies.ensureOne().id, {
    code: 'KILL-ENC',
    birthYear: null,
    sex: 'unknown',
    skinType: null,
    notes: '',
    consentDate: null,
    consentVersion: null,
  });
  const session = await recorder.start({
    subjectId: subject.id,
    cameraLabel: 'cam',
    width: 640,
    height: 480,
    fps: 30,
    notes: '',
  });
  for (let f = 0; f < 60; f += 30) recorder.appendFrames(session.id, pulsingChunk(f, 30, 72));
  const hash = crypto.createHash('sha256');
  for (let i = 0; i < VIDEO_MB / 16; i++) {
    const piece = crypto.randomBytes(16 << 20);
    hash.update(piece);
    recorder.appendVideo(session.id, piece);
  }
  await recorder.stop(session.id);
  const video = path.join(store.sessionDir(subject.id, session.id), VIDEO_FILE);
  store.close();
  return { video, sha: hash.digest('hex') };
}

test('kill -9 while encrypting: every file whole, verify passes, the next run finishes', async () => {
  const dir = folder('kill-encrypt');
  const { video, sha } = await folderWithVideo(dir);
  const secret = path.join(dir, '..', `${path.basename(dir)}.pass`);
  fs.writeFileSync(secret, 'fault test passphrase\n');
  const env = { PULSE_STUDIO_DATA_DIR: dir, PULSE_STUDIO_PASSPHRASE: '' };
  try {
    // Caught while the video's encrypted copy is being written: the old file is all there is of it.
    const child = spawn(NODE, [CLI, 'encrypt', '--passphrase-file', secret, '--quiet'], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const copy = `${video}.converting`;
    expect(await eventually(() => (fs.statSync(copy, { throwIfNoEntry: false })?.size ?? 0) > 8 << 20, 600)).toBe(true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const { keys } = await unlockFolder(dir, 'fault test passphrase');
    expect(crypto.createHash('sha256').update(readMedia(video, keys.media)).digest('hex')).toBe(sha);
    const verify = await runNode([CLI, 'verify', '--passphrase-file', secret], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/Encryption: encrypting, NOT FINISHED \(run pulse-studio encrypt again\)/);

    const again = await runNode([CLI, 'encrypt', '--passphrase-file', secret, '--quiet'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Encryption: on/);
    expect(fs.existsSync(copy)).toBe(false);
    expect(crypto.createHash('sha256').update(readMedia(video, keys.media)).digest('hex')).toBe(sha);
    expect((await runNode([CLI, 'verify', '--passphrase-file', secret], env)).code).toBe(0);
  } finally {
    fs.rmSync(secret, { force: true });
  }
});
