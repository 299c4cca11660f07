import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { changePassphrase, KEY_FILE, readKeyFile, unlockFolder } from '../store/folder-key.ts';
import { mediaStream, readMedia } from '../crypto/media-io.ts';
import { webmVideo } from '../../testing/media.ts';
import { mediaReply, mediaStream as replyStream } from '../media/session-media.ts';
import { sessionVideoFile } from '../store/session-video.ts';
import { verifySessionMedia } from '../media/media-checksums.ts';
import { ROI_FILE, VIDEO_FILE } from '../store/data-dir.ts';
import { Recorder } from '../recording/recorder.ts';
import { readRoiFile } from '../media/roi-file.ts';
import { openTestData, type TestData } from '../../testing/sessions.ts';
import { backupSync, listBackups, previewBackup } from '../store/backups.ts';
import { openStore, type Store } from '../store/index.ts';
import { decryptFolder, encryptFolder, finishConversion } from './convert-folder.ts';
import { encryptionStatus, fullyEncrypted } from './folder-status.ts';

/** Cheap scrypt for tests (the stored cost is what unlocking uses). */
const cost = { N: 1 << 10, r: 8, p: 1 };
const PASS = 'correct horse battery';

let data: TestData;
let dataDir: string;
let media: { roi: string; video: string };
let before: { roi: Buffer; video: Buffer; subjects: string[] };

const subjectCodes = (store: Store) =>
  store.subjects.list({ studyId: store.studies.ensureOne().id, search: '', includeArchived: true }).map((s) => s.code);

beforeEach(async () => {
  data = openTestData('pulse-encrypt-');
  dataDir = data.store.dataDir;
  const subjectId = data.subject({ code: 'P-ENCRYPT-ME', notes: 'NOTE-IN-CLEAR' });
  const video = fs.readFileSync(webmVideo(path.join(data.dir, 'clip.webm'), 1));
  const { sessionId } = await data.record(subjectId, 2, 72, { video });
  await data.record(subjectId, 2, 66);
  backupSync(data.store.db, dataDir, 'manual');
  const dir = data.store.sessionDir(subjectId, sessionId);
  media = { roi: path.join(dir, ROI_FILE), video: path.join(dir, VIDEO_FILE) };
  before = { roi: fs.readFileSync(media.roi), video: fs.readFileSync(media.video), subjects: subjectCodes(data.store) };
  data.recorder.interruptAll();
  data.store.close();
});
afterEach(() => fs.rmSync(data.dir, { recursive: true, force: true }));

/** Opens the folder with its keys (as the app does after the passphrase), runs `work`, closes it. */
async function withStore<T>(
  keys: Awaited<ReturnType<typeof encryptFolder>> | null,
  work: (store: Store) => T | Promise<T>,
): Promise<T> {
  const store = openStore(dataDir, { keys });
  try {
    return await work(store);
  } finally {
    store.close();
  }
}

/** Every file a thief could copy, searched for text that must not appear in clear. */
function clearTextFound(needle: string): string[] {
  const files = fs
    .readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
  return files.filter((f) => !f.endsWith('.log') && fs.readFileSync(f).includes(needle));
}

