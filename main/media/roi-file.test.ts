import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { IndexedFrameChunk } from '../../common/capture.ts';
import { readRoiFile, repairRoiFile, RoiWriter } from './roi-file.ts';

const geometry = { width: 16, height: 8, channels: 3 };
const FRAME = 16 * 8 * 3;
let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-roi-'));
  file = path.join(dir, 'crops.roi');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Frames that drift slowly, like a face crop, with a pixel pattern and noise. */
function frames(n: number, seed: number): { t: Float64Array; face: Uint8Array; crops: Uint8Array } {
  const crops = new Uint8Array(n * FRAME);
  let state = seed;
  for (let f = 0; f < n; f++) {
    for (let i = 0; i < FRAME; i++) {
      state = (state * 1103515245 + 12345) >>> 0;
      crops[f * FRAME + i] = (120 + ((i * 7) % 60) + f + (state >>> 29)) & 0xff;
    }
  }
  const t = Float64Array.from({ length: n }, (_, i) => seed * 1000 + i * 33.366 + (i % 3) * 0.25);
  const face = Uint8Array.from({ length: n }, (_, i) => (i % 5 === 4 ? 0 : 1));
  return { t, face, crops };
}

/** Two chunks of the same 10 frames; returns the frames. */
function writeTwoChunks() {
  const a = frames(10, 1);
  const writer = new RoiWriter(file, geometry);
  writer.append(a.t, a.face, a.crops);
  writer.append(a.t, a.face, a.crops);
  writer.close();
  return a;
}

const readAll = (f: string) => {
  const chunks: IndexedFrameChunk[] = [];
  const scan = readRoiFile(f, (c) => chunks.push(c));
  return { scan, chunks };
};

describe('ROI crop file', () => {
  test('stores crops, timestamps and face flags bit-exactly', () => {
    const a = frames(15, 1);
    const b = frames(7, 2);
    const writer = new RoiWriter(file, geometry);
    expect(writer.append(a.t, a.face, a.crops)).toBe(0);
    expect(writer.append(b.t, b.face, b.crops)).toBe(15);
    writer.close();

    const { scan, chunks } = readAll(file);
    expect(scan).toMatchObject({ geometry, frames: 22, tornBytes: 0 });
    expect(chunks.map((c) => c.firstFrame)).toEqual([0, 15]);
    expect(chunks[0]!.crops).toEqual(a.crops);
    expect(chunks[1]!.crops).toEqual(b.crops);
    expect(chunks[0]!.timestampsMs).toEqual(a.t);
    expect(chunks[1]!.faceFound).toEqual(b.face);
  });

  test('keeps keyframe flags beside the face flags, and none where none were given', () => {
    const a = frames(12, 1);
    const keys = Uint8Array.from({ length: 12 }, (_, i) => (i % 6 === 0 ? 1 : 0));
    const writer = new RoiWriter(file, geometry);
    writer.append(a.t, a.face, a.crops, keys);
    writer.append(a.t, a.face, a.crops);
    writer.close();
    const { chunks } = readAll(file);
    expect(chunks[0]!.faceFound).toEqual(a.face);
    expect(chunks[0]!.keyframe).toEqual(keys);
    expect(chunks[1]!.faceFound).toEqual(a.face);
    expect(chunks[1]!.keyframe).toBeUndefined();
  });

  test('compresses slowly changing crops well below their raw size', () => {
    const { t, face, crops } = frames(60, 3);
    const writer = new RoiWriter(file, geometry);
    writer.append(t, face, crops);
    writer.close();
    expect(fs.statSync(file).size).toBeLessThan(crops.length / 2);
  });

  test('ignores and then cuts a torn chunk left by a crash, keeping every complete one', () => {
    const a = writeTwoChunks();
    const full = fs.statSync(file).size;
    fs.truncateSync(file, full - 25); // the second chunk is torn

    expect(readAll(file).scan).toMatchObject({ frames: 10 });
    expect(repairRoiFile(file)).toMatchObject({ frames: 10, tornBytes: 0 });
    const resumed = new RoiWriter(file, geometry);
    expect(resumed.frameCount).toBe(10);
    expect(resumed.append(a.t, a.face, a.crops)).toBe(10);
    resumed.close();
    expect(readAll(file).scan.frames).toBe(20);
  });

  test('stops at a chunk whose bytes were damaged', () => {
    writeTwoChunks();
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    expect(readAll(file).scan).toMatchObject({ frames: 10 });
    expect(readAll(file).scan.tornBytes).toBeGreaterThan(0);
  });

  test('refuses files that are not crop files, and chunks whose sizes disagree', () => {
    fs.writeFileSync(file, 'definitely not a crop file');
    expect(() => readRoiFile(file)).toThrow(/not a Pulse Studio crop file/);
    const other = path.join(dir, 'b.roi');
    const writer = new RoiWriter(other, geometry);
    expect(() => writer.append(new Float64Array(2), new Uint8Array(2), new Uint8Array(FRAME))).toThrow(/disagree/);
    expect(() => writer.append(new Float64Array(0), new Uint8Array(0), new Uint8Array(0))).toThrow(/1–4096/);
    writer.close();
    expect(() => new RoiWriter(other, { width: 128, height: 128, channels: 3 })).toThrow(/16×8/);
  });
});
