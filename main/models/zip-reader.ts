// Reads every entry of a zip archive (torch.save's container, or an export in tests) through
// yauzl, bounded and CRC-checked.
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';

/**
 * An SSPD checkpoint's largest entry is a few MB. The declared sizes are checked before anything is inflated, and
 * inflating stops at the declared size, so a zip bomb (a few hundred KB inflating to gigabytes) costs nothing.
 */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 4 * MAX_ENTRY_BYTES;

export interface ZipLimits {
  maxEntryBytes: number;
  maxTotalBytes: number;
}

export interface ZipArchive {
  readonly names: readonly string[];
  /** The entry's bytes, inflated and CRC-checked; undefined when there is no such entry. */
  read(name: string): Buffer | undefined;
}

/** A damaged or refused archive; `tooLarge` when only the size limits stand in the way. */
export class ZipReadError extends Error {
  readonly tooLarge: boolean;
  constructor(message: string, tooLarge = false) {
    super(message);
    this.name = 'ZipReadError';
    this.tooLarge = tooLarge;
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function inflate(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    // validateEntrySizes (on by default) errors as soon as more bytes come than the directory declares.
    for await (const part of await zip.openReadStreamPromise(entry)) {
      parts.push(part as Buffer);
      size += (part as Buffer).length;
    }
  } catch (error) {
    throw new ZipReadError(`entry ${entry.fileName} does not inflate: ${errorText(error)}`);
  }
  const data = Buffer.concat(parts, size);
  if (crc32(data) !== entry.crc32) throw new ZipReadError(`entry ${entry.fileName} fails its checksum (damaged file)`);
  return data;
}

/** Opens `source` (bytes or a file path) and reads all its entries within `limits`; throws ZipReadError. */
export async function readZip(
  source: Uint8Array | string,
  limits: ZipLimits = { maxEntryBytes: MAX_ENTRY_BYTES, maxTotalBytes: MAX_TOTAL_BYTES },
): Promise<ZipArchive> {
  let zip: yauzl.ZipFile;
  try {
    zip =
      typeof source === 'string'
        ? await yauzl.openPromise(source, { autoClose: false, strictFileNames: true })
        : await yauzl.fromBufferPromise(Buffer.from(source.buffer, source.byteOffset, source.byteLength), {
            strictFileNames: true,
          });
  } catch (error) {
    throw new ZipReadError(
      typeof source !== 'string' && source.length === 0
        ? 'the file is empty'
        : `no readable zip directory (truncated, or not a zip file): ${errorText(error)}`,
    );
  }
  try {
    const entries: yauzl.Entry[] = [];
    try {
      for await (const entry of zip.eachEntry()) entries.push(entry);
    } catch (error) {
      throw new ZipReadError(`damaged zip directory: ${errorText(error)}`);
    }
    const total = entries.reduce((n, e) => n + e.uncompressedSize, 0);
    const largest = entries.reduce<yauzl.Entry | undefined>(
      (a, e) => (a && a.uncompressedSize >= e.uncompressedSize ? a : e),
      undefined,
    );
    if (largest && largest.uncompressedSize > limits.maxEntryBytes) {
      throw new ZipReadError(
        `entry ${largest.fileName} would inflate to ${largest.uncompressedSize} bytes, over the limit of ${limits.maxEntryBytes >> 20} MB`,
        true,
      );
    }
    if (total > limits.maxTotalBytes)
      throw new ZipReadError(
        `the entries would inflate to ${total} bytes, over the limit of ${limits.maxTotalBytes >> 20} MB`,
        true,
      );
    const data = new Map<string, Buffer>();
    for (const entry of entries) if (!entry.fileName.endsWith('/')) data.set(entry.fileName, await inflate(zip, entry));
    return { names: [...data.keys()], read: (name) => data.get(name) };
  } finally {
    zip.close();
  }
}
