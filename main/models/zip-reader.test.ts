// The checkpoint zip reader against zip bombs: inflating is bounded by the declared entry size and a hard cap,
// so a few hundred KB can no longer become gigabytes in the main process.
import { once } from 'node:events';
import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { describe, expect, test } from 'vitest';
import yazl from 'yazl';
import { MAX_ENTRY_BYTES, readZip } from './zip-reader.ts';

/** `megabytes` of zeros, deflated in pieces (the test never holds the inflated bytes either). */
async function deflatedZeros(megabytes: number): Promise<Buffer> {
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < megabytes; i++) if (!deflate.write(zeros)) await once(deflate, 'drain');
  deflate.end();
  await once(deflate, 'end');
  return Buffer.concat(parts);
}

/** A one-entry zip whose directory declares `size` inflated bytes. */
function zipOf(name: string, packed: Buffer, size: number): Uint8Array {
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(n.length, 28);
  const directoryAt = 30 + n.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(directoryAt, 16);
  return Buffer.concat([local, n, packed, central, n, end]);
}

describe('a zip bomb in a .pth', () => {
  test('that understates its size is refused after the declared bytes, without inflating the rest', async () => {
    const packed = await deflatedZeros(300); // ~300 KB inflating to 300 MB
    expect(packed.length).toBeLessThan(400_000);
    const before = process.memoryUsage().rss;
    await expect(readZip(zipOf('archive/data/0', packed, 1024))).rejects.toThrow(/does not inflate/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  test('that declares its true size is refused before inflating', async () => {
    const packed = await deflatedZeros(100);
    await expect(readZip(zipOf('archive/data/0', packed, 100 * 1024 * 1024))).rejects.toThrow(
      new RegExp(`over the limit of ${MAX_ENTRY_BYTES >> 20} MB`),
    );
  });

  test('spread over many entries that each stay under the entry limit is refused before inflating', async () => {
    const zip = new yazl.ZipFile();
    for (let i = 0; i < 5; i++) zip.addBuffer(Buffer.alloc(1 << 20), `archive/data/${i}`);
    zip.end();
    const bytes = await buffer(zip.outputStream);
    await expect(readZip(bytes, { maxEntryBytes: 2 << 20, maxTotalBytes: 4 << 20 })).rejects.toThrow(
      /the entries would inflate to 5242880 bytes, over the limit of 4 MB/,
    );
    expect(
      (await readZip(bytes, { maxEntryBytes: 2 << 20, maxTotalBytes: 8 << 20 })).read('archive/data/4')?.length,
    ).toBe(1 << 20);
  });
});
