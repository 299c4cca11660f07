import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CHANNELS, type Channel } from '../../common/ipc/channels.ts';
import type { Result } from '../../common/ipc/result.ts';
import { openStore, type Store } from '../store/index.ts';
import { createDispatch, type Dispatch } from './dispatch.ts';
import { createHandlers } from './handlers.ts';

let dir: string;
let store: Store;
let dispatch: Dispatch;
const logged: string[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-ipc-'));
  store = openStore(dir);
  store.studies.ensureOne();
  const appInfo = { version: 'test', dataDir: dir, platform: 'linux', shell: 'browser' as const };
  dispatch = createDispatch(createHandlers({ store, appInfo }), (message) => logged.push(message));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const TEN_MB = 'x'.repeat(10 * 1024 * 1024);

/** Inputs that must be refused by each channel; `undefined` stands for "no input" where one is required. */
const BAD_INPUTS: Record<Channel, unknown[]> = {
  'app:info': [{ extra: 1 }, TEN_MB],
  'studies:list': [{ x: 1 }, 42],
  'studies:create': [undefined, {}, { name: 42 }, { name: TEN_MB }, { name: 'ok', contact: TEN_MB }, { name: 'ok', admin: true }],
  'studies:update': [{ name: 'x' }, { id: 'one', name: 'x' }, { id: 1, name: TEN_MB }],
  'subjects:list': [undefined, {}, { studyId: -1 }, { studyId: 1, search: TEN_MB }, { studyId: 1.5 }],
  'subjects:get': [undefined, { id: '1' }, { id: null }],
  'subjects:create': [
    undefined,
    { studyId: 1 },
    { studyId: 1, code: '' },
    { studyId: 1, code: '   ' },
    { studyId: 1, code: TEN_MB },
    { studyId: 1, code: '../../x' },
    { studyId: 1, code: 'S1', birthYear: 1850 },
    { studyId: 1, code: 'S1', birthYear: 3000 },
    { studyId: 1, code: 'S1', birthYear: '1980' },
    { studyId: 1, code: 'S1', sex: 'unicorn' },
    { studyId: 1, code: 'S1', skinType: 7 },
    { studyId: 1, code: 'S1', consentDate: '2026-02-30' },
    { studyId: 1, code: 'S1', notes: TEN_MB },
    [1, 2, 3],
    'S1',
  ],
  'subjects:update': [{ code: 'S1' }, { id: 1, code: 42 }, { id: 1, code: 'S1', notes: TEN_MB }],
  'subjects:set-archived': [{ id: 1 }, { id: 1, archived: 'yes' }],
  'subjects:delete': [{}, { id: 1, confirmSessionCount: -1 }, { id: 1, confirmSessionCount: 'all' }],
};

const countRows = () =>
  ['studies', 'subjects', 'sessions'].map((t) => (store.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);

describe('IPC dispatch', () => {
  test('every declared channel has bad-input cases here', () => {
    expect(Object.keys(BAD_INPUTS).sort()).toEqual(Object.keys(CHANNELS).sort());
  });

  test.each(Object.entries(BAD_INPUTS).flatMap(([channel, inputs]) => inputs.map((input, i) => [channel, i, input] as const)))(
    '%s refuses bad input #%i with a clear error and writes nothing',
    async (channel, _i, input) => {
      const before = countRows();
      const result = await dispatch(channel, input);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.message).toMatch(/^Invalid input — /);
      expect(result.error.message.length).toBeLessThan(500);
      expect(countRows()).toEqual(before);
    },
  );

  test('refuses an unknown channel without echoing a huge name', async () => {
    const result = await dispatch(`nope:${TEN_MB}`, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(JSON.stringify(result).length).toBeLessThan(300);
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await dispatch('toString', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  test('keeps working after bad input: a valid create still succeeds', async () => {
    await dispatch('subjects:create', { studyId: 1, code: TEN_MB });
    const created = (await dispatch('subjects:create', { studyId: 1, code: '  S-7 ' })) as Result<{ code: string }>;
    expect(created).toMatchObject({ ok: true, value: { code: 'S-7' } });
  });

  test('returns field messages for a form to show', async () => {
    const result = await dispatch('subjects:create', { studyId: 1, code: '', birthYear: 1850 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.fields).toMatchObject({ code: 'Enter a subject code', birthYear: expect.stringMatching(/between 1900/) });
  });

  test('passes service errors through as typed errors', async () => {
    await dispatch('subjects:create', { studyId: 1, code: 'S1' });
    expect(await dispatch('subjects:create', { studyId: 1, code: 'S1' })).toMatchObject({ ok: false, error: { code: 'duplicate' } });
    expect(await dispatch('subjects:get', { id: 12345 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  test('turns an unexpected failure into an internal error and logs it', async () => {
    store.close();
    const result = await dispatch('studies:list', undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(logged.at(-1)).toContain('studies:list');
    store = openStore(dir);
  });
});
