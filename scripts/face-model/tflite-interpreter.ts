// A slow, literal NHWC interpreter of the TFLite operators tflite-to-onnx.ts converts, written from the TFLite
// reference kernels' definitions: the yardstick the converted ONNX graph is checked against, layer by layer.
import { BUILTIN, readTflite, type TfModel } from './tflite-model.ts';
import { samePads } from './tflite-to-onnx.ts';

export interface NhwcTensor {
  shape: number[];
  data: Float32Array;
}

function relu(t: NhwcTensor): NhwcTensor {
  return { shape: t.shape, data: t.data.map((v) => Math.max(0, v)) };
}

function conv(
  x: NhwcTensor,
  w: NhwcTensor,
  bias: Float32Array | null,
  stride: [number, number],
  same: boolean,
  depthwise: boolean,
): NhwcTensor {
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  const [ko, kh, kw, ki] = w.shape as [number, number, number, number];
  const [sh, sw] = stride;
  const [pt] = same ? samePads(h, kh, sh) : [0];
  const [pl] = same ? samePads(wd, kw, sw) : [0];
  const oh = same ? Math.ceil(h / sh) : Math.floor((h - kh) / sh) + 1;
  const ow = same ? Math.ceil(wd / sw) : Math.floor((wd - kw) / sw) + 1;
  const oc = depthwise ? ki : ko;
  const out = new Float32Array(n * oh * ow * oc);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let o = 0; o < oc; o++) {
          let sum = bias ? bias[o]! : 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh + ky - pt;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw + kx - pl;
              if (ix < 0 || ix >= wd) continue;
              const at = ((b * h + iy) * wd + ix) * c;
              if (depthwise) sum += x.data[at + o]! * w.data[(ky * kw + kx) * ki + o]!;
              else for (let i = 0; i < c; i++) sum += x.data[at + i]! * w.data[((o * kh + ky) * kw + kx) * ki + i]!;
            }
          }
          out[((b * oh + oy) * ow + ox) * oc + o] = sum;
        }
  return { shape: [n, oh, ow, oc], data: out };
}

function maxPool(x: NhwcTensor, k: [number, number], s: [number, number]): NhwcTensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [oh, ow] = [Math.ceil(h / s[0]), Math.ceil(w / s[1])];
  const out = new Float32Array(n * oh * ow * c).fill(-Infinity);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ky = 0; ky < k[0]; ky++)
          for (let kx = 0; kx < k[1]; kx++) {
            const [iy, ix] = [oy * s[0] + ky, ox * s[1] + kx];
            if (iy >= h || ix >= w) continue;
            for (let ch = 0; ch < c; ch++) {
              const o = ((b * oh + oy) * ow + ox) * c + ch;
              out[o] = Math.max(out[o]!, x.data[((b * h + iy) * w + ix) * c + ch]!);
            }
          }
  return { shape: [n, oh, ow, c], data: out };
}

function pad(x: NhwcTensor, paddings: Int32Array): NhwcTensor {
  const shape = x.shape.map((d, i) => d + paddings[2 * i]! + paddings[2 * i + 1]!);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const rank = x.shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < x.data.length; flat++) {
    let rest = flat;
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = rest % x.shape[d]!;
      rest = Math.floor(rest / x.shape[d]!);
    }
    let o = 0;
    for (let d = 0; d < rank; d++) o = o * shape[d]! + index[d]! + paddings[2 * d]!;
    out[o] = x.data[flat]!;
  }
  return { shape, data: out };
}

function concat(parts: NhwcTensor[], axis: number): NhwcTensor {
  const outer = parts[0]!.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = (p: NhwcTensor) => p.shape.slice(axis).reduce((a, b) => a * b, 1);
  const shape = [...parts[0]!.shape];
  shape[axis] = parts.reduce((s, p) => s + p.shape[axis]!, 0);
  const out = new Float32Array(outer * parts.reduce((s, p) => s + inner(p), 0));
  let o = 0;
  for (let b = 0; b < outer; b++)
    for (const p of parts) {
      out.set(p.data.subarray(b * inner(p), (b + 1) * inner(p)), o);
      o += inner(p);
    }
  return { shape, data: out };
}

/** Runs the model on one NHWC input; returns every tensor it computed, by TFLite name. */
export function interpret(tflite: Uint8Array | TfModel, input: NhwcTensor): Map<string, NhwcTensor> {
  const m = tflite instanceof Uint8Array ? readTflite(tflite) : tflite;
  const r = m.reader;
  const values = new Map<number, NhwcTensor>();
  m.tensors.forEach((t, i) => t.data instanceof Float32Array && values.set(i, { shape: t.shape, data: t.data }));
  values.set(m.inputs[0]!, input);
  const get = (i: number) => values.get(i)!;
  for (const op of m.operators) {
    const o = op.options;
    const opt = (field: number, fallback: number) => (o === null ? fallback : r.fieldI32(o, field, fallback));
    const activation = (field: number) => (t: NhwcTensor) => (o !== null && r.fieldU8(o, field) === 1 ? relu(t) : t);
    const same = o === null || r.fieldU8(o, 0) === 0;
    let out: NhwcTensor;
    switch (op.op) {
      case BUILTIN.DEQUANTIZE:
        out = get(op.inputs[0]!);
        break;
      case BUILTIN.CONV_2D:
      case BUILTIN.DEPTHWISE_CONV_2D: {
        const dw = op.op === BUILTIN.DEPTHWISE_CONV_2D;
        out = activation(dw ? 4 : 3)(
          conv(
            get(op.inputs[0]!),
            get(op.inputs[1]!),
            op.inputs[2]! >= 0 ? get(op.inputs[2]!).data : null,
            [opt(2, 1), opt(1, 1)],
            same,
            dw,
          ),
        );
        break;
      }
      case BUILTIN.MAX_POOL_2D:
        out = activation(5)(maxPool(get(op.inputs[0]!), [opt(4, 1), opt(3, 1)], [opt(2, 1), opt(1, 1)]));
        break;
      case BUILTIN.ADD: {
        const [a, b] = [get(op.inputs[0]!), get(op.inputs[1]!)];
        out = activation(0)({ shape: a.shape, data: a.data.map((v, k) => v + b.data[k]!) });
        break;
      }
      case BUILTIN.RELU:
        out = relu(get(op.inputs[0]!));
        break;
      case BUILTIN.PAD:
        out = pad(get(op.inputs[0]!), m.tensors[op.inputs[1]!]!.data as Int32Array);
        break;
      case BUILTIN.RESHAPE:
        out = { shape: [input.shape[0]!, ...m.tensors[op.outputs[0]!]!.shape.slice(1)], data: get(op.inputs[0]!).data };
        break;
      case BUILTIN.CONCATENATION: {
        const rank = m.tensors[op.outputs[0]!]!.shape.length;
        out = activation(1)(concat(op.inputs.map(get), (opt(0, 0) + rank) % rank));
        break;
      }
      default:
        throw new Error(`operator ${op.op} is not interpreted`);
    }
    values.set(op.outputs[0]!, out);
  }
  return new Map([...values].map(([i, t]) => [m.tensors[i]!.name, t]));
}
