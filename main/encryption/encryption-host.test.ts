// The app host on an encrypted folder, through its dispatch as the UI calls it: turning encryption on while the
// app runs, the passphrase at start (wrong, then right), backups and restore with the key, turning it off.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Result } from '../../common/ipc/result.ts';
import { openApp, type AppHost } from '../app-host.ts';
import { isPlainDatabase } from '../crypto/sqlcipher.ts';

let dir: string;
let host: AppHost | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-host-crypt-'));
});
afterEach(() => {
  host?.close();
  host = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

const open = () =>
  (host = openApp({
    dataDir: dir,
    identity: { version: 'test', platform: 'linux', shell: 'browser' },
    holder: 'a test',
    log: () => undefined,
  }));
const restart = () => (host?.close(), open());

async function call<T = Record<string, any>>(channel: string, input?: unknown): Promise<T> {
  const result = (await host!.dispatch(channel, input)) as Result<T>;
  if (!result.ok)
    throw Object.assign(new Error(result.error.message), { code: result.error.code, fields: result.error.fields });
  return result.value;
}

const codes = async () =>
  (await call<{ code: string }[]>('subjects:list', { studyId: 1, includeArchived: true })).map((s) => s.code);
const PASS = 'clinic laptop passphrase';

describe('encryption in the app', () => {
  test('turned on while the app runs, asked for at the next start, refused when wrong, and turned off again', async () => {
    open();
    await call('subjects:create', { studyId: 1, code: 'ENC-1' });
    await expect(call('encryption:enable', { passphrase: PASS, confirm: 'something else' })).rejects.toMatchObject({
      code: 'invalid_input',
      fields: { confirm: 'The two passphrases differ' },
    });
    await expect(call('encryption:enable', { passphrase: 'short', confirm: 'short' })).rejects.toMatchObject({
      code: 'invalid_input',
      fields: { passphrase: expect.stringMatching(/At least 8/) },
    });
    expect(await call('encryption:status')).toMatchObject({ state: 'plain', database: 'plain' });

    expect(await call('encryption:enable', { passphrase: PASS, confirm: PASS })).toMatchObject({
      state: 'encrypted',
      database: 'encrypted',
      progress: null,
    });
    // The app goes on, on the encrypted database, and the change is in the audit trail.
    expect(await codes()).toEqual(['ENC-1']);
    const backup = await call<{ name: string }>('backups:create');
    expect(isPlainDatabase(path.join(dir, 'backups', backup.name))).toBe(false);
    await call('subjects:create', { studyId: 1, code: 'ENC-2' });
    expect(
      host!.services!.store.db.prepare("SELECT count(*) AS n FROM audit_trail WHERE action = 'encrypt'").get(),
    ).toEqual({ n: 1 });

    restart();
    const info = await call('app:info');
    expect(info.problem).toMatchObject({
      kind: 'locked',
      message: 'This data folder is encrypted. Enter its passphrase to open it.',
    });
    await expect(codes()).rejects.toMatchObject({ code: 'storage', message: expect.stringMatching(/encrypted/) });
    await expect(call('encryption:unlock', { passphrase: 'clinic laptop passfrase' })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/does not open this data folder.*nothing was changed/),
    });
    expect((await call('app:info')).problem).toMatchObject({ kind: 'locked' });
    expect(await call('encryption:unlock', { passphrase: PASS })).toEqual({ unlocked: true });
    expect((await call('app:info')).problem).toBeNull();
    expect(await codes()).toEqual(['ENC-1', 'ENC-2']);

    // A backup of the encrypted folder previews and restores with the folder's key.
    expect(await call('backups:preview', { name: backup.name })).toMatchObject({ intact: true, subjects: 1 });
    await call('backups:restore', { name: backup.name, confirm: true });
    expect(await codes()).toEqual(['ENC-1']);

    await expect(
      call('encryption:change-passphrase', {
        current: 'wrong one',
        passphrase: 'new lab passphrase',
        confirm: 'new lab passphrase',
      }),
    ).rejects.toMatchObject({ code: 'forbidden', fields: { current: 'Wrong passphrase' } });
    await call('encryption:change-passphrase', {
      current: PASS,
      passphrase: 'new lab passphrase',
      confirm: 'new lab passphrase',
    });
    await expect(call('encryption:disable', { passphrase: PASS })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await call('encryption:disable', { passphrase: 'new lab passphrase' })).toMatchObject({
      state: 'plain',
      database: 'plain',
      backups: { encrypted: 0 },
    });
    expect(await codes()).toEqual(['ENC-1']);

    restart();
    expect((await call('app:info')).problem).toBeNull();
    expect(await codes()).toEqual(['ENC-1']);
  }, 60_000);
});
