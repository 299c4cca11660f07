import { describe, expect, test } from 'vitest';
import { decodeWire, encodeWire } from './wire.ts';

describe('wire format', () => {
  test('carries typed arrays beside the JSON exactly', () => {
    const value = {
      sessionId: 3,
      timestampsMs: Float64Array.from([0, 33.366, 66.7, Number.MAX_VALUE]),
      faceFound: Uint8Array.from([1, 0, 2]),
      crops: Uint8Array.from({ length: 100_001 }, (_, i) => (i * 7) & 0xff),
      nested: [{ f32: Float32Array.from([1.5, -2.25]) }],
      text: 'ünïcode ♥',
    };
    const back = decodeWire(encodeWire(value)) as typeof value;
    expect(back.timestampsMs).toBeInstanceOf(Float64Array);
    expect(back).toEqual(value);
  });

  test('carries a view into a larger buffer as just its own bytes', () => {
    const big = Float64Array.from([9, 9, 1, 2, 3, 9]);
    expect(decodeWire(encodeWire({ a: big.subarray(2, 5) }))).toEqual({ a: Float64Array.from([1, 2, 3]) });
  });

  test('carries plain values and undefined input', () => {
    expect(decodeWire(encodeWire({ input: undefined }))).toEqual({});
    expect(decodeWire(encodeWire({ ok: true, value: [1, 'a', null] }))).toEqual({ ok: true, value: [1, 'a', null] });
  });

  test('rejects truncated messages and references outside the message', () => {
    const message = encodeWire({ a: Uint8Array.from([1, 2, 3, 4]) });
    expect(() => decodeWire(message.subarray(0, 2))).toThrow(/too short/);
    expect(() => decodeWire(message.subarray(0, message.length - 6))).toThrow(/outside the message/); // past the padding, into the data
    const forged = new TextEncoder().encode('{"a":{"$typed":"Uint8Array","offset":0,"length":1e9}}');
    const bytes = new Uint8Array(4 + forged.length);
    new DataView(bytes.buffer).setUint32(0, forged.length, true);
    bytes.set(forged, 4);
    expect(() => decodeWire(bytes)).toThrow(/outside the message/);
    expect(decodeWire(encodeWire({ $typed: 'Int32Array', offset: 0, length: 1 }))).toEqual({
      $typed: 'Int32Array',
      offset: 0,
      length: 1,
    });
  });
});
