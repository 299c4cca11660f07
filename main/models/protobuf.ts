// Just enough of the protobuf wire format to walk ONNX messages and rewrite some of their fields.

export const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

export interface Field {
  readonly no: number;
  readonly wire: number;
  /** The whole encoded field, tag included: re-emitted as it is when the field is kept. */
  readonly raw: Uint8Array;
  /** LEN: the payload; VARINT: the value's bytes as they were; fixed: the 4 or 8 bytes. */
  readonly payload: Uint8Array;
}

export class ProtobufError extends Error {
  constructor(message: string) {
    super(`malformed protobuf: ${message}`);
    this.name = 'ProtobufError';
  }
}

function readVarint(bytes: Uint8Array, at: number): { value: bigint; end: number } {
  let value = 0n;
  for (let shift = 0n, i = at; i < bytes.length && shift < 70n; shift += 7n, i++) {
    const byte = bytes[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return { value, end: i + 1 };
  }
  throw new ProtobufError(`varint at byte ${at} runs past the end`);
}

/** The varint value of a VARINT field, as a number (ONNX dims and enums fit easily). */
export function varintOf(field: Field): number {
  const { value } = readVarint(field.payload, 0);
  // int64 negatives arrive as 10-byte two's complement.
  return Number(BigInt.asIntN(64, value));
}

export function textOf(field: Field): string {
  return new TextDecoder().decode(field.payload);
}

/** Splits one message into its fields, in file order; nested messages stay unparsed bytes. */
export function parseMessage(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const tag = readVarint(bytes, at);
    at = tag.end;
    const no = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    let payloadStart = at;
    if (wire === WIRE.VARINT) at = readVarint(bytes, at).end;
    else if (wire === WIRE.I64) at += 8;
    else if (wire === WIRE.I32) at += 4;
    else if (wire === WIRE.LEN) {
      const length = readVarint(bytes, at);
      payloadStart = length.end;
      at = length.end + Number(length.value);
    } else throw new ProtobufError(`wire type ${wire} at byte ${start} (groups are not used by ONNX)`);
    if (no === 0 || at > bytes.length) throw new ProtobufError(`field at byte ${start} runs past the end`);
    fields.push({ no, wire, raw: bytes.subarray(start, at), payload: bytes.subarray(payloadStart, at) });
  }
  return fields;
}

/** Values of a repeated integer field, packed or not. */
export function repeatedVarints(fields: readonly Field[], no: number): number[] {
  const values: number[] = [];
  for (const field of fields.filter((f) => f.no === no)) {
    if (field.wire === WIRE.VARINT) values.push(varintOf(field));
    else if (field.wire === WIRE.LEN) {
      for (let at = 0; at < field.payload.length;) {
        const { value, end } = readVarint(field.payload, at);
        values.push(Number(BigInt.asIntN(64, value)));
        at = end;
      }
    } else throw new ProtobufError(`field ${no} is not an integer`);
  }
  return values;
}

function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let v = BigInt(value);
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Uint8Array.from(out);
}

/** One LEN field (bytes, string or nested message), encoded. */
export function lenField(no: number, payload: Uint8Array): Uint8Array {
  return concat([encodeVarint((no << 3) | WIRE.LEN), encodeVarint(payload.length), payload]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
