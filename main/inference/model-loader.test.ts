import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createSessionWithFallback,
  NoProviderError,
  platformProviders,
  type SessionFactory,
} from './execution-providers.ts';
import { ModelError } from './model-error.ts';
import { loadSspdModel } from './model-loader.ts';

const TEST_MODELS = join(import.meta.dirname, '..', '..', 'testing', 'models');

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return (error as ModelError).code;
  }
  throw new Error('expected a ModelError');
}

describe('execution providers', () => {
  it('tries CUDA then DirectML on Windows, CUDA on Linux, and always ends with the CPU', () => {
    expect(platformProviders('win32')).toEqual(['cuda', 'dml', 'cpu']);
    expect(platformProviders('linux')).toEqual(['cuda', 'cpu']);
    expect(platformProviders('darwin')).toEqual(['cpu']);
  });

  it('creates the session with one provider at a time and logs the fallback in one line', async () => {
    const tried: string[][] = [];
    const logs: string[] = [];
    const factory: SessionFactory = async (_model, options) => {
      const providers = (options.executionProviders ?? []) as string[];
      tried.push(providers);
      if (providers[0] !== 'cpu') throw new Error(`${providers[0]} library missing`);
      expect(options.intraOpNumThreads).toBe(3);
      return {} as Awaited<ReturnType<SessionFactory>>;
    };
    const chosen = await createSessionWithFallback(
      new Uint8Array(1),
      { providers: ['cuda', 'dml', 'cpu'], intraOpThreads: 3, log: (m) => logs.push(m) },
      factory,
    );
    expect(tried).toEqual([['cuda'], ['dml'], ['cpu']]);
    expect(chosen.provider).toBe('cpu');
    expect(chosen.attempts.map((a) => [a.provider, a.ok])).toEqual([
      ['cuda', false],
      ['dml', false],
      ['cpu', true],
    ]);
    // One plain line for an expected fallback.
    expect(logs).toEqual([
      'inference: using execution provider cpu (cuda unavailable: cuda library missing; dml unavailable: dml library missing)',
    ]);
  });

  it('reports every attempt when no provider works', async () => {
    const failing: SessionFactory = async () => {
      throw new Error('nope');
    };
    const error = await createSessionWithFallback(new Uint8Array(1), { providers: ['cuda', 'cpu'] }, failing).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NoProviderError);
    expect((error as NoProviderError).code).toBe('NO_EXECUTION_PROVIDER');
    expect((error as NoProviderError).attempts).toHaveLength(2);
  });

  it('falls back from CUDA to the CPU with the real onnxruntime-node when CUDA is not installed', async () => {
    const model = await readFile(join(TEST_MODELS, 'other-io.onnx'));
    const chosen = await createSessionWithFallback(model, { providers: ['cuda', 'cpu'], intraOpThreads: 1 });
    if (chosen.provider === 'cpu') expect(chosen.attempts[0]).toMatchObject({ provider: 'cuda', ok: false });
    await chosen.session.release();
  });
});

describe('model validation', () => {
  it('says a missing file is missing', async () => {
    expect(await codeOf(loadSspdModel(join(TEST_MODELS, 'absent.onnx')))).toBe('MODEL_NOT_FOUND');
  });

  it('calls empty, random and truncated files corrupt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pulse-model-'));
    const valid = await readFile(join(TEST_MODELS, 'wrong-output-rank.onnx'));
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    for (const [name, bytes] of [
      ['empty', new Uint8Array(0)],
      ['random', random],
      ['truncated', valid.subarray(0, valid.length - 60)],
    ] as const) {
      const path = join(dir, `${name}.onnx`);
      await writeFile(path, bytes);
      expect(await codeOf(loadSspdModel(path, { providers: ['cpu'] })), name).toBe('MODEL_CORRUPT');
    }
  });

  it('rejects an ONNX model with other inputs and outputs', async () => {
    expect(await codeOf(loadSspdModel(join(TEST_MODELS, 'other-io.onnx'), { providers: ['cpu'] }))).toBe(
      'MODEL_WRONG_IO',
    );
  });

  it.each(['wrong-input-shape.onnx', 'wrong-output-rank.onnx', 'wrong-output-length.onnx'])(
    'rejects %s as the wrong shape',
    async (file) => {
      const error = await loadSspdModel(join(TEST_MODELS, file), { providers: ['cpu'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).code).toBe('MODEL_WRONG_SHAPE');
      expect((error as ModelError).message).toMatch(/waveform|frame_diffs|\(1, 8\)/);
    },
  );
});
