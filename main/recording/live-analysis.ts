// Live numbers while recording: per-frame skin colour → POS pulse, the SSPD waveform when a model runs,
// and heart rate over the last seconds. Cheap per call; the caller asks for a snapshot with every chunk.
import { CROP_BYTES, FACE_DETECTED, FACE_NONE, type LiveSnapshot } from '../../common/sessions.ts';
import type { InferenceWorker } from '../inference/inference-client.ts';
import { BASELINES, cropMeans, gridFor, inspectFrames, liveHeartRate, resampleOnto } from '../signal/index.ts';

/** Seconds of waveform the live plot shows. */
export const LIVE_PLOT_S = 15;
/** Seconds of history kept for live estimates; older samples are dropped (they are on disk). */
const HISTORY_S = 30;
const HR_BAND_HZ: [number, number] = [0.7, 3.5];

/** A growable window over the last HISTORY_S seconds of per-frame values. */
class History {
  t: number[] = [];
  values: number[][];
  constructor(channels: number) {
    this.values = Array.from({ length: channels }, () => []);
  }
  push(t: number, ...values: number[]) {
    this.t.push(t);
    values.forEach((v, i) => this.values[i]!.push(v));
  }
  trim(now: number) {
    let drop = 0;
    while (drop < this.t.length && this.t[drop]! < now - HISTORY_S) drop++;
    if (drop === 0) return;
    this.t.splice(0, drop);
    this.values.forEach((v) => v.splice(0, drop));
  }
}

export class LiveAnalysis {
  readonly #inference: InferenceWorker | null;
  readonly #rgb = new History(4); // r, g, b, faceFound
  readonly #sspd = new History(1);
  /** Capture time (s) of every frame the network has seen, to place its output samples. */
  readonly #frameTimes: number[] = [];
  #frameTimesOffset = 0;
  #frames = 0;
  #t0: number | null = null;

  constructor(inference: InferenceWorker | null = null) {
    this.#inference = inference;
  }

  push(timestampsMs: Float64Array, faceFound: Uint8Array, crops: Uint8Array): void {
    this.#t0 ??= timestampsMs[0]! / 1000;
    for (let i = 0; i < timestampsMs.length; i++) {
      const t = timestampsMs[i]! / 1000 - this.#t0;
      // Frames without a face carry no skin colour: NaN makes the signal module treat them as dropped.
      // A held box still holds this frame's skin pixels, so its colour counts.
      const [r, g, b] = faceFound[i] === FACE_NONE ? [NaN, NaN, NaN] : cropMeans(crops.subarray(i * CROP_BYTES, (i + 1) * CROP_BYTES));
      this.#rgb.push(t, r, g, b, faceFound[i] === FACE_DETECTED ? 1 : 0);
      this.#frameTimes.push(t);
    }
    this.#frames += timestampsMs.length;
    this.#inference?.pushFrames(crops);
  }

  snapshot(): LiveSnapshot {
    const now = this.#rgb.t.at(-1) ?? 0;
    this.#collectSspd();
    this.#rgb.trim(now);
    this.#sspd.trim(now);
    const [r, g, b, face] = this.#rgb.values as [number[], number[], number[], number[]];
    const rgb = { t: this.#rgb.t, r, g, b };
    const useSspd = this.#inference !== null && this.#sspd.t.length > 0;
    const waveform = useSspd ? { t: this.#sspd.t, x: this.#sspd.values[0]! } : this.#posWaveform();
    const hr = liveHeartRate({ waveform, rgb, options: { hrBandHz: HR_BAND_HZ } });
    const plotFrom = waveform.t.findIndex((t) => t >= now - LIVE_PLOT_S);
    const start = plotFrom < 0 ? waveform.t.length : plotFrom;
    return {
      frameCount: this.#frames,
      elapsedS: now,
      source: useSspd ? 'sspd' : 'pos',
      hr: hr.ok ? { bpm: hr.bpm, checkBpm: hr.checkBpm, snrDb: hr.snrDb, grade: hr.grade, reasons: hr.reasons.map((r) => r.message) } : null,
      waiting: hr.ok ? null : hr.reason,
      waveform: { t: Array.from(waveform.t).slice(start), x: Array.from(waveform.x).slice(start) },
      faceLostShare: face.length ? face.filter((f) => !f).length / face.length : 0,
    };
  }

  /** Network output sample k comes from the difference of frames k and k+1: place it at frame k+1. */
  #collectSspd(): void {
    if (!this.#inference) return;
    const { start, data } = this.#inference.pullSamples();
    for (let i = 0; i < data.length; i++) {
      const t = this.#frameTimes[start + i + 1 - this.#frameTimesOffset];
      if (t !== undefined) this.#sspd.push(t, data[i]!);
    }
    // Keep only frame times the network may still need (a generous margin behind its output).
    const keepFrom = Math.max(0, start + data.length - 600 - this.#frameTimesOffset);
    this.#frameTimes.splice(0, keepFrom);
    this.#frameTimesOffset += keepFrom;
  }

  /** POS (Wang 2017) over the history on a uniform grid: the live pulse when no model is loaded. */
  #posWaveform(): { t: number[]; x: number[] } {
    const [r, g, b] = this.#rgb.values as [number[], number[], number[]];
    if (this.#rgb.t.length < 3) return { t: [], x: [] };
    const kept = inspectFrames(this.#rgb.t, [r, g, b]);
    if ('ok' in kept) return { t: [], x: [] };
    const grid = gridFor(kept);
    const [ur, ug, ub] = kept.channels.map((c) => resampleOnto(kept.t, c, grid)) as [Float64Array, Float64Array, Float64Array];
    const pulse = BASELINES.pos({ r: ur, g: ug, b: ub }, grid.fs, HR_BAND_HZ);
    return { t: Array.from({ length: grid.n }, (_, i) => grid.t0 + i / grid.fs), x: Array.from(pulse) };
  }
}
