// Puts the face detector's wasm and model into renderer/public/mediapipe/ so the app serves them itself (never a CDN).
//
// The wasm comes from @mediapipe/tasks-vision (Apache-2.0). The short-range BlazeFace model comes from
// @mediapipe/face_detection (Apache-2.0), whose .tflite lacks the TFLite metadata that tasks-vision needs
// (a float input must declare its NormalizationOptions), so we add it here: BlazeFace takes RGB in [-1, 1],
// i.e. mean 127.5, std 127.5, as the legacy solution's graph fed it.
//
// Run: node scripts/mediapipe-assets.ts [outDir]   (before `vite build`; idempotent)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FlatReader as Reader } from './flatbuffer-reader.ts';

export const ASSET_DIR = path.join('renderer', 'public', 'mediapipe');
export const MODEL_FILE = 'blaze_face_short_range.tflite';
/** The ES-module loader: our detector runs in a module worker, where importScripts is unavailable. */
export const WASM_FILES = ['vision_wasm_module_internal.js', 'vision_wasm_module_internal.wasm'] as const;
const SOURCE_MODEL = path.join('node_modules', '@mediapipe', 'face_detection', 'face_detection_short_range.tflite');
const WASM_DIR = path.join('node_modules', '@mediapipe', 'tasks-vision', 'wasm');
const METADATA_NAME = 'TFLITE_METADATA';

// ---- a minimal flatbuffer writer, front to back (parents first, so every uoffset points forward) ----

/** An inline scalar field of a table. */
type Scalar = { t: 'u8'; v: number } | { t: 'u32'; v: number };
/** An object to serialise; `at` is one already in the output, at an absolute position. */
export type Fb =
  | { t: 'table'; fields: Array<Fb | Scalar | undefined> }
  | { t: 'string'; s: string }
  | { t: 'tables'; items: Fb[] }
  | { t: 'f32s'; v: number[] }
  | { t: 'bytes'; v: Uint8Array; align: number }
  | { t: 'at'; pos: number };

const table = (...fields: Array<Fb | Scalar | undefined>): Fb => ({ t: 'table', fields });
const str = (s: string): Fb => ({ t: 'string', s });
const tables = (...items: Fb[]): Fb => ({ t: 'tables', items });
const u8 = (v: number) => ({ t: 'u8' as const, v });
const u32 = (v: number) => ({ t: 'u32' as const, v });

class Writer {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  pos = 0;

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra));
    next.set(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  align(n: number, after = 0): void {
    while ((this.pos + after) % n !== 0) this.u8(0);
  }
  private put(size: number, set: (view: DataView, at: number) => void): void {
    this.ensure(size);
    set(this.view, this.pos);
    this.pos += size;
  }
  u8 = (v: number) => this.put(1, (d, at) => d.setUint8(at, v));
  u16 = (v: number) => this.put(2, (d, at) => d.setUint16(at, v, true));
  u32 = (v: number) => this.put(4, (d, at) => d.setUint32(at, v, true));
  i32 = (v: number) => this.put(4, (d, at) => d.setInt32(at, v, true));
  f32 = (v: number) => this.put(4, (d, at) => d.setFloat32(at, v, true));
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Writes `fb` here; returns where an offset to it must point. */
  write(fb: Fb): number {
    switch (fb.t) {
      case 'at':
        return fb.pos;
      case 'string': {
        const data = new TextEncoder().encode(fb.s);
        this.align(4);
        const at = this.pos;
        this.u32(data.length);
        this.raw(data);
        this.u8(0);
        return at;
      }
      case 'f32s': {
        this.align(4);
        const at = this.pos;
        this.u32(fb.v.length);
        fb.v.forEach((v) => this.f32(v));
        return at;
      }
      case 'bytes': {
        this.align(Math.max(4, fb.align), 4);
        const at = this.pos;
        this.u32(fb.v.length);
        this.raw(fb.v);
        return at;
      }
      case 'tables': {
        this.align(4);
        const at = this.pos;
        this.u32(fb.items.length);
        const slots = fb.items.map(() => (this.u32(0), this.pos - 4));
        fb.items.forEach((item, i) => this.link(slots[i]!, this.write(item)));
        return at;
      }
      case 'table':
        return this.writeTable(fb.fields);
    }
  }

  private link(slot: number, target: number): void {
    if (target <= slot) throw new Error('flatbuffer offsets must point forward');
    this.patchU32(slot, target - slot);
  }

  private writeTable(fields: Array<Fb | Scalar | undefined>): number {
    // Inline layout: 4-byte fields first, then bytes, so each sits at its natural alignment.
    const wide = fields.flatMap((f, i) => (f && f.t !== 'u8' ? [i] : []));
    const narrow = fields.flatMap((f, i) => (f?.t === 'u8' ? [i] : []));
    const offsets = new Array<number>(fields.length).fill(0);
    let size = 4;
    for (const i of wide) {
      offsets[i] = size;
      size += 4;
    }
    for (const i of narrow) {
      offsets[i] = size;
      size += 1;
    }
    this.align(2);
    const vtable = this.pos;
    this.u16(4 + 2 * fields.length);
    this.u16(size);
    offsets.forEach((o) => this.u16(o));
    this.align(4);
    const at = this.pos;
    this.i32(at - vtable);
    const children: Array<[number, Fb]> = [];
    for (const i of [...wide, ...narrow]) {
      const f = fields[i]!;
      if (f.t === 'u8') this.u8(f.v);
      else if (f.t === 'u32') this.u32(f.v);
      else children.push([(this.u32(0), this.pos - 4), f]);
    }
    for (const [slot, child] of children) this.link(slot, this.write(child));
    return at;
  }
}

