// The hash-chained audit trail: every change through the channels lands in it with who, when and old → new,
// the table refuses edits, and verify finds entries changed or removed behind the app's back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Result } from '../../common/ipc/result.ts';
import { pulsingChunk } from '../../testing/frames.ts';
import { openServices, type MainServices } from '../services.ts';

let dir: string;
let services: MainServices;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-audit-'));
  services = openServices(dir, { version: 'test', platform: 'linux', shell: 'browser' });
  services.store.audit.actor = 'dr.lee';
});
afterEach(() => {
  services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call<T = Record<string, any>>(channel: string, input?: unknown): Promise<T> {
  const result = (await services.dispatch(channel, input)) as Result<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value;
}

const entries = () => services.store.audit.list().map((e) => [e.action, e.entity, e.before, e.after]);

describe('editing a subject', () => {
  test('an update naming only the code changes the code and nothing else, with the change in the trail', async () => {
    const full = {
      studyId: 1,
      code: 'P-1',
      birthYear: 1980,
      sex: 'female',
      skinType: 4,
      notes: 'left-handed',
      consentDate: '2026-01-05',
      consentVersion: 'v2',
    };
    const { id } = await call('subjects:create', full);
    const updated = await call('subjects:update', { id, code: 'P-01' });
    expect(updated).toMatchObject({ ...full, code: 'P-01' });
    expect(await call('subjects:get', { id })).toMatchObject({
      birthYear: 1980,
      sex: 'female',
      skinType: 4,
      notes: 'left-handed',
      consentDate: '2026-01-05',
      consentVersion: 'v2',
    });
    const last = services.store.audit.list().at(-1)!;
    expect(last).toMatchObject({
      actor: 'dr.lee',
      action: 'update',
      entity: 'subject',
      entityId: String(id),
      before: { code: 'P-1' },
      after: { code: 'P-01' },
    });
  });

  test('consent changes are recorded old → new; an update that changes nothing adds no entry', async () => {
    const { id } = await call('subjects:create', { studyId: 1, code: 'P-2', consentVersion: 'v1' });
    await call('subjects:update', { id, consentDate: '2026-02-01', consentVersion: 'v3' });
    const count = services.store.audit.list().length;
    await call('subjects:update', { id, consentVersion: 'v3' });
    expect(services.store.audit.list()).toHaveLength(count);
    expect(services.store.audit.list().at(-1)).toMatchObject({
      before: { consentDate: null, consentVersion: 'v1' },
      after: { consentDate: '2026-02-01', consentVersion: 'v3' },
    });
  });
});

describe('the trail', () => {
  test('records creates, edits, archiving, recordings, markers, notes and deletion, in order and chained', async () => {
    await call('studies:update', { id: 1, contact: 'lab@example.org' });
    const { id: subjectId } = await call('subjects:create', { studyId: 1, code: 'A-1' });
    await call('subjects:set-archived', { id: subjectId, archived: true });
    await call('subjects:set-archived', { id: subjectId, archived: false });
    const session = await call('recording:start', { subjectId, fps: 30 });
    await call('recording:append-frames', { sessionId: session.id, ...pulsingChunk(0, 15, 70) });
    const marker = await call('recording:add-marker', { sessionId: session.id, tS: 0.2, label: 'cold pressor' });
    await call('recording:stop', { sessionId: session.id });
    await call('markers:update', { markerId: marker.id, label: 'cold pressor start' });
    await call('sessions:update-notes', { sessionId: session.id, notes: 'moved at 0:10' });
    await call('models:set-active', { sha256: null });
    await call('subjects:delete', { id: subjectId, confirmSessionCount: 1 });
    expect(entries()).toEqual([
      ['create', 'study', null, { name: 'My study', description: '', contact: '' }],
      ['update', 'study', { contact: '' }, { contact: 'lab@example.org' }],
      ['create', 'subject', null, expect.objectContaining({ code: 'A-1' })],
      ['archive', 'subject', { archived: false }, { archived: true }],
      ['unarchive', 'subject', { archived: true }, { archived: false }],
      ['create', 'session', null, { subjectId, source: 'camera', notes: '' }],
      ['create', 'marker', null, { sessionId: session.id, tS: 0.2, label: 'cold pressor' }],
      ['finish', 'session', { status: 'recording' }, expect.objectContaining({ status: 'complete' })],
      ['update', 'marker', { label: 'cold pressor' }, { label: 'cold pressor start' }],
      ['update', 'session', { notes: '' }, { notes: 'moved at 0:10' }],
      ['delete', 'subject', { code: 'A-1', sessions: 1 }, null],
    ]);
    expect(
      services.store.audit
        .list()
        .slice(1)
        .every((e) => e.actor === 'dr.lee'),
    ).toBe(true); // the study came with the folder
    expect(services.store.audit.verify()).toMatchObject({
      ok: true,
      entries: 11,
      head: services.store.audit.list().at(-1)!.hash,
    });
  });

  test('refuses changes through SQL, and verify finds an entry edited or removed around the triggers', async () => {
    for (const code of ['T-1', 'T-2', 'T-3']) await call('subjects:create', { studyId: 1, code });
    const db = services.store.db;
    expect(() => db.prepare("UPDATE audit_trail SET actor = 'someone else' WHERE seq = 2").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM audit_trail WHERE seq = 2').run()).toThrow(/append-only/);
    // Someone with the file and a SQLite tool drops the triggers first.
    db.exec('DROP TRIGGER audit_trail_no_update; DROP TRIGGER audit_trail_no_delete');
    db.prepare(`UPDATE audit_trail SET after_json = '{"code":"X-9"}' WHERE seq = 3`).run();
    expect(services.store.audit.verify()).toMatchObject({
      ok: false,
      brokenAt: 3,
      problem: 'entry 3 was changed after it was written',
    });
    db.prepare(`UPDATE audit_trail SET after_json = ? WHERE seq = 3`).run(
      JSON.stringify({
        code: 'T-2',
        birthYear: null,
        sex: 'unknown',
        skinType: null,
        notes: '',
        consentDate: null,
        consentVersion: null,
      }),
    );
    expect(services.store.audit.verify().ok).toBe(true);
    db.prepare('DELETE FROM audit_trail WHERE seq = 2').run();
    expect(services.store.audit.verify()).toMatchObject({ ok: false, brokenAt: 2, problem: 'entry 2 is missing' });
  });
});
