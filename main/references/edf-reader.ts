// Own EDF/EDF+ reader: npm has no maintained one (one pre-release, tied to a viewer framework). Written from the
// published specifications — Kemp et al., "A simple format for exchange of digitized polygraphic recordings",
// Electroenceph. Clin. Neurophysiol. 82:391–393, 1992, and Kemp & Olivan, "European data format 'plus' (EDF+)",
// Clin. Neurophysiol. 114:1755–1761, 2003: an ASCII header of 256 + 256 × ns bytes, then data records holding each
// signal's samples in turn as 16-bit little-endian two's complement integers, scaled linearly to physical units.
import { bad } from './reference-error.ts';

export interface EdfSignal {
  label: string;
  transducer: string;
  physicalDimension: string;
  fs: number;
  /** Contiguous stretches (one for EDF and EDF+C; EDF+D may have gaps), in physical units, starting at startS. */
  segments: { startS: number; samples: Float64Array }[];
}

export interface EdfFile {
  format: 'EDF' | 'EDF+C' | 'EDF+D';
  startDate: string;
  startTime: string;
  records: number;
  recordS: number;
  durationS: number;
  signals: EdfSignal[];
}

const ANNOTATIONS = 'EDF Annotations';
const MAX_SIGNALS = 1024;

/** An EDF file starts with its version, "0" padded with spaces to 8 bytes. */
export function isEdf(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && String.fromCharCode(...bytes.subarray(0, 8)) === '0       ';
}