/** A standalone flatbuffer: root offset, 4-byte file identifier, then the root table. */
export function finishBuffer(root: Fb, identifier: string): { bytes: Uint8Array; headerLength: number } {
  const w = new Writer();
  w.u32(0);
  w.raw(new TextEncoder().encode(identifier));
  w.patchU32(0, w.write(root));
  w.align(16);
  return { bytes: w.bytes(), headerLength: w.pos };
}

// ---- the metadata (schema: mediapipe/tasks/metadata/metadata_schema.fbs, identifier M001) ----

const IMAGE_PROPERTIES = 2; // ContentProperties union tag
const NORMALIZATION_OPTIONS = 1; // ProcessUnitOptions union tag
const COLOR_SPACE_RGB = 1;

export function blazeFaceMetadata(inputSize: number): Uint8Array {
  const image = table(
    str('image'),
    str('RGB image, normalised to [-1, 1] by (x - 127.5) / 127.5.'),
    undefined,
    table(u8(IMAGE_PROPERTIES), table(u8(COLOR_SPACE_RGB), table(u32(inputSize), u32(inputSize)))),
    tables(table(u8(NORMALIZATION_OPTIONS), table({ t: 'f32s', v: [127.5] }, { t: 'f32s', v: [127.5] }))),
    table({ t: 'f32s', v: [1] }, { t: 'f32s', v: [-1] }),
  );
  const subgraph = table(
    str('BlazeFace short-range'),
    undefined,
    tables(image),
    tables(table(str('regressors')), table(str('classificators'))),
  );
  const model = table(
    str('BlazeFace short-range face detector'),
    str('MediaPipe face_detection_short_range.tflite with TFLite metadata added by Pulse Studio.'),
    str('v1'),
    tables(subgraph),
    str('Google LLC (MediaPipe)'),
    str('Apache License, Version 2.0: http://www.apache.org/licenses/LICENSE-2.0'),
    undefined,
    str('1.0.0'),
  );
  return finishBuffer(model, 'M001').bytes;
}

// ---- reading the TFLite model and re-rooting it with the metadata added ----

// TFLite schema, table Model: version, operator_codes, subgraphs, description, buffers,
// metadata_buffer, metadata, signature_defs.
const MODEL_FIELDS = 8;
const F_VERSION = 0;
const F_BUFFERS = 4;
const F_METADATA = 6;

/**
 * The same model with `metadata` stored as TFLITE_METADATA. The old flatbuffer is kept byte for byte behind a
 * new header (shifted by a multiple of 16, which keeps every alignment); the new root table points into it.
 */
