// Reads the entries of a zip archive (torch.save's container) from its central directory, CRC-checked.
import { crc32, inflateRawSync } from 'node:zlib';
import { ModelImportError } from './import-error.ts';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;
/** Sizes and offsets of this value mean the real ones are in a zip64 record. */
const ZIP64_MARK = 0xffffffff;
/**
 * An SSPD checkpoint's largest entry is a few MB. Inflating stops at the size the directory declares and never
 * goes past this, so a zip bomb (a few hundred KB inflating to gigabytes) costs nothing.
 */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

export interface ZipArchive {
  readonly names: readonly string[];
  /** The entry's bytes, inflated and CRC-checked; undefined when there is no such entry. */
  read(name: string): Uint8Array | undefined;
}

function corrupt(message: string): ModelImportError {
  return new ModelImportError('CHECKPOINT_CORRUPT', `not a readable PyTorch checkpoint: ${message}`);
}

function findEndOfDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - EOCD_SIZE - MAX_COMMENT);
  for (let at = view.byteLength - EOCD_SIZE; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) return at;
  }
  throw corrupt(view.byteLength === 0 ? 'the file is empty' : 'no zip directory (truncated, or not a zip file)');
}

function readDirectory(bytes: Uint8Array, view: DataView): Map<string, ZipEntry> {
  const eocd = findEndOfDirectory(view);
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const offset = view.getUint32(eocd + 16, true);
  if (size === ZIP64_MARK || offset === ZIP64_MARK || count === 0xffff) {
    throw new ModelImportError('CHECKPOINT_UNSUPPORTED', 'zip64 checkpoints (over 4 GB) are not supported; an SSPD checkpoint is about 3 MB');
  }
  if (offset + size > eocd) throw corrupt('the zip directory points past its end (truncated?)');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries = new Map<string, ZipEntry>();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw corrupt(`damaged zip directory at entry ${i}`);
    const nameLength = view.getUint16(at + 28, true);
    const entry: ZipEntry = {
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    };
    entries.set(entry.name, entry);
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

function extract(bytes: Uint8Array, view: DataView, entry: ZipEntry): Uint8Array {
  const at = entry.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_SIGNATURE) throw corrupt(`entry ${entry.name} has no local header`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw corrupt(`entry ${entry.name} is cut short (truncated file)`);
  const packed = bytes.subarray(start, end);
  let data: Uint8Array;
  if (entry.method === STORED) data = packed;
  else if (entry.method === DEFLATED) {
    if (entry.size > MAX_ENTRY_BYTES) throw new ModelImportError('CHECKPOINT_UNSUPPORTED', `entry ${entry.name} would inflate to ${entry.size} bytes; an SSPD checkpoint entry is at most ${MAX_ENTRY_BYTES >> 20} MB`);
    try {
      // Past the declared size, inflating fails: the entry lies about its size.
      data = new Uint8Array(inflateRawSync(packed, { maxOutputLength: Math.max(1, entry.size) }));
    } catch (error) {
      throw corrupt(`entry ${entry.name} does not inflate: ${String(error)}`);
    }
  } else throw new ModelImportError('CHECKPOINT_UNSUPPORTED', `entry ${entry.name} uses zip method ${entry.method}`);
  if (data.length !== entry.size || crc32(data) !== entry.crc) throw corrupt(`entry ${entry.name} fails its checksum (damaged file)`);
  return data;
}

export function readZip(bytes: Uint8Array): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = readDirectory(bytes, view);
  return {
    names: [...entries.keys()],
    read: (name) => {
      const entry = entries.get(name);
      return entry && extract(bytes, view, entry);
    },
  };
}
