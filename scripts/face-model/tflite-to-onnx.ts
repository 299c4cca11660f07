// Converts a float TFLite CNN (the op set of MediaPipe's BlazeFace) into an equivalent ONNX graph. Own code: the
// converters that exist (tf2onnx, tflite2onnx) are Python, and the build runs on Node alone.
//
// TFLite computes in NHWC, ONNX convolutions in NCHW: the graph transposes the input once, keeps every 4-D
// activation in NCHW, and transposes back only where the TFLite graph reshapes a 4-D tensor (its outputs are
// reshaped NHWC feature maps, so the order of anchors is kept). TFLite's SAME padding (extra row and column at
// the bottom/right) is written as explicit pads, and DEQUANTIZE of float16 weights is done here, once.
import { BUILTIN, readTflite, type TfModel, type TfOperator } from './tflite-model.ts';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-proto.ts';

const PADDING_SAME = 0;
const ACTIVATION_NONE = 0;
const ACTIVATION_RELU = 1;
const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** The name of the dynamic batch dimension. */
export const BATCH = 'batch';

interface Value {
  name: string;
  /** 4-D activations are held in NCHW; everything else as TFLite has it. */
  nchw: boolean;
}

/** Explicit begin/end pads for TFLite's SAME padding along one axis. */
export function samePads(size: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - size);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

