import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blazeFaceMetadata,
  listMetadata,
  MODEL_FILE,
  readInputNormalization,
  WASM_FILES,
  withMetadata,
  writeAssets,
} from './mediapipe-assets.ts';

const source = new Uint8Array(
  fs.readFileSync(path.join('node_modules', '@mediapipe', 'face_detection', 'face_detection_short_range.tflite')),
);

describe('withMetadata', () => {
  it('declares RGB input normalised to [-1, 1] for tasks-vision', () => {
    expect(readInputNormalization(source)).toBeNull();
    const model = withMetadata(source, blazeFaceMetadata(128));
    expect(readInputNormalization(model)).toEqual({ mean: [127.5], std: [127.5] });
  });

  it('keeps the original flatbuffer byte for byte behind a 16-byte-aligned header', () => {
    const model = withMetadata(source, blazeFaceMetadata(128));
    const shift = model.length - source.length;
    expect(shift % 16).toBe(0);
    expect(new TextDecoder().decode(model.subarray(4, 8))).toBe('TFL3');
    expect(Buffer.from(model.subarray(shift)).equals(Buffer.from(source))).toBe(true);
  });

  it('keeps the earlier metadata entries and replaces an earlier TFLITE_METADATA instead of adding a second', () => {
    const before = listMetadata(source);
    const twice = withMetadata(withMetadata(source, blazeFaceMetadata(128)), blazeFaceMetadata(128));
    const after = listMetadata(twice);
    expect(after.filter((m) => m.name === 'TFLITE_METADATA')).toHaveLength(1);
    expect(after.map((m) => m.name)).toEqual([...before.map((m) => m.name), 'TFLITE_METADATA']);
    expect(readInputNormalization(twice)).toEqual({ mean: [127.5], std: [127.5] });
  });

  it('refuses a file that is not a TFLite model', () => {
    expect(() => withMetadata(new Uint8Array(64), blazeFaceMetadata(128))).toThrow(/not a TFLite/);
  });
});

describe('writeAssets', () => {
  it('writes the wasm, the model and a .gitignore that keeps them out of git, and can run again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediapipe-assets-'));
    try {
      writeAssets(dir);
      writeAssets(dir);
      for (const file of [...WASM_FILES, MODEL_FILE, '.gitignore', 'NOTICE.txt'])
        expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
      expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
      expect(readInputNormalization(new Uint8Array(fs.readFileSync(path.join(dir, MODEL_FILE))))).not.toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
