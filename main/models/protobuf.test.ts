// The protobuf wire helpers ONNX weights are written with: byte-for-byte pass-through of the real template,
// signed and packed integers, and malformed bytes refused with a ProtobufError rather than read past their end.
import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DEFAULT_TEMPLATE_PATH } from './checkpoint-to-onnx.ts';
import { concat, lenField, parseMessage, ProtobufError, repeatedVarints, textOf, varintOf, WIRE } from './protobuf.ts';

describe('protobuf wire helpers', () => {
  test('split the SSPD template into fields that put back together give the same bytes', () => {
    const template = new Uint8Array(fs.readFileSync(DEFAULT_TEMPLATE_PATH));
    const fields = parseMessage(template);
    expect(Buffer.compare(concat(fields.map((f) => f.raw)), template)).toBe(0);
    expect(varintOf(fields.find((f) => f.no === 1)!)).toBeGreaterThanOrEqual(7); // ir_version
    const graph = fields.find((f) => f.no === 7)!;
    expect(graph.wire).toBe(WIRE.LEN);
    expect(textOf(parseMessage(graph.payload).find((f) => f.no === 2)!)).not.toBe(''); // GraphProto.name
  });

  test('read negative and packed int64 values as ONNX writes them', () => {
    // dims: -1 unpacked (ten-byte two's complement), then 3 and 300 packed.
    const minusOne = Uint8Array.of(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    const packed = Uint8Array.of(0x0a, 0x03, 0x03, 0xac, 0x02);
    expect(repeatedVarints(parseMessage(concat([minusOne, packed])), 1)).toEqual([-1, 3, 300]);
  });

  test('encode a LEN field as tag, length and payload', () => {
    expect(Array.from(lenField(8, new TextEncoder().encode('ab')))).toEqual([0x42, 0x02, 0x61, 0x62]);
  });

  test('refuse a truncated message, a field number 0 and groups', () => {
    const cut = lenField(7, new Uint8Array(10)).subarray(0, 8);
    for (const bytes of [cut, Uint8Array.of(0x00, 0x01), Uint8Array.of(0x0b, 0x0c)]) {
      expect(() => parseMessage(bytes)).toThrow(ProtobufError);
    }
    expect(() => parseMessage(cut)).toThrow(/malformed protobuf: field at byte 0: premature EOF/);
  });
});