export function readEdf(bytes: Uint8Array, name: string): EdfFile {
  if (bytes.length >= 8 && bytes[0] === 0xff && String.fromCharCode(...bytes.subarray(1, 8)) === 'BIOSEMI')
    throw bad(`${name} is a BDF (24-bit) file: export it as EDF`);
  if (!isEdf(bytes)) throw bad(`${name} is not an EDF file (it does not start with the EDF version "0")`);
  if (bytes.length < 256) throw bad(`${name} is truncated: ${bytes.length} bytes, less than the 256 of an EDF header`);
  const ascii = (from: number, length: number) => String.fromCharCode(...bytes.subarray(from, from + length)).trim();
  const number = (from: number, length: number, what: string) => {
    const text = ascii(from, length);
    const v = Number(text);
    if (text === '' || !Number.isFinite(v)) throw bad(`${name}: the header's ${what} "${text}" is not a number`);
    return v;
  };
  const ns = number(252, 4, 'number of signals');
  if (!Number.isInteger(ns) || ns < 1 || ns > MAX_SIGNALS) throw bad(`${name}: the header announces ${ns} signals`);
  const headerBytes = number(184, 8, 'header size');
  if (headerBytes !== 256 * (ns + 1))
    throw bad(`${name}: the header size ${headerBytes} does not match ${ns} signals (${256 * (ns + 1)} bytes)`);
  if (bytes.length < headerBytes)
    throw bad(`${name} is truncated inside its header (${bytes.length} of ${headerBytes} bytes)`);
  const reserved = ascii(192, 44);
  const format = reserved.startsWith('EDF+D') ? 'EDF+D' : reserved.startsWith('EDF+C') ? 'EDF+C' : 'EDF';
  const recordS = number(244, 8, 'data record duration');
  if (!(recordS > 0)) throw bad(`${name}: data records of ${recordS} s hold no signal`);

  const field = (block: number, width: number, k: number) => 256 + block * ns + width * k;
  let offset = 0;
  const blocks: Record<string, number> = {};
  for (const [key, width] of [
    ['label', 16],
    ['transducer', 80],
    ['dimension', 8],
    ['physMin', 8],
    ['physMax', 8],
    ['digMin', 8],
    ['digMax', 8],
    ['prefilter', 80],
    ['samples', 8],
    ['reserved', 32],
  ] as const) {
    blocks[key] = offset;
    offset += width;
  }
  const heads = Array.from({ length: ns }, (_, k) => {
    const label = ascii(field(blocks.label!, 16, k), 16);
    const n = number(field(blocks.samples!, 8, k), 8, `samples per record of "${label}"`);
    if (!Number.isInteger(n) || n < 1) throw bad(`${name}: signal "${label}" has ${n} samples per record`);
    const digMin = number(field(blocks.digMin!, 8, k), 8, `digital minimum of "${label}"`);
    const digMax = number(field(blocks.digMax!, 8, k), 8, `digital maximum of "${label}"`);
    const physMin = number(field(blocks.physMin!, 8, k), 8, `physical minimum of "${label}"`);
    const physMax = number(field(blocks.physMax!, 8, k), 8, `physical maximum of "${label}"`);
    if (!(digMax > digMin) && label !== ANNOTATIONS)
      throw bad(`${name}: signal "${label}" has digital maximum ${digMax} not above its minimum ${digMin}`);
    return {
      label,
      n,
      digMin,
      digMax,
      physMin,
      physMax,
      transducer: ascii(field(blocks.transducer!, 80, k), 80),
      dimension: ascii(field(blocks.dimension!, 8, k), 8),
    };
  });
  const recordBytes = heads.reduce((s, h) => s + 2 * h.n, 0);
  const available = Math.floor((bytes.length - headerBytes) / recordBytes);
  const announced = number(236, 8, 'number of data records');
  // -1: the recorder could not write the count (still recording); the file's length gives it.
  const records = announced === -1 ? available : announced;
  if (!Number.isInteger(records) || records < 1) throw bad(`${name}: the header announces ${announced} data records`);
  if (available < records || (announced === -1 && (bytes.length - headerBytes) % recordBytes !== 0)) {
    throw bad(
      `${name} is truncated: ${records} data records of ${recordBytes} bytes are announced, ${available} complete ones are in the file`,
    );
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (record: number, signal: number) =>
    headerBytes + record * recordBytes + heads.slice(0, signal).reduce((s, h) => s + 2 * h.n, 0);
  const annotationIndex = heads.findIndex((h) => h.label === ANNOTATIONS);
  const onsets = Array.from({ length: records }, (_, r) =>
    format === 'EDF+D' && annotationIndex >= 0
      ? recordOnset(bytes, at(r, annotationIndex), heads[annotationIndex]!.n * 2, name, r)
      : r * recordS,
  );
  // Records whose onsets follow each other without a gap form one segment.
  const runs: { first: number; count: number }[] = [];
  onsets.forEach((onset, r) => {
    const last = runs.at(-1);
    if (last && Math.abs(onset - (onsets[last.first]! + last.count * recordS)) < 1e-6) last.count++;
    else runs.push({ first: r, count: 1 });
  });
  const signals: EdfSignal[] = heads.flatMap((h, k) => {
    if (k === annotationIndex || h.label === ANNOTATIONS) return [];
    const gain = (h.physMax - h.physMin) / (h.digMax - h.digMin);
    const segments = runs.map((run) => {
      const samples = new Float64Array(run.count * h.n);
      for (let r = 0; r < run.count; r++) {
        const base = at(run.first + r, k);
        for (let i = 0; i < h.n; i++)
          samples[r * h.n + i] = (view.getInt16(base + 2 * i, true) - h.digMin) * gain + h.physMin;
      }
      return { startS: onsets[run.first]!, samples };
    });
    return [{ label: h.label, transducer: h.transducer, physicalDimension: h.dimension, fs: h.n / recordS, segments }];
  });
  return {
    format,
    startDate: ascii(168, 8),
    startTime: ascii(176, 8),
    records,
    recordS,
    durationS: records * recordS,
    signals,
  };
}

/** EDF+D: each record's annotation signal opens with a time-keeping TAL, "+onset\x14\x14\0", its start in seconds. */
function recordOnset(bytes: Uint8Array, from: number, length: number, name: string, record: number): number {
  const tal = bytes.subarray(from, from + length);
  const end = tal.indexOf(0x14);
  const text = String.fromCharCode(...tal.subarray(0, end < 0 ? 0 : end));
  const onset = Number(text);
  if (end < 0 || !/^[+-]\d+(\.\d+)?$/.test(text) || !Number.isFinite(onset))
    throw bad(`${name}: data record ${record + 1} has no time-keeping annotation (EDF+D)`);
  return onset;
}

/** The signal asked for by label, else the first that looks like an ECG, a PPG or a pulse. */
export function pickSignal(file: EdfFile, channel: string | null, name: string): EdfSignal {
  const labels = file.signals.map((s) => `"${s.label}"`).join(', ');
  if (channel) {
    const chosen = file.signals.find((s) => s.label.toLowerCase() === channel.toLowerCase());
    if (!chosen) throw bad(`${name} has no channel "${channel}" (channels: ${labels})`);
    return chosen;
  }
  const guess =
    file.signals.find((s) => /ecg|ekg|\bii\b|lead/i.test(s.label)) ??
    file.signals.find((s) => /pleth|ppg|pulse|bvp/i.test(s.label));
  if (!guess) throw bad(`${name}: no channel looks like an ECG or a PPG (channels: ${labels}); choose one`);
  return guess;
}
