// Reads a float TFLite model (schema: tensorflow/lite/schema/schema.fbs) into plain tensors and operators.
import { FlatReader } from '../flatbuffer-reader.ts';

/** The TFLite builtin operators this reader names (others keep their number). */
export const BUILTIN = {
  ADD: 0,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  MAX_POOL_2D: 17,
  RELU: 19,
  RESHAPE: 22,
  PAD: 34,
  PRELU: 54,
} as const;

const TENSOR_FLOAT32 = 0;
const TENSOR_FLOAT16 = 1;
const TENSOR_INT32 = 2;
const TENSOR_INT64 = 4;

export interface TfTensor {
  name: string;
  shape: number[];
  type: 'float32' | 'int32' | 'int64' | 'float16';
  /** Constant data (weights), decoded; null for activations. */
  data: Float32Array | Int32Array | BigInt64Array | null;
}

export interface TfOperator {
  /** The builtin code (see BUILTIN). */
  op: number;
  inputs: number[];
  outputs: number[];
  /** The builtin options table's position in the model bytes (read with `reader`), or null. */
  options: number | null;
}

export interface TfModel {
  reader: FlatReader;
  tensors: TfTensor[];
  operators: TfOperator[];
  inputs: number[];
  outputs: number[];
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function decode(type: number, bytes: Uint8Array): TfTensor['data'] {
  if (bytes.length === 0) return null;
  const copy = bytes.slice();
  if (type === TENSOR_FLOAT32) return new Float32Array(copy.buffer);
  if (type === TENSOR_INT32) return new Int32Array(copy.buffer);
  if (type === TENSOR_INT64) return new BigInt64Array(copy.buffer);
  if (type === TENSOR_FLOAT16) {
    const halves = new Uint16Array(copy.buffer);
    return Float32Array.from(halves, halfToFloat);
  }
  throw new Error(`TFLite tensor type ${type} is not supported (quantised models are not)`);
}

const TYPE_NAMES: Record<number, TfTensor['type']> = {
  [TENSOR_FLOAT32]: 'float32',
  [TENSOR_FLOAT16]: 'float16',
  [TENSOR_INT32]: 'int32',
  [TENSOR_INT64]: 'int64',
};

export function readTflite(bytes: Uint8Array): TfModel {
  const r = new FlatReader(bytes);
  if (new TextDecoder().decode(bytes.subarray(4, 8)) !== 'TFL3') throw new Error('not a TFLite flatbuffer');
  const root = r.u32(0);
  // Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4.
  const opcodes = r.tables(root, 1).map((code) => Math.max(r.fieldI8(code, 0), r.fieldI32(code, 3)));
  const buffers = r.tables(root, 4).map((buffer) => r.fieldBytes(buffer, 0));
  const subgraphs = r.tables(root, 2);
  if (subgraphs.length !== 1) throw new Error(`expected one subgraph, found ${subgraphs.length}`);
  const graph = subgraphs[0]!;
  // SubGraph: tensors 0, inputs 1, outputs 2, operators 3. Tensor: shape 0, type 1, buffer 2, name 3.
  const tensors = r.tables(graph, 0).map((t): TfTensor => {
    const type = r.fieldU8(t, 1);
    const name = TYPE_NAMES[type];
    if (!name) throw new Error(`TFLite tensor type ${type} is not supported`);
    return {
      name: r.fieldString(t, 3) ?? '',
      shape: r.fieldI32s(t, 0),
      type: name,
      data: decode(type, buffers[r.fieldU32(t, 2)] ?? new Uint8Array(0)),
    };
  });
  // Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4.
  const operators = r.tables(graph, 3).map((o): TfOperator => ({
    op: opcodes[r.fieldU32(o, 0)] ?? -1,
    inputs: r.fieldI32s(o, 1),
    outputs: r.fieldI32s(o, 2),
    options: r.table(o, 4),
  }));
  return { reader: r, tensors, operators, inputs: r.fieldI32s(graph, 1), outputs: r.fieldI32s(graph, 2) };
}