describe('encrypting a data folder', () => {
  test('round trip: encrypted at rest, everything readable with the passphrase, then back to plain', async () => {
    expect(clearTextFound('P-ENCRYPT-ME').length).toBeGreaterThan(0);
    const keys = await encryptFolder(dataDir, PASS, { cost });
    expect(clearTextFound('P-ENCRYPT-ME')).toEqual([]);
    expect(clearTextFound('NOTE-IN-CLEAR')).toEqual([]);
    expect(fs.readFileSync(media.video).includes(before.video.subarray(0, 64))).toBe(false);
    const status = encryptionStatus(dataDir);
    expect(status).toMatchObject({
      state: 'encrypted',
      database: 'encrypted',
      media: { plain: 0, encrypted: 4 },
      backups: { plain: 0, encrypted: 1 },
    });
    expect(fullyEncrypted(status)).toBe(true);
    // The key file holds no key in clear: only the wrapped data key, salt and cost.
    expect(Object.keys(readKeyFile(dataDir).kdf)).toEqual(['name', 'N', 'r', 'p', 'salt']);

    expect(() => openStore(dataDir)).toThrow(
      expect.objectContaining({ problem: expect.objectContaining({ kind: 'locked' }) }),
    );
    await withStore(keys, async (store) => {
      expect(subjectCodes(store)).toEqual(before.subjects);
      expect(readMedia(media.roi, store.mediaKey).equals(before.roi)).toBe(true);
      expect(readRoiFile(media.roi, undefined, store.mediaKey).frames).toBe(60);
      const sessionId = Number(path.basename(path.dirname(media.video)));
      // Review plays the video: the decrypted bytes from any byte the player asks for.
      const file = sessionVideoFile(store, sessionId)!;
      expect(file.size).toBe(before.video.length);
      const reply = mediaReply(file, 'bytes=100-4099');
      expect(Buffer.concat(await replyStream(file, reply)!.toArray()).equals(before.video.subarray(100, 4100))).toBe(
        true,
      );
      // Checksums were taken of the content: they still match.
      expect(await verifySessionMedia(store, sessionId)).toMatchObject({ ok: true });
      // Re-analysis reads the encrypted crops.
      const recorder = new Recorder(store, 'test');
      expect(await recorder.reanalyze(sessionId)).toMatchObject({ version: 2 });
      // New recordings in an encrypted folder are encrypted as they are written.
      const started = await recorder.start({
        subjectId: store.sessions.get(sessionId).subjectId,
        cameraLabel: 'cam',
        width: 640,
        height: 480,
        fps: 30,
        notes: '',
      });
      recorder.appendVideo(started.id, Buffer.from('NEW-VIDEO-BYTES'));
      await recorder.stop(started.id);
      const newVideo = path.join(store.sessionDir(started.subjectId, started.id), VIDEO_FILE);
      expect(fs.readFileSync(newVideo).includes('NEW-VIDEO-BYTES')).toBe(false);
      expect(Buffer.concat(await mediaStream(newVideo, store.mediaKey).toArray()).toString()).toBe('NEW-VIDEO-BYTES');
      // Backups of an encrypted folder are encrypted with the same key, and preview with it.
      const made = backupSync(store.db, dataDir, 'manual');
      expect(previewBackup(dataDir, made.name, store.db, keys.database)).toMatchObject({ intact: true, subjects: 1 });
    });
    expect(clearTextFound('P-ENCRYPT-ME')).toEqual([]);

    await decryptFolder(dataDir, PASS);
    expect(fs.existsSync(path.join(dataDir, KEY_FILE))).toBe(false);
    expect(encryptionStatus(dataDir)).toMatchObject({
      state: 'plain',
      database: 'plain',
      media: { encrypted: 0 },
      backups: { encrypted: 0 },
    });
    expect(fs.readFileSync(media.video).equals(before.video)).toBe(true);
    expect(fs.readFileSync(media.roi).equals(before.roi)).toBe(true);
    await withStore(null, (store) => expect(subjectCodes(store)).toEqual(before.subjects));
  });

  test('a wrong passphrase opens nothing and changes nothing', async () => {
    await encryptFolder(dataDir, PASS, { cost });
    const snapshot = fs.readFileSync(media.video);
    await expect(unlockFolder(dataDir, 'wrong passphrase')).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/does not open this data folder/),
    });
    await expect(decryptFolder(dataDir, 'wrong passphrase')).rejects.toMatchObject({ code: 'forbidden' });
    expect(readKeyFile(dataDir).state).toBe('encrypted');
    expect(fs.readFileSync(media.video).equals(snapshot)).toBe(true);
  });

  test('a new passphrase replaces the old one without rewriting the data', async () => {
    await encryptFolder(dataDir, PASS, { cost });
    const snapshot = fs.readFileSync(media.roi);
    await expect(changePassphrase(dataDir, 'not it', 'a whole new passphrase')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await changePassphrase(dataDir, PASS, 'a whole new passphrase');
    await expect(unlockFolder(dataDir, PASS)).rejects.toMatchObject({ code: 'forbidden' });
    const { keys } = await unlockFolder(dataDir, 'a whole new passphrase');
    expect(fs.readFileSync(media.roi).equals(snapshot)).toBe(true);
    await withStore(keys, (store) => expect(subjectCodes(store)).toEqual(before.subjects));
  });

  test('a damaged key file is reported as such, never as a wrong passphrase', async () => {
    await encryptFolder(dataDir, PASS, { cost });
    fs.writeFileSync(path.join(dataDir, KEY_FILE), '{"format":"pulse-studio-encryption","version":1');
    await expect(unlockFolder(dataDir, PASS)).rejects.toMatchObject({
      code: 'storage',
      message: expect.stringMatching(/key file .* cannot be read/),
    });
  });

  test('stopped before any swap, after some, or just before the last: the old data stays whole and a second run finishes', async () => {
    const swaps = 1 + 1 + 4; // database, one backup, four media files (the second session has an empty video)
    for (let stopAt = 0; stopAt < swaps; stopAt++) {
      let seen = 0;
      const beforeSwap = () => {
        if (seen++ === stopAt) throw new Error('power cut');
      };
      await expect(encryptFolder(dataDir, PASS, { cost, beforeSwap })).rejects.toThrow('power cut');
      const status = encryptionStatus(dataDir);
      expect(status.state).toBe('encrypting');
      expect(status.media.encrypted + status.backups.encrypted + (status.database === 'encrypted' ? 1 : 0)).toBe(
        stopAt,
      );
      // Mixed formats read as one folder: the same subjects, the same media.
      const { keys } = await unlockFolder(dataDir, PASS);
      await withStore(keys, (store) => {
        expect(subjectCodes(store)).toEqual(before.subjects);
        expect(readMedia(media.video, store.mediaKey).equals(before.video)).toBe(true);
        expect(readMedia(media.roi, store.mediaKey).equals(before.roi)).toBe(true);
      });
      expect(fs.readdirSync(path.dirname(media.video)).filter((n) => n.endsWith('.converting'))).toEqual([]);
      expect(listBackups(dataDir)).toHaveLength(1);
      await decryptFolder(dataDir, PASS);
      expect(encryptionStatus(dataDir).state).toBe('plain');
    }
    const keys = await encryptFolder(dataDir, PASS, { cost, beforeSwap: () => undefined });
    expect(await finishConversion(dataDir, keys)).toBe('encrypted');
    expect(fullyEncrypted(encryptionStatus(dataDir))).toBe(true);
  });

  test('a damaged encrypted file stops the conversion with a clear error and nothing else changes', async () => {
    const keys = await encryptFolder(dataDir, PASS, { cost });
    const bytes = fs.readFileSync(media.video);
    bytes[bytes.length - 20]! ^= 1;
    fs.writeFileSync(media.video, bytes);
    await expect(decryptFolder(dataDir, PASS)).rejects.toMatchObject({
      code: 'damaged',
      message: expect.stringMatching(/video\.webm is damaged or was altered/),
    });
    expect(fs.readFileSync(media.video).equals(bytes)).toBe(true);
    const sessionId = Number(path.basename(path.dirname(media.video)));
    await withStore(keys, async (store) => {
      expect(sessionVideoFile(store, sessionId)!.size).toBe(before.video.length);
      expect(await verifySessionMedia(store, sessionId)).toMatchObject({
        ok: false,
        files: expect.arrayContaining([expect.objectContaining({ file: VIDEO_FILE, state: 'damaged' })]),
      });
    });
  });
});