class Converter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly values = new Map<number, Value>();
  private readonly constants = new Map<number, Float32Array>();
  private readonly nhwcCopies = new Map<number, string>();
  private readonly m: TfModel;

  constructor(m: TfModel) {
    this.m = m;
    m.tensors.forEach((t, i) => {
      if (t.data instanceof Float32Array) this.constants.set(i, t.data);
    });
  }

  private tensor(i: number) {
    const t = this.m.tensors[i];
    if (!t) throw new Error(`tensor ${i} is missing`);
    return t;
  }
  private constant(i: number): Float32Array {
    const data = this.constants.get(i);
    if (!data) throw new Error(`${this.tensor(i).name}: expected constant weights`);
    return data;
  }
  private value(i: number): Value {
    const v = this.values.get(i);
    if (!v) throw new Error(`${this.tensor(i).name} is used before it is computed`);
    return v;
  }
  private init(name: string, dims: number[], data: Float32Array | BigInt64Array): string {
    this.initializers.push({ name, dims, data });
    return name;
  }
  private emit(op: string, inputs: string[], output: string, attributes?: OnnxNode['attributes']): string {
    this.nodes.push({ op, inputs, outputs: [output], ...(attributes ? { attributes } : {}) });
    return output;
  }
  /** The TFLite-layout (NHWC) name of a value, transposing back when it is held as NCHW. */
  private asTflite(i: number): string {
    const v = this.value(i);
    if (!v.nchw) return v.name;
    const copy = this.nhwcCopies.get(i) ?? this.emit('Transpose', [v.name], `${v.name}__nhwc`, { perm: NCHW_TO_NHWC });
    this.nhwcCopies.set(i, copy);
    return copy;
  }
  private output(op: TfOperator, name: string, activation: number, nchw: boolean): void {
    const out = op.outputs[0]!;
    const tfName = this.tensor(out).name;
    if (activation === ACTIVATION_RELU) name = this.emit('Relu', [name], `${tfName}__relu`);
    else if (activation !== ACTIVATION_NONE)
      throw new Error(`${tfName}: fused activation ${activation} is not supported`);
    this.values.set(out, { name, nchw });
  }

  input(i: number): void {
    const name = this.tensor(i).name;
    this.values.set(i, { name: this.emit('Transpose', [name], `${name}__nchw`, { perm: NHWC_TO_NCHW }), nchw: true });
  }

  convert(op: TfOperator): void {
    const r = this.m.reader;
    const o = op.options;
    const opt = (field: number, fallback: number) => (o === null ? fallback : r.fieldI32(o, field, fallback));
    const optU8 = (field: number, fallback: number) => (o === null ? fallback : r.fieldU8(o, field, fallback));
    const outName = this.tensor(op.outputs[0]!).name;
    switch (op.op) {
      case BUILTIN.DEQUANTIZE:
        this.constants.set(op.outputs[0]!, this.constant(op.inputs[0]!));
        return;
      case BUILTIN.CONV_2D:
      case BUILTIN.DEPTHWISE_CONV_2D: {
        const depthwise = op.op === BUILTIN.DEPTHWISE_CONV_2D;
        // Conv2DOptions: padding 0, stride_w 1, stride_h 2, activation 3, dilation_w 4, dilation_h 5.
        // DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3, activation 4, dilation 5, 6.
        const [sw, sh] = [opt(1, 1), opt(2, 1)];
        const activation = optU8(depthwise ? 4 : 3, ACTIVATION_NONE);
        const [dw, dh] = depthwise ? [opt(5, 1), opt(6, 1)] : [opt(4, 1), opt(5, 1)];
        const [, inH, inW, inC] = this.tensor(op.inputs[0]!).shape as [number, number, number, number];
        const [kO, kH, kW, kI] = this.tensor(op.inputs[1]!).shape as [number, number, number, number];
        const outC = depthwise ? kI : kO;
        const perChannel = depthwise ? 1 : kI;
        const weights = transposeKernel(this.constant(op.inputs[1]!), [kO, kH, kW, kI], depthwise);
        const w = this.init(`${outName}__w`, [outC, perChannel, kH, kW], weights);
        const inputs = [this.value(op.inputs[0]!).name, w];
        if (op.inputs[2] !== undefined && op.inputs[2] >= 0)
          inputs.push(this.init(`${outName}__b`, [outC], this.constant(op.inputs[2])));
        const [pt, pb] = optU8(0, PADDING_SAME) === PADDING_SAME ? samePads(inH, kH, sh, dh) : [0, 0];
        const [pl, pr] = optU8(0, PADDING_SAME) === PADDING_SAME ? samePads(inW, kW, sw, dw) : [0, 0];
        const name = this.emit('Conv', inputs, outName, {
          kernel_shape: [kH, kW],
          strides: [sh, sw],
          dilations: [dh, dw],
          pads: [pt, pl, pb, pr],
          group: depthwise ? inC : 1,
        });
        this.output(op, name, activation, true);
        return;
      }
      case BUILTIN.MAX_POOL_2D: {
        // Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, activation 5.
        const [, inH, inW] = this.tensor(op.inputs[0]!).shape as [number, number, number, number];
        const [sw, sh, fw, fh] = [opt(1, 1), opt(2, 1), opt(3, 1), opt(4, 1)];
        const same = optU8(0, PADDING_SAME) === PADDING_SAME;
        const [pt, pb] = same ? samePads(inH, fh, sh) : [0, 0];
        const [pl, pr] = same ? samePads(inW, fw, sw) : [0, 0];
        const name = this.emit('MaxPool', [this.value(op.inputs[0]!).name], outName, {
          kernel_shape: [fh, fw],
          strides: [sh, sw],
          pads: [pt, pl, pb, pr],
        });
        this.output(op, name, optU8(5, ACTIVATION_NONE), true);
        return;
      }
      case BUILTIN.ADD: {
        const [a, b] = [this.value(op.inputs[0]!), this.value(op.inputs[1]!)];
        if (a.nchw !== b.nchw) throw new Error(`${outName}: mixed layouts`);
        this.output(op, this.emit('Add', [a.name, b.name], outName), optU8(0, ACTIVATION_NONE), a.nchw);
        return;
      }
      case BUILTIN.RELU: {
        const a = this.value(op.inputs[0]!);
        this.output(op, this.emit('Relu', [a.name], outName), ACTIVATION_NONE, a.nchw);
        return;
      }
      case BUILTIN.PAD: {
        const a = this.value(op.inputs[0]!);
        const paddings = Array.from(this.tensor(op.inputs[1]!).data as Int32Array);
        const rank = paddings.length / 2;
        const order = a.nchw ? NHWC_TO_NCHW : Array.from({ length: rank }, (_, k) => k);
        const pads = [...order.map((axis) => paddings[2 * axis]!), ...order.map((axis) => paddings[2 * axis + 1]!)];
        const padsName = this.init(`${outName}__pads`, [pads.length], BigInt64Array.from(pads, BigInt));
        this.output(op, this.emit('Pad', [a.name, padsName], outName), ACTIVATION_NONE, a.nchw);
        return;
      }
      case BUILTIN.RESHAPE: {
        // The batch stays dynamic: copy dimension 0, give the rest as TFLite has them.
        const shape = this.tensor(op.outputs[0]!).shape;
        const target = this.init(
          `${outName}__shape`,
          [shape.length],
          BigInt64Array.from([0, ...shape.slice(1)], BigInt),
        );
        this.output(op, this.emit('Reshape', [this.asTflite(op.inputs[0]!), target], outName), ACTIVATION_NONE, false);
        return;
      }
      case BUILTIN.CONCATENATION: {
        // ConcatenationOptions: axis 0, activation 1.
        const rank = this.tensor(op.outputs[0]!).shape.length;
        const axis = (opt(0, 0) + rank) % rank;
        const parts = op.inputs.map((i) => this.value(i));
        const nchw = parts.every((p) => p.nchw);
        const names = nchw ? parts.map((p) => p.name) : op.inputs.map((i) => this.asTflite(i));
        const onnxAxis = nchw ? NHWC_TO_NCHW.indexOf(axis) : axis;
        this.output(op, this.emit('Concat', names, outName, { axis: onnxAxis }), optU8(1, ACTIVATION_NONE), nchw);
        return;
      }
      default:
        throw new Error(`TFLite operator ${op.op} (${outName}) is not supported by this converter`);
    }
  }

  /** The graph output for a TFLite tensor, in TFLite's layout (named `<name>__nhwc` when transposed back). */
  finishOutput(i: number): string {
    return this.asTflite(i);
  }
}

