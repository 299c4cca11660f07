import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CHANNELS, type Channel } from '../../common/ipc/channels.ts';
import type { Result } from '../../common/ipc/result.ts';
import { CROP_BYTES } from '../../common/capture.ts';
import { ModelRegistry } from '../models/model-registry.ts';
import { Recorder } from '../recording/recorder.ts';
import { openStore, type Store } from '../store/index.ts';
import { createDispatch, type Dispatch } from './dispatch.ts';
import { createHandlers } from './handlers.ts';

let dir: string;
let store: Store;
let dispatch: Dispatch;
const logged: string[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-ipc-'));
  store = openStore(dir, { actor: 'tester' });
  store.studies.ensureOne();
  const appInfo = {
    version: 'test',
    dataDir: dir,
    platform: 'linux',
    shell: 'browser' as const,
    recoveredSessionIds: [],
  };
  const models = new ModelRegistry({ db: store.db, audit: store.audit, dataDir: store.dataDir });
  dispatch = createDispatch(
    createHandlers({ store, recorder: new Recorder(store, 'test'), models, appInfo }),
    (message) => logged.push(message),
  );
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
  'studies:create': [
    undefined,
    {},
    { name: 42 },
    { name: TEN_MB },
    { name: 'ok', contact: TEN_MB },
    { name: 'ok', admin: true },
  ],
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
  'sessions:list': [undefined, { subjectId: 'x' }],
  'sessions:get': [{ id: 0 }, { id: TEN_MB }],
  'sessions:results': [{}, { sessionId: -3 }, { sessionId: 1, extra: true }],
  'sessions:overview': [{}, { subjectId: 0 }],
  'sessions:signal': [{}, { sessionId: 1.5 }, { sessionId: '../1' }],
  'sessions:update-notes': [{ sessionId: 1 }, { sessionId: 1, notes: TEN_MB }, { sessionId: 1, notes: 5 }],
  'sessions:reanalyze': [
    {},
    { sessionId: 'all' },
    { sessionId: 1, settings: { hrBandBpm: [100, 110] } },
    { sessionId: 1, settings: { hrBandBpm: [10, 300] } },
    { sessionId: 1, settings: { windowS: 2 } },
    { sessionId: 1, settings: { method: 'sspd-v9' } },
  ],
  'sessions:void': [{ sessionId: 1 }, { sessionId: 1, reason: '   ' }, { sessionId: 1, reason: 'x'.repeat(501) }],
  'sessions:restore': [{}, { sessionId: -1 }],
  'sessions:delete-empty': [{}, { sessionId: 'x' }],
  'sessions:choose-version': [{ sessionId: 1 }, { sessionId: 1, version: 0 }, { sessionId: 1, version: 'latest' }],
  'markers:update': [{ markerId: 1 }, { markerId: 1, label: '' }, { markerId: 1, label: TEN_MB }],
  'recording:start': [
    undefined,
    { subjectId: 1, notes: TEN_MB },
    { subjectId: 1, fps: -30 },
    { subjectId: 1, cameraLabel: 5 },
  ],
  'recording:append-frames': [
    { sessionId: 1 },
    { sessionId: 1, timestampsMs: [1, 2], faceFound: [1, 1], crops: [] },
    { sessionId: 1, timestampsMs: new Float64Array(0), faceFound: new Uint8Array(0), crops: new Uint8Array(0) },
    {
      sessionId: 1,
      timestampsMs: new Float64Array(2),
      faceFound: new Uint8Array(1),
      crops: new Uint8Array(2 * CROP_BYTES),
    },
    {
      sessionId: 1,
      timestampsMs: new Float64Array(2),
      faceFound: new Uint8Array(2),
      crops: new Uint8Array(CROP_BYTES),
    },
    {
      sessionId: 1,
      timestampsMs: new Float64Array(300),
      faceFound: new Uint8Array(300),
      crops: new Uint8Array(300 * CROP_BYTES),
    },
  ],
  'recording:append-video': [
    { sessionId: 1, bytes: 'AAAA' },
    { sessionId: 1, bytes: new Uint8Array(17 * 1024 * 1024) },
  ],
  'recording:add-marker': [
    { sessionId: 1, tS: -1, label: 'x' },
    { sessionId: 1, tS: 1, label: '' },
    { sessionId: 1, tS: 1, label: TEN_MB },
  ],
  'recording:stop': [{}, { sessionId: '1' }],
  'recording:stop-progress': [{}, { sessionId: 0 }],
  'models:list': [{ all: true }],
  'models:import': [
    { fileName: 'm.onnx' },
    { fileName: '', bytes: new Uint8Array(4) },
    { fileName: 'm.onnx', bytes: new Uint8Array(0) },
    { fileName: 'm.onnx', bytes: new Uint8Array(25 * 1024 * 1024) },
    { fileName: 'm.onnx', bytes: 'AAAA' },
    { fileName: 'm.onnx', bytes: new Uint8Array(4), path: '/etc/passwd' },
  ],
  'models:download-authors': [
    undefined,
    {},
    { acceptNotice: false },
    { acceptNotice: 'yes' },
    { acceptNotice: true, url: 'http://example.com/x.pth' },
  ],
  'models:set-active': [{}, { sha256: 'abc' }, { sha256: 'A'.repeat(64) }],
  'models:remove': [{ sha256: null }, { sha256: '../'.repeat(22) }],
  'models:python-check': [{ python: '/bin/sh' }, 42],
  'models:adapt-start': [
    undefined,
    {},
    { studyId: 0 },
    { studyId: 1, steps: 0 },
    { studyId: 1, steps: 1.5 },
    { studyId: 1, steps: 1e9 },
    { studyId: 1, device: 'tpu' },
    { studyId: 1, sessionIds: ['3'] },
    { studyId: 1, python: '/bin/sh' },
  ],
  'models:adapt-status': [{}, { jobId: -2 }],
  'models:adapt-cancel': [{ jobId: 1.5 }],
  'reports:participant': [
    { destination: '/tmp' },
    { sessionId: 1, subjectId: 1, destination: '/tmp' },
    { sessionId: 1 },
    { sessionId: 1, destination: '' },
    { sessionId: 1, destination: TEN_MB },
    { sessionId: 1, destination: '/tmp', participantName: TEN_MB },
  ],
  'exports:candidates': [{}, { studyId: 'all' }],
  'exports:defaults': [{ destination: '/' }],
  'exports:choose-folder': [{}, { startIn: 5 }, { startIn: TEN_MB }],
  'exports:start': [
    { studyId: 1, sessionIds: [], destination: '/tmp' },
    { studyId: 1, sessionIds: [1], destination: '' },
    { studyId: 1, sessionIds: [1], destination: '/tmp', container: 'rar' },
    { studyId: 1, sessionIds: ['1'], destination: '/tmp' },
    { studyId: 1, sessionIds: [1], destination: '/tmp', includeBirthYear: true },
  ],
  'exports:status': [{}, { jobId: 0 }],
  'exports:cancel': [{ jobId: 'x' }],
  'imports:start': [
    undefined,
    { path: '/tmp/clip.mp4' },
    { subjectId: 1, path: '' },
    { subjectId: 1, path: '   ' },
    { subjectId: 1, path: TEN_MB },
    { subjectId: 1, path: '/tmp/clip.mp4', roi: 'cheek' },
    { subjectId: 1, path: '/tmp/clip.mp4', sessionId: 3 },
  ],
  'imports:status': [{}, { jobId: -2 }],
  'imports:cancel': [{ jobId: 1.5 }],
  'app:set-operator': [undefined, { name: 5 }, { name: TEN_MB }],
  'backups:list': [{ all: true }],
  'backups:create': [{ folder: '/tmp' }],
  'backups:preview': [{}, { name: '../pulse-studio.db' }, { name: '/etc/passwd' }, { name: TEN_MB }],
  'backups:restore': [
    { name: 'pulse-studio-20260101-000000-daily.db' },
    { name: 'pulse-studio-20260101-000000-daily.db', confirm: false },
    { name: '../x.db', confirm: true },
  ],
  'backups:settings': [
    {},
    { folder: 'relative/dir', keep: 3 },
    { folder: '', keep: 0 },
    { folder: '', keep: 1.5 },
    { folder: TEN_MB, keep: 3 },
  ],
  'sessions:verify': [{}, { sessionId: 'x' }],
  'audit:verify': [{ from: 3 }],
  'recording:disk-space': [{ fps: -1 }, { fps: 'thirty' }, { fps: 30, dir: '/' }],
  'encryption:status': [{ x: 1 }, 'secret'],
  'encryption:unlock': [
    undefined,
    {},
    { passphrase: '' },
    { passphrase: 42 },
    { passphrase: TEN_MB },
    { passphrase: 'ok', key: 'x' },
  ],
  'encryption:enable': [
    undefined,
    { passphrase: 'long enough one' },
    { passphrase: 'long enough one', confirm: 'long enough two' },
    { passphrase: TEN_MB, confirm: TEN_MB },
  ],
  'encryption:finish': [{ now: true }],
  'encryption:change-passphrase': [
    { current: '', passphrase: 'a new one!', confirm: 'a new one!' },
    { current: 'x', passphrase: 'a new one!', confirm: 'other one!' },
    { current: 'x', passphrase: 'p' },
  ],
  'encryption:disable': [undefined, { passphrase: '' }, { passphrase: ['x'] }],
  'references:list': [{}, { sessionId: 'x' }],
  'references:import': [
    { sessionId: 1, fileName: 'a.csv' },
    { sessionId: 1, fileName: '', bytes: new Uint8Array(4) },
    { sessionId: 1, fileName: 'a.csv', bytes: new Uint8Array(0) },
    { sessionId: 1, fileName: 'a.csv', bytes: new Uint8Array(65 * 1024 * 1024) },
    { sessionId: 1, fileName: 'a.csv', bytes: 'time,bpm' },
    { sessionId: 1, fileName: 'a.csv', bytes: new Uint8Array(4), format: 'xlsx' },
    { sessionId: 1, fileName: 'a.csv', bytes: new Uint8Array(4), fsHz: -250 },
    { sessionId: 1, fileName: 'a.csv', bytes: new Uint8Array(4), offsetS: 99_999 },
    { sessionId: 1, fileName: 'a.csv', bytes: new Uint8Array(4), path: '/etc/passwd' },
  ],
  'references:set-offset': [{ referenceId: 1 }, { referenceId: 1, offsetS: 'auto' }, { referenceId: 1, offsetS: 1e9 }],
  'references:remove': [{}, { referenceId: -1 }],
  'references:series': [{ referenceId: 'x' }],
  'references:agreement': [{}, { sessionId: 1, referenceId: 0 }],
  'references:study-agreement': [{}, { studyId: 1, split: 'religion' }],
  'references:live-start': [{ sessionId: 1 }, { sessionId: 1, device: '' }, { sessionId: 1, device: TEN_MB }],
  'references:live-append': [
    { referenceId: 1 },
    { referenceId: 1, packets: [] },
    { referenceId: 1, packets: [{ tMs: 1, data: [] }] },
    { referenceId: 1, packets: [{ tMs: 1, data: [256] }] },
    { referenceId: 1, packets: [{ tMs: -1, data: [0, 70] }] },
    { referenceId: 1, packets: Array.from({ length: 601 }, () => ({ tMs: 1, data: [0, 70] })) },
  ],
  'references:live-stop': [{}, { referenceId: 'all' }],
  'bluetooth:devices': [{ scan: true }],
  'bluetooth:choose': [{}, { deviceId: '' }, { deviceId: TEN_MB }],
  'protocols:list': [{}, { studyId: 'x' }],
  'protocols:create': [
    { studyId: 1, name: 'P' },
    { studyId: 1, name: '', steps: [{ name: 'a', durationS: 10 }] },
    { studyId: 1, name: 'P', steps: [] },
    { studyId: 1, name: 'P', steps: [{ name: 'a', durationS: 0 }] },
    { studyId: 1, name: 'P', steps: [{ name: 'a', durationS: 1.5 }] },
    { studyId: 1, name: 'P', steps: [{ name: 'a', durationS: 10, markers: [{ label: 'x', key: 'm' }] }] },
    {
      studyId: 1,
      name: 'P',
      steps: [
        {
          name: 'a',
          durationS: 10,
          markers: [
            { label: 'x', key: '1' },
            { label: 'y', key: '1' },
          ],
        },
      ],
    },
  ],
  'protocols:update': [
    { id: 1, name: 'P' },
    { id: 1, name: TEN_MB, steps: [{ name: 'a', durationS: 10 }] },
  ],
  'protocols:set-archived': [{ id: 1 }, { id: 1, archived: 'no' }],
  'protocols:begin': [{ sessionId: 1 }, { sessionId: 1, protocolId: 'baseline' }],
  'protocols:log': [
    { sessionId: 1, tS: 1, step: 0 },
    { sessionId: 1, tS: -1, step: 0, action: 'start' },
    { sessionId: 1, tS: 1, step: 0, action: 'rewind' },
    { sessionId: 1, tS: 1, step: 0, action: 'extend', extendS: 0 },
  ],
  'sessions:steps': [{}, { sessionId: 0 }],
  'study-db:state': [{ x: 1 }],
  'study-db:sync': [
    {},
    { url: 'mysql://db/x', mediaRoot: '/m' },
    { url: 'postgres://db/x', mediaRoot: '' },
    { url: 'postgres://db/x', mediaRoot: '/m', dryRun: 'yes' },
  ],
  'study-db:cancel': [{ now: true }],
  'study-db:jobs': [{}, { url: 'mysql://db/x' }, { url: 'postgres://db/x', password: 7 }],
  'study-db:agreement': [
    { url: 'postgres://db/x' },
    { url: 'postgres://db/x', study: ' ' },
    { url: 'postgres://db/x', study: 'S', split: 'religion' },
  ],
};

