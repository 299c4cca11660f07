// The EDF reader on a file written by an independent tool (EDFlib, scripts/reference-fixtures/write-edf.c): header,
// scaling and samples as EDFlib reads them back; beats found in its ECG and pleth at the times they were drawn;
// truncated and malformed files refused with the reason.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { pickSignal, readEdf } from './edf-reader.ts';
import { parseReferenceFile } from './reference-files.ts';
import { referenceImport } from '../../common/references.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'ecg-pleth.edf')));
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'ecg-pleth.expected.json'), 'utf8')) as {
  signals: {
    label: string;
    samples: number;
    fs: number;
    physMax: number;
    physMin: number;
    dimension: string;
    samplesFrom100: number[];
  }[];
  records: number;
  beats: number[];
};

describe('an EDF+ file written by EDFlib', () => {
  const file = readEdf(bytes, 'ecg-pleth.edf');

  test('reads the header as EDFlib does, leaving the annotation signal out', () => {
    expect(file.format).toBe('EDF+C');
    expect(file.records).toBe(expected.records);
    expect(file.startDate).toBe('14.03.26');
    expect(file.signals.map((s) => s.label)).toEqual(expected.signals.map((s) => s.label.trim()));
    file.signals.forEach((s, k) => {
      expect(s.fs).toBe(expected.signals[k]!.fs);
      expect(s.physicalDimension).toBe(expected.signals[k]!.dimension.trim());
      expect(s.segments).toHaveLength(1);
      expect(s.segments[0]!.samples.length).toBe(expected.signals[k]!.samples);
    });
  });

  test('scales samples to physical units exactly as EDFlib reads them', () => {
    file.signals.forEach((s, k) => {
      const got = Array.from(s.segments[0]!.samples.subarray(100, 105));
      got.forEach((v, i) => expect(v).toBeCloseTo(expected.signals[k]!.samplesFrom100[i]!, 8));
    });
  });

  test('finds the R peaks of the ECG channel where they were drawn', () => {
    const input = referenceImport.parse({ sessionId: 1, fileName: 'ecg-pleth.edf', bytes });
    const ref = parseReferenceFile(input);
    expect(ref.kind).toBe('edf');
    expect(ref.details).toMatchObject({ channel: 'ECG II', fsHz: 250, signal: 'ecg' });
    const found = ref.beats.map((b) => b.tS);
    expect(found).toHaveLength(expected.beats.length);
    found.forEach((t, i) => expect(Math.abs(t - expected.beats[i]!)).toBeLessThan(0.008));
  });

  test('finds the pulse peaks of the pleth channel, one per heartbeat', () => {
    const input = referenceImport.parse({
      sessionId: 1,
      fileName: 'ecg-pleth.edf',
      bytes,
      channel: 'Pleth',
      signal: 'ppg',
    });
    const ref = parseReferenceFile(input);
    // Each pulse peaks after its R peak by the transit the fixture drew (0.25 s) plus the wave's own rise.
    const lag = ref.beats.map((b, i) => b.tS - expected.beats[i]!);
    expect(ref.beats).toHaveLength(expected.beats.length);
    for (const d of lag) expect(d).toBeGreaterThan(0.2);
    for (const d of lag) expect(Math.abs(d - lag[0]!)).toBeLessThan(0.03);
  });

  test('names the channels when the one asked for does not exist', () => {
    expect(() => pickSignal(file, 'SpO2', 'x.edf')).toThrow(
      'x.edf has no channel "SpO2" (channels: "ECG II", "Pleth")',
    );
  });
});

describe('damaged files', () => {
  test('a file cut inside its data records is refused as truncated', () => {
    expect(() => readEdf(bytes.subarray(0, bytes.length - 100), 'cut.edf')).toThrow(
      'cut.edf is truncated: 30 data records of 814 bytes are announced, 29 complete ones are in the file',
    );
  });

  test('a file cut inside its header is refused', () => {
    expect(() => readEdf(bytes.subarray(0, 300), 'cut.edf')).toThrow('truncated inside its header');
    expect(() => readEdf(bytes.subarray(0, 100), 'cut.edf')).toThrow('less than the 256 of an EDF header');
  });

  test('a header whose numbers are not numbers is refused', () => {
    const broken = bytes.slice();
    broken.set(new TextEncoder().encode('abc     '), 236);
    expect(() => readEdf(broken, 'bad.edf')).toThrow('the header\'s number of data records "abc" is not a number');
  });

  test('a BDF file is named as such', () => {
    const bdf = new Uint8Array(300);
    bdf[0] = 0xff;
    bdf.set(new TextEncoder().encode('BIOSEMI'), 1);
    expect(() => readEdf(bdf, 'x.bdf')).toThrow('is a BDF (24-bit) file');
  });
});
