import { describe, expect, expectTypeOf, test } from 'vitest';
import type { Study, Subject } from '../subjects.ts';
import { CHANNELS, createApi, isChannel } from './channels.ts';
import { contract, type PulseApi } from './contract.ts';
import type { Result } from './result.ts';

describe('IPC contract', () => {
  test('declares a schema for every channel and a unique method name for each', () => {
    expect(Object.keys(contract).sort()).toEqual(Object.keys(CHANNELS).sort());
    const methods = Object.values(CHANNELS);
    expect(new Set(methods).size).toBe(methods.length);
  });

  test('pins the API signatures the renderer relies on', () => {
    expectTypeOf<PulseApi['listStudies']>().toEqualTypeOf<() => Promise<Result<Study[]>>>();
    expectTypeOf<PulseApi['createSubject']>().parameter(0).toHaveProperty('studyId').toEqualTypeOf<number>();
    expectTypeOf<PulseApi['createSubject']>().returns.toEqualTypeOf<Promise<Result<Subject>>>();
    expectTypeOf<PulseApi['deleteSubject']>().returns.toEqualTypeOf<Promise<Result<{ deletedSessions: number }>>>();
  });

  test('builds the API from any transport, one call per method on its own channel', async () => {
    const calls: [string, unknown][] = [];
    const api = createApi(async (channel, input) => (calls.push([channel, input]), { ok: true, value: null }));
    await api.getSubject({ id: 4 });
    await api.listStudies();
    expect(calls).toEqual([
      ['subjects:get', { id: 4 }],
      ['studies:list', undefined],
    ]);
  });

  test('knows its own channels and nothing inherited', () => {
    expect(isChannel('subjects:create')).toBe(true);
    expect(isChannel('constructor')).toBe(false);
    expect(isChannel('__proto__')).toBe(false);
    expect(isChannel(42)).toBe(false);
  });
});