const countRows = () =>
  ['studies', 'subjects', 'sessions', 'frames', 'markers', 'models'].map(
    (t) => (store.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
  );

describe('IPC dispatch', () => {
  test('every declared channel has bad-input cases here', () => {
    expect(Object.keys(BAD_INPUTS).sort()).toEqual(Object.keys(CHANNELS).sort());
  });

  test.each(
    Object.entries(BAD_INPUTS).flatMap(([channel, inputs]) => inputs.map((input, i) => [channel, i, input] as const)),
  )('%s refuses bad input #%i with a clear error and writes nothing', async (channel, _i, input) => {
    const before = countRows();
    const result = await dispatch(channel, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.message).toMatch(/^Not accepted — /);
    // Plain words, never the schema library's ("Invalid input: expected number, received null").
    expect(result.error.message).not.toMatch(/Invalid input|expected \w+, received|Too (small|big)/);
    expect(result.error.message.length).toBeLessThan(500);
    expect(countRows()).toEqual(before);
  });

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
    expect(result.error.fields).toMatchObject({
      code: 'Enter a subject code',
      birthYear: expect.stringMatching(/between 1900/),
    });
  });

  test('passes service errors through as typed errors', async () => {
    await dispatch('subjects:create', { studyId: 1, code: 'S1' });
    expect(await dispatch('subjects:create', { studyId: 1, code: 'S1' })).toMatchObject({
      ok: false,
      error: { code: 'duplicate' },
    });
    expect(await dispatch('subjects:get', { id: 12345 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  test('records a session end to end through the channels', async () => {
    const subject = (await dispatch('subjects:create', { studyId: 1, code: 'REC-1' })) as Result<{ id: number }>;
    if (!subject.ok) throw new Error(subject.error.message);
    const started = (await dispatch('recording:start', { subjectId: subject.value.id, fps: 30 })) as Result<{
      id: number;
    }>;
    if (!started.ok) throw new Error(started.error.message);
    const sessionId = started.value.id;
    const n = 4;
    const frames = {
      sessionId,
      timestampsMs: Float64Array.from([0, 33, 67, 100]),
      faceFound: new Uint8Array(n).fill(1),
      crops: new Uint8Array(n * CROP_BYTES),
    };
    expect(await dispatch('recording:append-frames', frames)).toMatchObject({
      ok: true,
      value: { frameCount: 4, live: { hr: null } },
    });
    expect(await dispatch('recording:append-video', { sessionId, bytes: new Uint8Array(10) })).toEqual({
      ok: true,
      value: { bytes: 10 },
    });
    expect(await dispatch('subjects:delete', { id: subject.value.id, confirmSessionCount: 1 })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await dispatch('recording:add-marker', { sessionId, tS: 0.05, label: 'start task' })).toMatchObject({
      ok: true,
    });
    expect(await dispatch('recording:stop', { sessionId })).toMatchObject({
      ok: true,
      value: { session: { status: 'complete', frameCount: 4 } },
    });
    expect(await dispatch('recording:stop', { sessionId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await dispatch('sessions:list', { subjectId: subject.value.id })).toMatchObject({
      ok: true,
      value: [{ id: sessionId }],
    });
    expect(await dispatch('sessions:overview', { subjectId: subject.value.id })).toMatchObject({
      ok: true,
      value: [{ session: { id: sessionId }, stats: null }],
    });
    expect(await dispatch('sessions:results', { sessionId })).toMatchObject({
      ok: true,
      value: { session: { id: sessionId }, markers: [{ label: 'start task' }], video: { bytes: 10 }, analysis: null }, // 4 frames: too short to analyse
    });
    expect(await dispatch('sessions:signal', { sessionId })).toEqual({ ok: true, value: null });
    const marker = (await dispatch('sessions:results', { sessionId })) as Result<{ markers: { id: number }[] }>;
    if (!marker.ok) throw new Error(marker.error.message);
    await dispatch('markers:update', { markerId: marker.value.markers[0]!.id, label: 'task start' });
    await dispatch('sessions:update-notes', { sessionId, notes: 'subject yawned at 0:02' });
    await dispatch('sessions:update-notes', { sessionId, notes: 'subject yawned at 0:03' });
    expect(await dispatch('sessions:results', { sessionId })).toMatchObject({
      ok: true,
      value: {
        session: { notes: 'subject yawned at 0:03' },
        markers: [{ label: 'task start' }],
        history: [
          { what: 'marker label', oldValue: 'start task', newValue: 'task start', changedBy: 'tester' },
          { what: 'session notes', oldValue: '', newValue: 'subject yawned at 0:02' },
          { what: 'session notes', oldValue: 'subject yawned at 0:02', newValue: 'subject yawned at 0:03' },
        ],
      },
    });
    expect(await dispatch('markers:update', { markerId: 999, label: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  test('turns an unexpected failure into an internal error and logs it', async () => {
    store.close();
    const result = await dispatch('studies:list', undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(logged.at(-1)).toContain('studies:list');
    store = openStore(dir);
  });
});

describe('replies to hostile or unlucky calls', () => {
  test('an error reply stays small whatever the input quotes', async () => {
    const key = 'k'.repeat(1024 * 1024);
    const result = await dispatch('subjects:create', { studyId: 1, code: 'S1', [key]: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(result).length).toBeLessThan(2000);
  });

  test('refuses face flags other than the four the capture writes', async () => {
    const subject = await dispatch('subjects:create', { studyId: 1, code: 'F1' });
    const started = await dispatch('recording:start', { subjectId: (subject as { value: { id: number } }).value.id });
    const sessionId = (started as { value: { id: number } }).value.id;
    const chunk = {
      sessionId,
      timestampsMs: Float64Array.from([1, 2]),
      faceFound: Uint8Array.from([1, 255]),
      crops: new Uint8Array(2 * CROP_BYTES),
    };
    expect(await dispatch('recording:append-frames', chunk)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', fields: { faceFound: 'Face flags are 0–3' } },
    });
    expect(store.sessions.frameCount(sessionId)).toBe(0);
  });

  test('adds markers to a running recording only, never to a finished session', async () => {
    const subject = await dispatch('subjects:create', { studyId: 1, code: 'M1' });
    const started = await dispatch('recording:start', { subjectId: (subject as { value: { id: number } }).value.id });
    const sessionId = (started as { value: { id: number } }).value.id;
    await dispatch('recording:stop', { sessionId });
    expect(await dispatch('recording:add-marker', { sessionId, tS: 1, label: 'late' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(store.sessions.markers(sessionId)).toEqual([]);
  });

  test('a full database or disk is a storage error, a lock held by another program a busy one', async () => {
    store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true })}`);
    const full = await dispatch('subjects:create', { studyId: 1, code: 'BIG', notes: 'y'.repeat(10_000) }); // overflow pages
    expect(full).toMatchObject({
      ok: false,
      error: { code: 'storage', message: expect.stringMatching(/disk is full/) },
    });
    store.db.pragma('max_page_count = 1073741823');
    const other = new Database(path.join(dir, 'pulse-studio.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const locked = await dispatch('studies:create', { name: 'Locked out' });
      expect(locked).toMatchObject({
        ok: false,
        error: { code: 'busy', message: expect.stringMatching(/locked by another program/) },
      });
    } finally {
      other.close();
    }
    expect(await dispatch('studies:create', { name: 'Locked out' })).toMatchObject({ ok: true });
  });
});
