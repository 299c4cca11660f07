// ONNX messages walked and rewritten field by field on @bufbuild/protobuf's wire reader and writer: no generated
// ONNX classes (a 3 MB template needs three of its messages), and every field not rewritten passes byte for byte.
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

export const WIRE = {
  VARINT: WireType.Varint,
  I64: WireType.Bit64,
  LEN: WireType.LengthDelimited,
  I32: WireType.Bit32,
} as const;

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

/** The reader's own errors ("premature EOF", "illegal tag") as ProtobufError, saying where. */
function decoding<T>(where: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ProtobufError) throw error;
    throw new ProtobufError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** int64 as a number (ONNX dims and enums fit easily); negatives arrive as 10-byte two's complement. */
const int64 = (reader: BinaryReader): number => Number(reader.int64());

/** The varint value of a VARINT field, as a number. */
export function varintOf(field: Field): number {
  return decoding(`field ${field.no}`, () => int64(new BinaryReader(field.payload)));
}

export function textOf(field: Field): string {
  return new TextDecoder().decode(field.payload);
}

/** Splits one message into its fields, in file order; nested messages stay unparsed bytes. */
export function parseMessage(bytes: Uint8Array): Field[] {
  const reader = new BinaryReader(bytes);
  const fields: Field[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    decoding(`field at byte ${start}`, () => {
      const [no, wire] = reader.tag();
      if (wire === WireType.StartGroup || wire === WireType.EndGroup)
        throw new ProtobufError(`wire type ${wire} at byte ${start} (groups are not used by ONNX)`);
      const payload = wire === WireType.LengthDelimited ? reader.bytes() : reader.skip(wire, no);
      fields.push({ no, wire, raw: bytes.subarray(start, reader.pos), payload });
    });
  }
  return fields;
}

/** Values of a repeated integer field, packed or not. */
export function repeatedVarints(fields: readonly Field[], no: number): number[] {
  const values: number[] = [];
  for (const field of fields.filter((f) => f.no === no)) {
    if (field.wire === WIRE.VARINT) values.push(varintOf(field));
    else if (field.wire === WIRE.LEN) {
      const reader = new BinaryReader(field.payload);
      decoding(`packed field ${no}`, () => {
        while (reader.pos < reader.len) values.push(int64(reader));
      });
    } else throw new ProtobufError(`field ${no} is not an integer`);
  }
  return values;
}

/** One LEN field (bytes, string or nested message), encoded. */
export function lenField(no: number, payload: Uint8Array): Uint8Array {
  return new BinaryWriter().tag(no, WireType.LengthDelimited).bytes(payload).finish();
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
