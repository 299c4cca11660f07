// A minimal ONNX (protobuf) writer: enough of ModelProto to hold a float graph with initializers and attributes.
// Field numbers follow onnx/onnx.proto; repeated scalars are written unpacked, which every proto2 reader accepts.

class Proto {
  private chunks: number[] = [];

  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x) byte |= 0x80;
      this.chunks.push(byte);
    } while (x);
  }
  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  int(field: number, v: number | bigint): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }
  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.chunks.push(...b);
    return this;
  }
  bytes(field: number, v: Uint8Array): this {
    this.key(field, 2);
    this.varint(v.length);
    for (const byte of v) this.chunks.push(byte);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, m: Proto): this {
    return this.bytes(field, m.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

export type AttributeValue = number | number[] | { float: number };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Record<string, AttributeValue>;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

export interface OnnxValue {
  name: string;
  /** Each dimension a size, or a name for a dynamic one. */
  shape: Array<number | string>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  docString?: string;
}

function attribute(name: string, value: AttributeValue): Proto {
  const a = new Proto().string(1, name);
  // AttributeProto: f 2, i 3, ints 8, type 20 (FLOAT 1, INT 2, INTS 7).
  if (typeof value === 'number') return a.int(3, value).int(20, 2);
  if (Array.isArray(value)) {
    for (const v of value) a.int(8, v);
    return a.int(20, 7);
  }
  return a.float(2, value.float).int(20, 1);
}

function tensor(t: OnnxTensor): Proto {
  const p = new Proto();
  for (const d of t.dims) p.int(1, d);
  p.int(2, t.data instanceof Float32Array ? ONNX_FLOAT : ONNX_INT64);
  p.string(8, t.name);
  // raw_data is little-endian, as typed arrays are on every platform we build on.
  return p.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function valueInfo(v: OnnxValue): Proto {
  const shape = new Proto();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new Proto().int(1, d) : new Proto().string(2, d));
  const tensorType = new Proto().int(1, ONNX_FLOAT).message(2, shape);
  return new Proto().string(1, v.name).message(2, new Proto().message(1, tensorType));
}

function node(n: OnnxNode): Proto {
  const p = new Proto();
  for (const i of n.inputs) p.string(1, i);
  for (const o of n.outputs) p.string(2, o);
  p.string(3, n.name ?? n.outputs[0] ?? n.op).string(4, n.op);
  for (const [name, value] of Object.entries(n.attributes ?? {})) p.message(5, attribute(name, value));
  return p;
}

/** A serialised ModelProto (IR version 7, default opset `opset`). */
export function encodeModel(graph: OnnxGraph, opset: number, producer: string): Uint8Array {
  const g = new Proto();
  for (const n of graph.nodes) g.message(1, node(n));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, tensor(t));
  if (graph.docString) g.string(10, graph.docString);
  for (const v of graph.inputs) g.message(11, valueInfo(v));
  for (const v of graph.outputs) g.message(12, valueInfo(v));
  return new Proto()
    .int(1, 7)
    .string(2, producer)
    .message(7, g)
    .message(8, new Proto().string(1, '').int(2, opset))
    .finish();
}