export function withMetadata(model: Uint8Array, metadata: Uint8Array): Uint8Array {
  const r = new Reader(model);
  if (new TextDecoder().decode(model.subarray(4, 8)) !== 'TFL3') throw new Error('not a TFLite flatbuffer');
  const root = r.u32(0);
  if (r.fieldCount(root) > MODEL_FIELDS) throw new Error('unknown fields in the TFLite Model table');
  const oldBuffers = r.field(root, F_BUFFERS);
  const bufferTargets = oldBuffers === null ? [] : r.vector(r.deref(oldBuffers));
  const oldMetadata = r.field(root, F_METADATA);
  const metadataTargets = (oldMetadata === null ? [] : r.vector(r.deref(oldMetadata))).filter((m) => {
    const name = r.field(m, 0);
    return name === null || r.string(r.deref(name)) !== METADATA_NAME;
  });

  const build = (shift: number) => {
    const fields: Array<Fb | Scalar | undefined> = [];
    for (let i = 0; i < MODEL_FIELDS; i++) {
      const slot = r.field(root, i);
      if (i === F_VERSION) fields.push(slot === null ? undefined : u32(r.u32(slot)));
      else if (i === F_BUFFERS)
        fields.push(
          tables(
            ...bufferTargets.map((pos) => ({ t: 'at' as const, pos: pos + shift })),
            table({ t: 'bytes', v: metadata, align: 16 }),
          ),
        );
      else if (i === F_METADATA)
        fields.push(
          tables(
            ...metadataTargets.map((pos) => ({ t: 'at' as const, pos: pos + shift })),
            table(str(METADATA_NAME), u32(bufferTargets.length)),
          ),
        );
      else fields.push(slot === null ? undefined : { t: 'at', pos: r.deref(slot) + shift });
    }
    return finishBuffer({ t: 'table', fields }, 'TFL3');
  };
  // Header sizes do not depend on the offsets' values: measure once, then build for real.
  const shift = build(model.length * 4).headerLength;
  const header = build(shift);
  if (header.headerLength !== shift) throw new Error('header length changed between passes');
  const out = new Uint8Array(shift + model.length);
  out.set(header.bytes, 0);
  out.set(model, shift);
  return out;
}

/** The model's metadata entries (name → buffer index), in order. */
export function listMetadata(model: Uint8Array): Array<{ name: string; buffer: number }> {
  const r = new Reader(model);
  const slot = r.field(r.u32(0), F_METADATA);
  if (slot === null) return [];
  return r.vector(r.deref(slot)).map((m) => {
    const name = r.field(m, 0);
    const buffer = r.field(m, 1);
    return { name: name === null ? '' : r.string(r.deref(name)), buffer: buffer === null ? 0 : r.u32(buffer) };
  });
}

/** Reads the normalisation (mean, std) that the model's metadata declares for input 0, or null. */
export function readInputNormalization(model: Uint8Array): { mean: number[]; std: number[] } | null {
  const entry = listMetadata(model).find((m) => m.name === METADATA_NAME);
  if (!entry) return null;
  const r = new Reader(model);
  const buffer = r.vector(r.deref(r.field(r.u32(0), F_BUFFERS)!))[entry.buffer]!;
  const data = r.deref(r.field(buffer, 0)!);
  const meta = new Reader(model.subarray(data + 4, data + 4 + r.u32(data)));
  if (new TextDecoder().decode(meta.bytes.subarray(4, 8)) !== 'M001') return null;
  const path = (at: number, ...steps: number[]) => steps.reduce((pos, i) => meta.deref(meta.field(pos, i)!), at);
  const subgraph = meta.vector(path(meta.u32(0), 3))[0]!;
  const input = meta.vector(path(subgraph, 2))[0]!;
  const unit = meta.vector(path(input, 4))[0]!;
  const floats = (at: number) =>
    Array.from({ length: meta.u32(at) }, (_, i) => meta.view.getFloat32(at + 4 + 4 * i, true));
  const options = path(unit, 1);
  return { mean: floats(path(options, 0)), std: floats(path(options, 1)) };
}

function copyIfChanged(from: string, to: string): void {
  const a = fs.statSync(from);
  const b = fs.statSync(to, { throwIfNoEntry: false });
  if (b && b.size === a.size && b.mtimeMs >= a.mtimeMs) return;
  fs.copyFileSync(from, to);
}

const NOTICE = `Generated by scripts/mediapipe-assets.ts — do not edit, do not commit.
${WASM_FILES.join(', ')}: @mediapipe/tasks-vision (Apache-2.0), copied unchanged.
${MODEL_FILE}: face_detection_short_range.tflite from @mediapipe/face_detection (Apache-2.0, Google LLC),
  unchanged weights, with TFLite metadata (input normalisation mean 127.5, std 127.5, RGB) added.
`;

export function writeAssets(outDir = ASSET_DIR): void {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    path.join(outDir, '.gitignore'),
    '# Generated at build time by scripts/mediapipe-assets.ts\n*\n!.gitignore\n',
  );
  for (const file of WASM_FILES) copyIfChanged(path.join(WASM_DIR, file), path.join(outDir, file));
  const model = withMetadata(fs.readFileSync(SOURCE_MODEL), blazeFaceMetadata(128));
  fs.writeFileSync(path.join(outDir, MODEL_FILE), model);
  fs.writeFileSync(path.join(outDir, 'NOTICE.txt'), NOTICE);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  writeAssets(process.argv[2]);
  console.log(`mediapipe assets → ${process.argv[2] ?? ASSET_DIR}`);
}
