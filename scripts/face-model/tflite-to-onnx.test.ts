import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { convertFaceModel, FACE_TFLITE } from '../face-model.ts';
import { interpret } from './tflite-interpreter.ts';
import { readTflite } from './tflite-model.ts';
import { samePads } from './tflite-to-onnx.ts';

const tflite = new Uint8Array(fs.readFileSync(FACE_TFLITE));

/** Deterministic input in [-1, 1] with image-like smooth structure plus noise. */
function input(): Float32Array {
  let s = 12345;
  const noise = () => ((s = (s * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32) * 2 - 1;
  return Float32Array.from({ length: 128 * 128 * 3 }, (_, i) => {
    const [y, x, c] = [Math.floor(i / 384), Math.floor(i / 3) % 128, i % 3];
    return 0.6 * Math.sin(x / 9 + c) * Math.cos(y / 13) + 0.3 * noise();
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('samePads (TFLite SAME padding)', () => {
  it('puts the odd pixel at the end, as TensorFlow does', () => {
    expect(samePads(64, 3, 2)).toEqual([0, 1]);
    expect(samePads(128, 5, 2)).toEqual([1, 2]);
    expect(samePads(64, 3, 1)).toEqual([1, 1]);
    expect(samePads(64, 2, 2)).toEqual([0, 0]);
  });
});

describe('BlazeFace TFLite → ONNX', () => {
  it('reads the float16 weights of every convolution', () => {
    const model = readTflite(tflite);
    const kernels = model.tensors.filter((t) => t.name.endsWith('/Kernel'));
    expect(kernels.length).toBeGreaterThan(30);
    for (const k of kernels) expect(k.data!.length).toBe(k.shape.reduce((a, b) => a * b, 1));
  });

  it('matches a literal NHWC interpretation of the TFLite graph at every layer', async () => {
    const model = readTflite(tflite);
    const layers = model.tensors
      .map((t) => t.name)
      .filter((n) => /^(activation(_\d+)?|classificator_\d+|regressor_\d+)$/.test(n));
    const onnx = convertFaceModel(tflite, { extraOutputs: layers });
    const session = await ort.InferenceSession.create(onnx);
    const x = input();
    const got = await session.run({ input: new ort.Tensor('float32', x, [1, 128, 128, 3]) });
    const want = interpret(model, { shape: [1, 128, 128, 3], data: x });
    expect(layers.length).toBe(21);
    for (const name of [...layers, 'regressors', 'classificators']) {
      const out = got[name] ?? got[`${name}__nhwc`];
      const ref = want.get(name)!;
      expect(out?.dims, name).toEqual(ref.shape);
      const scale = Math.max(1, ...Array.from(ref.data, Math.abs));
      expect(maxAbsDiff(out!.data as Float32Array, ref.data) / scale, name).toBeLessThan(1e-4);
    }
    await session.release();
  });

  it('keeps the batch dimension dynamic', async () => {
    const session = await ort.InferenceSession.create(convertFaceModel(tflite));
    const x = input();
    const two = new Float32Array(2 * x.length);
    two.set(x);
    two.set(x, x.length);
    const out = await session.run({ input: new ort.Tensor('float32', two, [2, 128, 128, 3]) });
    expect(out.regressors!.dims).toEqual([2, 896, 16]);
    const scores = out.classificators!.data as Float32Array;
    expect(maxAbsDiff(scores.subarray(0, 896), scores.subarray(896))).toBeLessThan(1e-5);
    await session.release();
  });
});
