// Inference runs in a process of its own: why (onnxruntime aborts a process whose worker thread ends mid-run),
// and what that buys (the app's process ends normally; a killed inference process is restarted with its model).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateOutOfProcess } from './model-validation.ts';
import { pulsingChunk } from '../../testing/frames.ts';
import { SupervisedInference } from './supervised-inference.ts';

const MODEL = path.resolve(import.meta.dirname, '..', '..', 'models', 'sspd.onnx');

/** Runs testing/abort-child.ts in a child and reports how it ended and what it printed. */
function runFixture(
  mode: 'thread' | 'process',
): Promise<{ code: number | null; signal: string | null; stderr: string; inferencePid: number }> {
  const child = spawn(
    process.execPath,
    [path.join(import.meta.dirname, '..', '..', 'testing', 'abort-child.ts'), mode, MODEL],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, inferencePid: Number(stdout.trim()) })),
  );
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('why inference runs out of process', () => {
  test('a process whose onnxruntime worker thread is mid-run when it ends aborts in native code (the Stop crash)', async () => {
    const ended = await runFixture('thread');
    expect(ended.signal).toBe('SIGABRT');
    expect(ended.stderr).toContain("terminate called after throwing an instance of 'Napi::Error'");
  }, 60_000);

  test('with the model in an inference process, the same ending is an ordinary exit and takes that process along', async () => {
    const ended = await runFixture('process');
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(1);
    expect(ended.stderr).not.toContain('Napi::Error');
    expect(ended.inferencePid).toBeGreaterThan(0);
    await expect.poll(() => alive(ended.inferencePid), { timeout: 10_000 }).toBe(false);
  }, 60_000);
});

describe('supervised inference', () => {
  test('a killed inference process is restarted with the same model, and the network runs again', async () => {
    const logs: string[] = [];
    const inference = await SupervisedInference.start(
      { modelPath: MODEL, providers: ['cpu'], intraOpThreads: 1 },
      { log: (m) => logs.push(m) },
    );
    try {
      const first = inference.pid!;
      inference.pushFrames(pulsingChunk(0, 60, 70).crops);
      process.kill(first, 'SIGKILL');
      await expect.poll(() => inference.crashes, { timeout: 10_000 }).toBe(1);
      expect(inference.down).toMatch(/stopped and is being restarted/);
      // Frames given while it restarts are not run live (a recording's stop runs them again).
      inference.pushFrames(pulsingChunk(60, 30, 70).crops);
      await expect.poll(() => inference.generation, { timeout: 30_000 }).toBe(1);
      expect(inference.down).toBeNull();
      expect(inference.pid).not.toBe(first);
      inference.pushFrames(pulsingChunk(0, 90, 70).crops);
      await inference.flush();
      expect(inference.pullSamples().data.length).toBe(88);
      expect(inference.progress()).toEqual({ framesPushed: 90, samplesReceived: 88 });
      expect(logs.join('\n')).toMatch(/the inference process was ended by SIGKILL; restarting it/);
    } finally {
      await inference.close();
    }
  }, 60_000);

  test('gives up after its restarts and says so, without taking anything else down', async () => {
    const inference = await SupervisedInference.start(
      { modelPath: MODEL, providers: ['cpu'], intraOpThreads: 1 },
      { maxRestarts: 0 },
    );
    process.kill(inference.pid!, 'SIGKILL');
    await expect.poll(() => inference.down, { timeout: 10_000 }).toMatch(/stopped 1 times and was not restarted/);
    await expect(inference.flush()).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    await expect(inference.reset()).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    await inference.close();
  }, 30_000);
});

describe('imported models are checked in an inference process', () => {
  test('a good model passes with its test inference, a foreign one fails with the loader’s code', async () => {
    const good = await validateOutOfProcess(fs.readFileSync(MODEL));
    expect(good).toMatchObject({ testSteps: 32, testSamples: 32 });
    const foreign = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'testing', 'models', 'other-io.onnx'));
    await expect(validateOutOfProcess(foreign)).rejects.toMatchObject({ code: 'MODEL_WRONG_IO' });
    await expect(validateOutOfProcess(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'MODEL_CORRUPT' });
  }, 60_000);
});
