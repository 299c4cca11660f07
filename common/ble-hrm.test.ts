// The 0x2A37 parser on byte fixtures: hand-written notifications as straps send them, every combination of the
// five defined flag bits (reserved bits set too), and malformed lengths refused with a message that says why.
import { describe, expect, test } from 'vitest';
import { HeartRateFormatError, parseHeartRateMeasurement } from './ble-hrm.ts';

describe('hand-written notifications', () => {
  test('reads an 8-bit heart rate with nothing else', () => {
    expect(parseHeartRateMeasurement([0x00, 72])).toEqual({
      bpm: 72,
      contact: 'unsupported',
      energyKj: null,
      rrMs: [],
    });
  });

  test('reads a 16-bit heart rate little-endian', () => {
    expect(parseHeartRateMeasurement([0x01, 0x2c, 0x01]).bpm).toBe(300);
  });

  test('reads contact, energy and two RR intervals in 1/1024 s', () => {
    // flags 0x1e: contact supported + detected, energy present, RR present; HR 64; 0x0102 = 258 kJ; RR 1024 and 512.
    const m = parseHeartRateMeasurement(Uint8Array.of(0x1e, 64, 0x02, 0x01, 0x00, 0x04, 0x00, 0x02));
    expect(m).toEqual({ bpm: 64, contact: 'detected', energyKj: 258, rrMs: [1000, 500] });
  });

  test('says contact is lost only when the strap supports detecting it', () => {
    expect(parseHeartRateMeasurement([0x04, 0]).contact).toBe('not-detected');
    expect(parseHeartRateMeasurement([0x02, 70]).contact).toBe('unsupported');
  });

  test('reads from a DataView at an offset, as Web Bluetooth hands it over', () => {
    const buffer = Uint8Array.of(0xff, 0xff, 0x10, 60, 0x00, 0x03).buffer;
    expect(parseHeartRateMeasurement(new DataView(buffer, 2, 4))).toEqual({
      bpm: 60,
      contact: 'unsupported',
      energyKj: null,
      rrMs: [750],
    });
  });
});

/** An encoder written from the specification's field table, independent of the parser's code. */
function encode(flags: number, bpm: number, energy: number, rr: number[]): number[] {
  const bytes = [flags];
  const u16 = (v: number) => bytes.push(v & 0xff, v >> 8);
  if (flags & 1) u16(bpm);
  else bytes.push(bpm);
  if (flags & 8) u16(energy);
  if (flags & 16) rr.forEach(u16);
  return bytes;
}

describe('every flag combination', () => {
  const combos = Array.from({ length: 32 }, (_, flags) => flags);
  test.each(combos)('flags 0x%s decode to the fields they announce', (flags) => {
    for (const reserved of [0x00, 0xe0]) {
      const bpm = flags & 1 ? 260 : 181;
      const m = parseHeartRateMeasurement(encode(flags | reserved, bpm, 4321, [1100, 980, 1010]));
      expect(m.bpm).toBe(bpm);
      expect(m.energyKj).toBe(flags & 8 ? 4321 : null);
      expect(m.rrMs).toEqual(flags & 16 ? [1100, 980, 1010].map((v) => (v * 1000) / 1024) : []);
      expect(m.contact).toBe(flags & 4 ? (flags & 2 ? 'detected' : 'not-detected') : 'unsupported');
    }
  });

  test.each(combos)('flags 0x%s with one byte missing are refused', (flags) => {
    const bytes = encode(flags, 70, 10, [1000]);
    expect(() => parseHeartRateMeasurement(bytes.slice(0, -1))).toThrow(HeartRateFormatError);
  });
});

describe('malformed lengths', () => {
  test('an empty value', () => {
    expect(() => parseHeartRateMeasurement([])).toThrow('the value is empty');
  });

  test('a 16-bit heart rate cut short', () => {
    expect(() => parseHeartRateMeasurement([0x01, 0x48])).toThrow('2 bytes, but flags 0x01 announce at least 3');
  });

  test('energy announced but missing', () => {
    expect(() => parseHeartRateMeasurement([0x08, 70, 0x01])).toThrow('announce at least 4');
  });

  test('an odd number of RR bytes', () => {
    expect(() => parseHeartRateMeasurement([0x10, 70, 0x00, 0x04, 0x01])).toThrow(
      '3 bytes; it must be a whole number of 16-bit values',
    );
  });

  test('RR announced but none sent', () => {
    expect(() => parseHeartRateMeasurement([0x10, 70])).toThrow('holds 0 bytes');
  });

  test('trailing bytes that no flag announces', () => {
    expect(() => parseHeartRateMeasurement([0x00, 70, 0x12])).toThrow('1 bytes follow the announced fields');
  });
});
