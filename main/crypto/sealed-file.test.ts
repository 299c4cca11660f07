import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  MAX_RECORD,
  readSealed,
  repairSealed,
  RECORD_OVERHEAD,
  scanSealed,
  sealedSize,
  sealedStream,
  SealedWriter,
  truncateSealed,
} from './sealed-file.ts';

let dir: string;
const key = crypto.randomBytes(32);
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-sealed-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Appends `pieces` to a new sealed file; returns it and the plaintext. */
function sealed(pieces: Buffer[], name = 'media.bin'): { file: string; plain: Buffer } {
  const file = path.join(dir, name);
  const writer = new SealedWriter(file, key);
  for (const piece of pieces) writer.append(piece);
  writer.close();
  return { file, plain: Buffer.concat(pieces) };
}

const streamed = async (file: string, start?: number, end?: number) =>
  Buffer.concat(await sealedStream(file, key, start, end).toArray());
const records = (file: string) => {
  const fd = fs.openSync(file, 'r');
  try {
    return scanSealed(fd, key, file).records;
  } finally {
    fs.closeSync(fd);
  }
};

describe('sealed media files', () => {
  test('round trip: appends of any size read back whole and from any byte, with no plaintext on disk', async () => {
    const marker = Buffer.from('FACE-VIDEO-PLAINTEXT '.repeat(4));
    const big = crypto.randomBytes(MAX_RECORD + 12345);
    const { file, plain } = sealed([marker, Buffer.from('x'), big, crypto.randomBytes(777)]);
    expect(fs.readFileSync(file).includes(marker)).toBe(false);
    expect(readSealed(file, key).equals(plain)).toBe(true);
    expect(sealedSize(file, key)).toBe(plain.length);
    // The 1 MiB + append became two records.
    expect(records(file).map((r) => r.length)).toEqual([marker.length, 1, MAX_RECORD, 12345, 777]);
    for (const [start, end] of [
      [0, 9],
      [marker.length - 3, marker.length + 5],
      [100, MAX_RECORD + 200],
      [plain.length - 1, plain.length - 1],
      [5, plain.length - 1],
    ] as const) {
      expect((await streamed(file, start, end)).equals(plain.subarray(start, end + 1))).toBe(true);
    }
  });

  test('a writer continues an existing file after its last record', () => {
    const { file } = sealed([Buffer.from('first ')]);
    const writer = new SealedWriter(file, key);
    expect(writer.size).toBe(6);
    writer.append(Buffer.from('second'));
    writer.close();
    expect(readSealed(file, key).toString()).toBe('first second');
  });

  test('another key is told apart from damage', async () => {
    const { file } = sealed([Buffer.from('hello')]);
    const other = crypto.randomBytes(32);
    expect(() => readSealed(file, other)).toThrow(expect.objectContaining({ code: 'wrong_key' }));
    await expect(sealedStream(file, other).toArray()).rejects.toMatchObject({ code: 'wrong_key' });
    expect(() => new SealedWriter(file, other)).toThrow(/another key/);
  });

  test('a changed byte in any record fails its check, on reading and on streaming, and names the piece', async () => {
    const { file } = sealed([crypto.randomBytes(1000), crypto.randomBytes(1000), crypto.randomBytes(1000)]);
    const second = records(file)[1]!;
    const bytes = fs.readFileSync(file);
    bytes[second.offset + RECORD_OVERHEAD / 2 + 100]! ^= 1;
    fs.writeFileSync(file, bytes);
    expect(() => readSealed(file, key)).toThrow(/damaged or was altered: piece 2/);
    // The first piece still streams; the stream fails when it reaches the altered one.
    expect((await streamed(file, 0, 999)).length).toBe(1000);
    await expect(streamed(file, 1500, 1600)).rejects.toMatchObject({ code: 'damaged' });
  });

  test('records swapped or copied from another file fail their check', () => {
    const { file } = sealed([Buffer.alloc(100, 1), Buffer.alloc(100, 2)]);
    const [a, b] = records(file);
    const bytes = fs.readFileSync(file);
    const swapped = Buffer.concat([
      bytes.subarray(0, a!.offset),
      bytes.subarray(b!.offset),
      bytes.subarray(a!.offset, b!.offset),
    ]);
    fs.writeFileSync(file, swapped);
    expect(() => readSealed(file, key)).toThrow(expect.objectContaining({ code: 'damaged' }));
    const other = sealed([Buffer.alloc(100, 1)], 'other.bin');
    const spliced = Buffer.concat([fs.readFileSync(other.file).subarray(0, 32), bytes.subarray(32)]);
    fs.writeFileSync(file, spliced);
    expect(() => readSealed(file, key)).toThrow(expect.objectContaining({ code: 'damaged' }));
  });

  test('a file cut inside a piece is reported as cut short; repair cuts the torn piece, keeping the rest', () => {
    const { file } = sealed([Buffer.alloc(500, 7), Buffer.alloc(500, 8)]);
    fs.truncateSync(file, fs.statSync(file).size - 10);
    expect(() => readSealed(file, key)).toThrow(/ends in an incomplete piece/);
    expect(() => sealedSize(file, key)).toThrow(expect.objectContaining({ code: 'truncated' }));
    expect(readSealed(file, key, { allowTorn: true }).equals(Buffer.alloc(500, 7))).toBe(true);
    expect(repairSealed(file, key)).toMatchObject({ plainSize: 500 });
    expect(readSealed(file, key).equals(Buffer.alloc(500, 7))).toBe(true);
  });

  test('repair cuts a last piece whose bytes did not reach the disk, but never an earlier one', () => {
    const { file } = sealed([Buffer.alloc(300, 1), Buffer.alloc(300, 2)]);
    const last = records(file)[1]!;
    const bytes = fs.readFileSync(file);
    bytes.fill(0, last.offset + 40, last.offset + 80); // as a crash leaves unwritten blocks
    fs.writeFileSync(file, bytes);
    expect(repairSealed(file, key)).toMatchObject({ plainSize: 300 });
    expect(readSealed(file, key).equals(Buffer.alloc(300, 1))).toBe(true);

    const damaged = sealed([Buffer.alloc(300, 1), Buffer.alloc(300, 2)], 'two.bin');
    const first = records(damaged.file)[0]!;
    const again = fs.readFileSync(damaged.file);
    again[first.offset + 50]! ^= 0xff;
    fs.writeFileSync(damaged.file, again);
    repairSealed(damaged.file, key);
    expect(fs.statSync(damaged.file).size).toBe(again.length);
    expect(() => readSealed(damaged.file, key)).toThrow(/piece 1/);
  });

  test('truncation happens only where an append began', () => {
    const { file } = sealed([Buffer.from('keep'), Buffer.from('drop')]);
    expect(() => truncateSealed(file, key, 2)).toThrow(/no piece starts there/);
    truncateSealed(file, key, 4);
    expect(readSealed(file, key).toString()).toBe('keep');
  });
});
