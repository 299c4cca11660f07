// Live numbers while recording: per-frame crop colour and grid-cell colours, the SSPD waveform when a model runs,
// and the reliability decision on the last seconds. Cheap per call; the caller asks for a snapshot with every
// chunk. At the end, the same trace gives the whole-session analysis that is stored.
import { CROP_BYTES, FACE_NONE, faceSeen, LIVE_AVERAGE_S, type LiveSnapshot, type RecordingSummary } from '../../common/sessions.ts';
import type { InferenceWorker } from '../inference/inference-client.ts';
import { analyzeSession, cropMeans, liveHeartRate, REASON_WORDS, RecentMedian, type LiveChoice, type SignalOptions } from '../signal/index.ts';
import type { NewAnalysis } from '../store/analyses.ts';
import { storedHrSeries } from '../analysis/stored-analysis.ts';
import { firstAtOrAfter, SessionTrace, type Series } from './session-trace.ts';

/** Seconds of waveform the live plot shows. */
export const LIVE_PLOT_S = 15;
/** Seconds of signal the live estimate and POS pulse are computed over. */
const LIVE_WINDOW_S = 20;
const SIGNAL_OPTIONS: Partial<SignalOptions> = { hrBandHz: [0.7, 3.5] };
/** Earlier live decisions kept for tracking and continuity. */
const LIVE_HISTORY = 10;

export class LiveAnalysis {
  readonly #inference: InferenceWorker | null;
  readonly #options: Partial<SignalOptions>;
  readonly trace = new SessionTrace();
  #t0: number | null = null;
  readonly #shownBpm = new RecentMedian(LIVE_AVERAGE_S);
  #choices: LiveChoice[] = [];

  /** `options`: the signal settings of the final analysis (a re-analysis may choose them). */
  constructor(inference: InferenceWorker | null = null, options: Partial<SignalOptions> = SIGNAL_OPTIONS) {
    this.#inference = inference;
    this.#options = options;
  }

  push(timestampsMs: Float64Array, faceFound: Uint8Array, crops: Uint8Array): void {
    this.#t0 ??= timestampsMs[0]! / 1000;
    const { trace } = this;
    for (let i = 0; i < timestampsMs.length; i++) {
      // Frames without a face carry no skin colour: NaN makes the signal module treat them as dropped.
      // A held box still holds this frame's skin pixels, so its colour counts.
      const [r, g, b] = faceFound[i] === FACE_NONE ? [NaN, NaN, NaN] : cropMeans(crops.subarray(i * CROP_BYTES, (i + 1) * CROP_BYTES));
      trace.t.push(timestampsMs[i]! / 1000 - this.#t0);
      trace.r.push(r);
      trace.g.push(g);
      trace.b.push(b);
      trace.faceLost.push(faceSeen(faceFound[i]) ? 0 : 1);
    }
    trace.cells.push(crops, timestampsMs.length, (i) => faceFound[i] === FACE_NONE);
    this.#inference?.pushFrames(crops);
  }

  snapshot(): LiveSnapshot {
    this.#collectSspd();
    const { trace } = this;
    const now = trace.t.at(trace.frames - 1) ?? 0;
    const from = now - LIVE_WINDOW_S;
    const sspd = trace.sspd(from);
    const pos = sspd ? null : trace.pos(from);
    const waveform: Series = sspd ?? (pos ? { t: Float64Array.from(pos.x, (_, i) => pos.t0 + i / pos.fs), x: pos.x } : { t: new Float64Array(0), x: new Float64Array(0) });
    const hr = liveHeartRate({ ...(sspd ? { waveform: sspd } : {}), rgb: trace.rgb(from), blocks: trace.blocks(from), previous: this.#choices, options: SIGNAL_OPTIONS });
    if (hr.ok) this.#choices = [...this.#choices, hr.choice].slice(-LIVE_HISTORY);
    const accepted = hr.ok && hr.reliability !== 'none';
    const bpm = this.#shownBpm.add(now, accepted ? hr.bpm : null);
    const plotFrom = firstAtOrAfter(waveform.t, now - LIVE_PLOT_S);
    const lost = trace.faceLost.view(firstAtOrAfter(trace.t.view(), from));
    return {
      frameCount: trace.frames,
      elapsedS: now,
      source: sspd ? 'sspd' : 'pos',
      hr: hr.ok
        ? { bpm: accepted ? bpm : null, reliability: hr.reliability, probability: hr.probability, reasons: hr.reasons.map((r) => REASON_WORDS[r]), source: hr.source, sspdBpm: hr.sspdBpm, checkBpm: hr.checkBpm }
        : null,
      modelLagS: sspd ? Math.max(0, now - sspd.t[sspd.t.length - 1]!) : 0,
      waiting: hr.ok ? null : hr.reason,
      waveform: { t: Array.from(waveform.t.subarray(plotFrom)), x: Array.from(waveform.x.subarray(plotFrom)) },
      faceLostShare: lost.length ? lost.reduce((a, v) => a + v, 0) / lost.length : 0,
    };
  }

  /** The whole-session analysis to store when recording ends with its summary, or why there is none. */
  finalAnalysis(): { analysis: NewAnalysis; summary: RecordingSummary } | { reason: string } {
    this.#collectSspd();
    const { trace } = this;
    const capture = { t: trace.t.view(), faceLost: trace.faceLost.view() };
    const result = analyzeSession({ waveform: trace.sspd() ?? undefined, rgb: trace.rgb(), blocks: trace.blocks(), capture, options: this.#options });
    if (!result.ok) return { reason: result.reason };
    const primary = result.primary;
    const pos = trace.pos();
    const sspd = trace.sspd();
    const hrSeries = storedHrSeries(result);
    const waveforms: NewAnalysis['waveforms'] = {};
    if (pos) waveforms.pos = { startS: pos.t0, fs: pos.fs, samples: Float32Array.from(pos.x) };
    if (sspd) waveforms.sspd = { startS: sspd.t[0]!, fs: result.timing.grid.fs, samples: Float32Array.from(sspd.x) };
    const hr = result.summary.hr;
    return {
      analysis: {
        params: { signal: result.options },
        summary: { primary, hr, checkHr: result.summary.checkHr, quality: result.quality, warnings: result.summary.warnings, hrv: result.hrv },
        hrSeries,
        waveforms,
      },
      summary: { primary, hr, warnings: result.summary.warnings, notAnalysed: null },
    };
  }

  /** Network output sample k comes from the difference of frames k and k+1: place it at frame k+1. */
  #collectSspd(): void {
    if (!this.#inference) return;
    const { start, data } = this.#inference.pullSamples();
    for (let i = 0; i < data.length; i++) {
      const t = this.trace.t.at(start + i + 1);
      if (t === undefined) continue;
      this.trace.sspdT.push(t);
      this.trace.sspdX.push(data[i]!);
    }
  }
}
