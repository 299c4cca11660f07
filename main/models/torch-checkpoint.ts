// Reads a PyTorch zip checkpoint (torch.save of a state_dict) into named tensors, without Python.
import { ModelImportError } from './import-error.ts';
import { PickleGlobal, unpickle } from './pickle-vm.ts';
import { readZip, ZipReadError, type ZipArchive } from './zip-reader.ts';

export type TorchDtype =
  'float64' | 'float32' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** Legacy storage class → element type and size; torch.save still names storages this way. */
const STORAGE_TYPES: Record<string, readonly [TorchDtype, number]> = {
  DoubleStorage: ['float64', 8],
  FloatStorage: ['float32', 4],
  HalfStorage: ['float16', 2],
  BFloat16Storage: ['bfloat16', 2],
  LongStorage: ['int64', 8],
  IntStorage: ['int32', 4],
  ShortStorage: ['int16', 2],
  CharStorage: ['int8', 1],
  ByteStorage: ['uint8', 1],
  BoolStorage: ['bool', 1],
};

interface Storage {
  readonly dtype: TorchDtype;
  readonly itemSize: number;
  readonly bytes: Uint8Array;
}

/** One tensor as torch._utils._rebuild_tensor_v2 describes it: a strided view of a storage. */
export interface TorchTensor {
  readonly dtype: TorchDtype;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly storageOffset: number;
  readonly storage: Storage;
}

export type StateDict = ReadonlyMap<string, TorchTensor>;

const unsupported = (message: string) => new ModelImportError('CHECKPOINT_UNSUPPORTED', message);
const corrupt = (message: string) => new ModelImportError('CHECKPOINT_CORRUPT', message);

function isIntList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && (v as number) >= 0);
}

/** The archive's single top folder (`archive/` by default; torch uses the file's stem in older versions). */
function archivePrefix(zip: ZipArchive): string {
  const pickles = zip.names.filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw corrupt(
      pickles.length === 0
        ? 'a zip file, but not a PyTorch checkpoint (no data.pkl inside)'
        : 'several data.pkl entries in one checkpoint',
    );
  }
  return pickles[0]!.slice(0, -'data.pkl'.length);
}

function storageLoader(zip: ZipArchive, prefix: string): (pid: unknown) => Storage {
  const loaded = new Map<string, Storage>();
  return (pid) => {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length !== 5)
      throw unsupported('a persistent object that is not a tensor storage');
    const [, type, key, , numel] = pid as [string, unknown, unknown, unknown, unknown];
    const known = type instanceof PickleGlobal && type.module === 'torch' ? STORAGE_TYPES[type.name] : undefined;
    if (!known)
      throw unsupported(`tensor storage type ${type instanceof PickleGlobal ? type.qualifiedName : String(type)}`);
    if (typeof key !== 'string' || !Number.isSafeInteger(numel))
      throw corrupt('a storage reference without key or size');
    const cached = loaded.get(key);
    if (cached) return cached;
    const [dtype, itemSize] = known;
    const bytes = zip.read(`${prefix}data/${key}`);
    if (!bytes) throw corrupt(`storage ${key} is missing from the archive (truncated?)`);
    if (bytes.length < (numel as number) * itemSize)
      throw corrupt(`storage ${key} holds ${bytes.length} bytes, fewer than its ${numel as number} ${dtype} values`);
    const storage = { dtype, itemSize, bytes };
    loaded.set(key, storage);
    return storage;
  };
}

function rebuildTensor(args: readonly unknown[]): TorchTensor {
  const [storage, storageOffset, shape, strides] = args;
  if (!storage || typeof storage !== 'object' || !('dtype' in storage)) throw corrupt('a tensor without storage');
  if (
    !Number.isSafeInteger(storageOffset) ||
    !isIntList(shape) ||
    !isIntList(strides) ||
    shape.length !== strides.length
  ) {
    throw corrupt('a tensor with a malformed offset, size or stride');
  }
  const tensor = {
    dtype: (storage as Storage).dtype,
    shape,
    strides,
    storageOffset: storageOffset as number,
    storage: storage as Storage,
  };
  const last = (storageOffset as number) + shape.reduce((end, size, i) => end + (size - 1) * strides[i]!, 0);
  if (shape.every((size) => size > 0) && (last + 1) * tensor.storage.itemSize > tensor.storage.bytes.length)
    throw corrupt('a tensor reaches past its storage');
  return tensor;
}

function reduceKnown(callable: PickleGlobal, args: readonly unknown[]): unknown {
  switch (callable.qualifiedName) {
    case 'collections.OrderedDict':
      return new Map();
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_tensor':
      return rebuildTensor(args);
    // Parameters saved as such: the data is the first argument.
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return args[0];
    default:
      return undefined;
  }
}

const isTensor = (value: unknown): value is TorchTensor =>
  typeof value === 'object' && value !== null && 'storage' in value && 'strides' in value;

/** The state_dict inside: the top-level dict, or one level down in the usual training wrappers. */
function findStateDict(root: unknown): Map<unknown, unknown> {
  if (!(root instanceof Map))
    throw unsupported('the checkpoint holds no dict of tensors (a whole pickled model or another object?)');
  if ([...root.values()].some(isTensor)) return root;
  for (const key of ['state_dict', 'model_state_dict', 'model', 'net']) {
    const inner = root.get(key);
    if (inner instanceof Map && [...inner.values()].some(isTensor)) return inner;
  }
  throw unsupported('the checkpoint holds no tensors at its top level or under state_dict/model');
}

async function checkpointZip(bytes: Uint8Array): Promise<ZipArchive> {
  try {
    return await readZip(bytes);
  } catch (error) {
    if (!(error instanceof ZipReadError)) throw error;
    throw error.tooLarge
      ? unsupported(`${error.message}; an SSPD checkpoint is about 3 MB`)
      : corrupt(`not a readable PyTorch checkpoint: ${error.message}`);
  }
}

/** Reads every tensor of the checkpoint's state_dict; a DataParallel `module.` prefix is removed. */
export async function readTorchCheckpoint(bytes: Uint8Array): Promise<StateDict> {
  const zip = await checkpointZip(bytes);
  const prefix = archivePrefix(zip);
  const byteOrder = zip.read(`${prefix}byteorder`);
  if (byteOrder && new TextDecoder().decode(byteOrder).trim() !== 'little')
    throw unsupported('big-endian checkpoints are not supported');
  const pickle = zip.read(`${prefix}data.pkl`)!;
  const dict = findStateDict(unpickle(pickle, { persistentLoad: storageLoader(zip, prefix), reduce: reduceKnown }));
  const entries = [...dict].filter(
    (entry): entry is [string, TorchTensor] => typeof entry[0] === 'string' && isTensor(entry[1]),
  );
  const wrapped = entries.length > 0 && entries.every(([key]) => key.startsWith('module.'));
  return new Map(entries.map(([key, tensor]) => [wrapped ? key.slice('module.'.length) : key, tensor]));
}

/** A float32 tensor's values in row-major order (gathered when its strides are not contiguous). */
export function float32Data(tensor: TorchTensor): Float32Array {
  if (tensor.dtype !== 'float32') throw unsupported(`a ${tensor.dtype} tensor where float32 is needed`);
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  const { bytes } = tensor.storage;
  const source = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  const index = tensor.shape.map(() => 0);
  for (let i = 0; i < count; i++) {
    let at = tensor.storageOffset;
    for (let d = 0; d < index.length; d++) at += index[d]! * tensor.strides[d]!;
    out[i] = source.getFloat32(at * 4, true);
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d]! < tensor.shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
