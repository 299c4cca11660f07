// Chunks of processed frames: cut by time, numbered on from chunk to chunk, with exactly sized buffers
// (a view onto a larger buffer would send all of it over IPC) and a missing crop stored as zeros.
import { describe, expect, test } from 'vitest';
import { ChunkBuilder, chunkTransfer } from './chunk-builder.ts';
import { CROP_BYTES, FACE_DETECTED, FACE_NONE, FACE_TRACKED } from './types.ts';

const crop = (value: number) => new Uint8Array(CROP_BYTES).fill(value);

describe('ChunkBuilder', () => {
  test('closes a chunk with the frame that reaches the chunk length, and numbers the next one on', () => {
    const builder = new ChunkBuilder(100);
    expect(builder.add(0, FACE_DETECTED, crop(1))).toBeNull();
    expect(builder.add(50, FACE_TRACKED, crop(2))).toBeNull();
    const first = builder.add(100, FACE_NONE, null)!;
    expect(first.firstFrame).toBe(0);
    expect(Array.from(first.timestampsMs)).toEqual([0, 50, 100]);
    expect(Array.from(first.faceFound)).toEqual([FACE_DETECTED, FACE_TRACKED, FACE_NONE]);
    expect(first.crops.length).toBe(3 * CROP_BYTES);
    expect([first.crops[0], first.crops[CROP_BYTES], first.crops[2 * CROP_BYTES], first.crops.at(-1)]).toEqual([
      1, 2, 0, 0,
    ]);

    expect(builder.add(133, FACE_TRACKED, crop(3))).toBeNull();
    const rest = builder.flush()!;
    expect(rest.firstFrame).toBe(3);
    expect(Array.from(rest.timestampsMs)).toEqual([133]);
    expect(builder.flush()).toBeNull();
  });

  test('hands over buffers of exactly the chunk’s size, each its own, so all three can be transferred', () => {
    const builder = new ChunkBuilder(1000);
    builder.add(0, FACE_DETECTED, crop(9));
    builder.add(33, FACE_DETECTED, crop(9));
    const chunk = builder.flush()!;
    const buffers = chunkTransfer(chunk);
    expect(buffers.map((b) => b.byteLength)).toEqual([2 * 8, 2, 2 * CROP_BYTES]);
    expect(new Set(buffers).size).toBe(3);
    // The chunk holds copies: the frames handed in may be reused once it is out.
    const mine = crop(5);
    builder.add(100, FACE_DETECTED, mine);
    const copied = builder.flush()!;
    mine.fill(0);
    expect(copied.crops[0]).toBe(5);
  });
});
