// Binary framing for IPC payloads over HTTP (browser mode): JSON for the structure, typed arrays appended
// as raw bytes, so frame chunks cross without base64 or copies through strings.
//
// Layout: [u32 LE: JSON byte length][JSON][raw bytes of each typed array, in order, 8-byte aligned].

const TYPED_ARRAYS = { Uint8Array, Float32Array, Float64Array } as const;
type TypedName = keyof typeof TYPED_ARRAYS;
const isTypedName = (name: unknown): name is TypedName => typeof name === 'string' && Object.hasOwn(TYPED_ARRAYS, name);

interface TypedRef {
  $typed: TypedName;
  offset: number;
  length: number;
}

const align8 = (n: number) => (n + 7) & ~7;

export function encodeWire(value: unknown): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (!ArrayBuffer.isView(v) || !isTypedName(v.constructor.name)) return v;
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    const ref: TypedRef = {
      $typed: v.constructor.name,
      offset,
      length: v.byteLength / (v as Float64Array).BYTES_PER_ELEMENT,
    };
    parts.push(bytes);
    offset = align8(offset + bytes.length);
    return ref;
  });
  const head = new TextEncoder().encode(json ?? 'null');
  const start = align8(4 + head.length);
  const out = new Uint8Array(start + offset);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  let at = start;
  for (const part of parts) {
    out.set(part, at);
    at = align8(at + part.length);
  }
  return out;
}

export function decodeWire(bytes: Uint8Array): unknown {
  if (bytes.length < 4) throw new SyntaxError('Wire message too short');
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + jsonLength > bytes.length) throw new SyntaxError('Wire message truncated');
  const start = align8(4 + jsonLength);
  const json = new TextDecoder().decode(bytes.subarray(4, 4 + jsonLength));
  return JSON.parse(json, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || !isTypedName((v as TypedRef).$typed)) return v;
    const { $typed, offset, length } = v as TypedRef;
    const Ctor = TYPED_ARRAYS[$typed];
    const byteLength = length * Ctor.BYTES_PER_ELEMENT;
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      start + offset + byteLength > bytes.length
    ) {
      throw new SyntaxError(`${$typed} reference outside the message`);
    }
    // A copy: aligned for the element type, and independent of the request buffer.
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(start + offset, start + offset + byteLength));
    return new Ctor(copy.buffer, 0, length);
  });
}
