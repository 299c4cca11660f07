// JSON with typed arrays: how IPC payloads (frame chunks, video bytes) cross HTTP in browser mode.

const TYPED_ARRAYS = { Uint8Array, Float32Array, Float64Array } as const;
type TypedName = keyof typeof TYPED_ARRAYS;
const isTypedName = (name: unknown): name is TypedName => typeof name === 'string' && Object.hasOwn(TYPED_ARRAYS, name);

interface TypedJson {
  $typed: TypedName;
  base64: string;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const STEP = 0x8000; // String.fromCharCode's argument count is limited
  for (let i = 0; i < bytes.length; i += STEP) binary += String.fromCharCode(...bytes.subarray(i, i + STEP));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!ArrayBuffer.isView(v) || !isTypedName(v.constructor.name)) return v;
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return { $typed: v.constructor.name, base64: toBase64(bytes) } satisfies TypedJson;
  });
}

export function fromWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || !isTypedName((v as TypedJson).$typed) || typeof (v as TypedJson).base64 !== 'string') return v;
    const { $typed, base64 } = v as TypedJson;
    const bytes = fromBase64(base64);
    const Ctor = TYPED_ARRAYS[$typed];
    if (bytes.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new SyntaxError(`${$typed} payload has a partial element`);
    return new Ctor(bytes.buffer as ArrayBuffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
  });
}
