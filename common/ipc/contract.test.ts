import { describe, expect, expectTypeOf, test } from 'vitest';
import type { ModelInfo } from '../models.ts';
import type { Study, Subject } from '../subjects.ts';
import { createApi } from './api.ts';
import { CHANNELS, isChannel } from './channels.ts';
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
    expectTypeOf<PulseApi['importModel']>().parameter(0).toHaveProperty('bytes').toEqualTypeOf<Uint8Array>();
    expectTypeOf<PulseApi['importModel']>().returns.toEqualTypeOf<Promise<Result<ModelInfo>>>();
    expectTypeOf<PulseApi['setActiveModel']>().parameter(0).toEqualTypeOf<{ sha256: string | null }>();
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
