import { describe, expect, test } from 'vitest';
import { fromWire, toWire } from './wire.ts';

describe('wire format', () => {
  test('carries typed arrays through JSON exactly', () => {
    const value = {
      sessionId: 3,
      timestampsMs: Float64Array.from([0, 33.366, 66.7, Number.MAX_VALUE]),
      faceFound: Uint8Array.from([1, 0, 1]),
      crops: Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff),
      nested: [{ f32: Float32Array.from([1.5, -2.25]) }],
    };
    const back = fromWire(toWire(value)) as typeof value;
    expect(back.timestampsMs).toBeInstanceOf(Float64Array);
    expect(back).toEqual(value);
  });

  test('carries a view into a larger buffer as just its own bytes', () => {
    const big = Uint8Array.from([9, 9, 1, 2, 3, 9]);
    expect(fromWire(toWire({ a: big.subarray(2, 5) }))).toEqual({ a: Uint8Array.from([1, 2, 3]) });
  });

  test('leaves look-alike plain objects alone and rejects torn elements', () => {
    expect(fromWire('{"$typed":"Int32Array","base64":"AAAA"}')).toEqual({ $typed: 'Int32Array', base64: 'AAAA' });
    expect(() => fromWire('{"$typed":"Float64Array","base64":"AAAA"}')).toThrow(/partial element/);
  });
});
