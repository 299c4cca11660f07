// Test helper: writes torch.save-format checkpoints (stored zip + protocol 2 pickle) from plain arrays. Its 20-line zip
// writer stays: fixtures are built synchronously in 25 places, and yazl only streams (exports use it).
import { crc32, deflateRawSync } from 'node:zlib';
import { concat } from '../main/models/protobuf.ts';
import { SSPD_TENSORS } from '../main/models/sspd-keys.ts';

export interface TestTensor {
  readonly shape: readonly number[];
  /** float32 values, or int64 values as numbers. */
  readonly values: Float32Array | readonly number[];
}

const ascii = (text: string) => new TextEncoder().encode(text);
const u8 = (...values: number[]) => Uint8Array.from(values);

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

function u16(value: number): Uint8Array {
  return u32(value).subarray(0, 2);
}

const pickleString = (text: string) => concat([u8(0x58), u32(ascii(text).length), ascii(text)]); // BINUNICODE
const pickleInt = (value: number) => concat([u8(0x4a), u32(value)]); // BININT
const pickleGlobal = (module: string, name: string) => concat([u8(0x63), ascii(`${module}\n${name}\n`)]); // GLOBAL
const MARK = u8(0x28);
const TUPLE = u8(0x74);
const REDUCE = u8(0x52);
const EMPTY_TUPLE = u8(0x29);
const pickleTuple = (items: Uint8Array[]) => concat([MARK, ...items, TUPLE]);

function pickleTensor(storageKey: number, tensor: TestTensor): Uint8Array {
  const float = tensor.values instanceof Float32Array;
  const contiguous = tensor.shape.map((_, i) => tensor.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const persistentId = pickleTuple([
    pickleString('storage'),
    pickleGlobal('torch', float ? 'FloatStorage' : 'LongStorage'),
    pickleString(String(storageKey)),
    pickleString('cpu'),
    pickleInt(tensor.values.length),
  ]);
  return concat([
    pickleGlobal('torch._utils', '_rebuild_tensor_v2'),
    pickleTuple([
      concat([persistentId, u8(0x51)]), // BINPERSID
      pickleInt(0),
      pickleTuple(tensor.shape.map(pickleInt)),
      pickleTuple(contiguous.map(pickleInt)),
      u8(0x89), // NEWFALSE: requires_grad
      concat([pickleGlobal('collections', 'OrderedDict'), EMPTY_TUPLE, REDUCE]),
    ]),
    REDUCE,
  ]);
}

function storageBytes(tensor: TestTensor): Uint8Array {
  if (tensor.values instanceof Float32Array)
    return new Uint8Array(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength);
  const out = new Uint8Array(tensor.values.length * 8);
  tensor.values.forEach((v, i) => new DataView(out.buffer).setBigInt64(i * 8, BigInt(v), true));
  return out;
}

/** A zip archive: stored (uncompressed) as torch.save writes it, or deflated as zip tools may rewrite it. */
export function zipEntries(entries: ReadonlyArray<readonly [string, Uint8Array]>, deflate = false): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const packed = deflate ? new Uint8Array(deflateRawSync(data)) : data;
    const common = concat([
      u16(20),
      u16(0),
      u16(deflate ? 8 : 0),
      u16(0),
      u16(0),
      u32(crc32(data)),
      u32(packed.length),
      u32(data.length),
      u16(ascii(name).length),
      u16(0),
    ]);
    const local = concat([u32(0x04034b50), common, ascii(name), packed]);
    centrals.push(concat([u32(0x02014b50), u16(20), common, u16(0), u16(0), u16(0), u32(0), u32(offset), ascii(name)]));
    locals.push(local);
    offset += local.length;
  }
  const directory = concat(centrals);
  const end = concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(entries.length),
    u16(entries.length),
    u32(directory.length),
    u32(offset),
    u16(0),
  ]);
  return concat([...locals, directory, end]);
}

/** A torch.save'd OrderedDict of tensors, loadable by torch.load. */
export function writeCheckpoint(tensors: ReadonlyMap<string, TestTensor>, deflate = false): Uint8Array {
  const items = [...tensors].map(([key, tensor], i) => concat([pickleString(key), pickleTensor(i, tensor)]));
  const pickle = concat([
    u8(0x80, 2),
    pickleGlobal('collections', 'OrderedDict'),
    EMPTY_TUPLE,
    REDUCE,
    MARK,
    ...items,
    u8(0x75),
    u8(0x2e),
  ]);
  return zipEntries(
    [
      ['archive/data.pkl', pickle],
      ['archive/byteorder', ascii('little')],
      ...[...tensors.values()].map((tensor, i) => [`archive/data/${i}`, storageBytes(tensor)] as const),
      ['archive/version', ascii('3\n')],
    ],
    deflate,
  );
}

/** The SSPD tensors with deterministic small values (an untrained but well-formed checkpoint). */
export function sspdTensors(seed = 1): Map<string, TestTensor> {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.2;
  return new Map(
    SSPD_TENSORS.map((t) => {
      const count = t.shape.reduce((a, b) => a * b, 1);
      const values =
        t.dtype === 'int64'
          ? [0]
          : t.key.endsWith('running_var')
            ? new Float32Array(count).fill(1)
            : Float32Array.from({ length: count }, next);
      return [t.key, { shape: t.shape, values }] as const;
    }),
  );
}