/** TFLite kernels [O, H, W, I] (depthwise: [1, H, W, C]) → ONNX [O, I, H, W] (depthwise: [C, 1, H, W]). */
function transposeKernel(
  src: Float32Array,
  [o, h, w, i]: [number, number, number, number],
  depthwise: boolean,
): Float32Array {
  const out = new Float32Array(src.length);
  if (depthwise) {
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) for (let c = 0; c < i; c++) out[(c * h + y) * w + x] = src[(y * w + x) * i + c]!;
    return out;
  }
  for (let a = 0; a < o; a++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < i; c++) out[((a * i + c) * h + y) * w + x] = src[((a * h + y) * w + x) * i + c]!;
  return out;
}

export interface ConvertOptions {
  /** Also expose these TFLite tensors (by name, in TFLite layout) as graph outputs, for layer-by-layer checks. */
  extraOutputs?: string[];
  docString?: string;
}

/** The ONNX graph of a TFLite model: same input and output names, shapes and layouts, batch dynamic. */
export function tfliteToOnnx(tflite: Uint8Array, options: ConvertOptions = {}): OnnxGraph {
  const m = readTflite(tflite);
  const c = new Converter(m);
  for (const i of m.inputs) c.input(i);
  for (const op of m.operators) c.convert(op);
  const byName = new Map(m.tensors.map((t, i) => [t.name, i]));
  const extra = (options.extraOutputs ?? []).map((name) => {
    const i = byName.get(name);
    if (i === undefined) throw new Error(`no tensor named ${name}`);
    return i;
  });
  const shapeOf = (i: number) => [BATCH, ...m.tensors[i]!.shape.slice(1)];
  return {
    name: 'tflite',
    nodes: c.nodes,
    initializers: c.initializers,
    inputs: m.inputs.map((i) => ({ name: m.tensors[i]!.name, shape: shapeOf(i) })),
    outputs: [...m.outputs, ...extra].map((i) => ({ name: c.finishOutput(i), shape: shapeOf(i) })),
    ...(options.docString ? { docString: options.docString } : {}),
  };
}
