// Live numbers while recording: per-frame crop colour and grid-cell colours, the SSPD waveform when a model runs,
// and the reliability decision on the last seconds. Cheap per call; the caller asks for a snapshot with every
// chunk. While the network lags, warms up or restarts, the classical methods read the live HR and the snapshot says
// why. At the end, the same trace gives the whole-session analysis that is stored.
import {
  CROP_BYTES,
  FACE_NONE,
  faceSeen,
  LIVE_AVERAGE_S,
  LIVE_MAX_MODEL_LAG_S,
  type LiveSnapshot,
  type RecordingSummary,
} from '../../common/capture.ts';
import type { WaveformChunk } from '../inference/waveform-stream.ts';
import {
  analyzeSession,
  cropMeans,
  inspectFrames,
  liveHeartRate,
  REASON_WORDS,
  RecentMedian,
  type LiveChoice,
  type SignalOptions,
} from '../signal/index.ts';
import type { NewAnalysis } from '../store/analyses.ts';
import { analysisRecord, type RecordContext } from '../store/analysis-record.ts';
import { storedHrSeries } from '../store/stored-analysis.ts';
import { firstAtOrAfter, SessionTrace } from './session-trace.ts';

/** Seconds of waveform the live plot shows. */
export const LIVE_PLOT_S = 15;
/** Seconds of signal the live estimate and POS pulse are computed over. */
const LIVE_WINDOW_S = 20;
const SIGNAL_OPTIONS: Partial<SignalOptions> = { hrBandHz: [0.7, 3.5] };
/** Earlier live decisions kept for tracking and continuity. */
const LIVE_HISTORY = 10;
const DROPPED_REFRESH_FRAMES = 30;

/** What the live analysis needs of the network (SupervisedInference; a stand-in in tests). */
export interface LiveInference {
  /** Bumps when a restarted process is ready: its samples start at 0 again, for the frames pushed since. */
  readonly generation: number;
  /** Why the network is not running now, or null. */
  readonly down: string | null;
  readonly crashes: number;
  pushFrames(frames: Uint8Array): void;
  pullSamples(): WaveformChunk;
}

export type FinalAnalysis = { analysis: NewAnalysis; summary: RecordingSummary } | { reason: string };

export class LiveAnalysis {
  readonly #inference: LiveInference | null;
  readonly #options: Partial<SignalOptions>;
  readonly trace = new SessionTrace();
  #t0: number | null = null;
  readonly #shownBpm = new RecentMedian(LIVE_AVERAGE_S);
  #choices: LiveChoice[] = [];
  /** The network process the samples come from, and the first frame it was given. */
  #generation: number;
  #sspdFirstFrame = 0;
  readonly #crashesBefore: number;
  #dropped = { atFrames: 0, count: 0 };

  /** `options`: the signal settings of the final analysis (a re-analysis may choose them). */
  constructor(inference: LiveInference | null = null, options: Partial<SignalOptions> = SIGNAL_OPTIONS) {
    this.#inference = inference;
    this.#options = options;
    this.#generation = inference?.generation ?? 0;
    this.#crashesBefore = inference?.crashes ?? 0;
  }

  /** Whether the network's waveform covers every frame pushed (false after it died during this analysis). */
  get sspdComplete(): boolean {
    return this.#inference !== null && this.#inference.crashes === this.#crashesBefore;
  }

  /** `keyframe`: where an imported video's encoder stored keyframes (the decision weighs rates in step with them). */
  push(timestampsMs: Float64Array, faceFound: Uint8Array, crops: Uint8Array, keyframe?: Uint8Array): void {
    this.#t0 ??= timestampsMs[0]! / 1000;
    const { trace } = this;
    if (this.#inference && this.#inference.generation !== this.#generation) {
      // A restarted network: its waveform starts afresh at these frames.
      this.#collectSspd();
      this.#generation = this.#inference.generation;
      this.#sspdFirstFrame = trace.frames;
      trace.clearSspd();
    }
    for (let i = 0; i < timestampsMs.length; i++) {
      // Frames without a face carry no skin colour: NaN makes the signal module treat them as dropped.
      // A held box still holds this frame's skin pixels, so its colour counts.
      const [r, g, b] =
        faceFound[i] === FACE_NONE ? [NaN, NaN, NaN] : cropMeans(crops.subarray(i * CROP_BYTES, (i + 1) * CROP_BYTES));
      trace.t.push(timestampsMs[i]! / 1000 - this.#t0);
      trace.r.push(r);
      trace.g.push(g);
      trace.b.push(b);
      trace.faceLost.push(faceSeen(faceFound[i]) ? 0 : 1);
      trace.keyframe.push(keyframe?.[i] ?? 0);
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
    const lag = sspd ? Math.max(0, now - sspd.t[sspd.t.length - 1]!) : 0;
    // The network's waveform while it is current; otherwise the classical methods alone decide (live HR within
    // seconds of Start even when the network is late, warming up or restarting).
    const current = sspd && lag <= LIVE_MAX_MODEL_LAG_S ? sspd : null;
    const hr = liveHeartRate({
      ...(current ? { waveform: current } : {}),
      rgb: trace.rgb(from),
      blocks: trace.blocks(from),
      previous: this.#choices,
      options: SIGNAL_OPTIONS,
    });
    if (hr.ok) this.#choices = [...this.#choices, hr.choice].slice(-LIVE_HISTORY);
    const source = current ? 'sspd' : 'pos';
    const waveform = current ?? this.#posWaveform(from);
    const accepted = hr.ok && hr.reliability !== 'none';
    const bpm = this.#shownBpm.add(now, accepted ? hr.bpm : null);
    const plotFrom = firstAtOrAfter(waveform.t, now - LIVE_PLOT_S);
    const lost = trace.faceLost.view(firstAtOrAfter(trace.t.view(), from));
    return {
      frameCount: trace.frames,
      elapsedS: now,
      source,
      hr: hr.ok
        ? {
            bpm: accepted ? bpm : null,
            reliability: hr.reliability,
            probability: hr.probability,
            reasons: hr.reasons.map((r) => REASON_WORDS[r]),
            source: hr.source,
            sspdBpm: hr.sspdBpm,
            checkBpm: hr.checkBpm,
          }
        : null,
      modelLagS: lag,
      waiting: hr.ok ? null : hr.reason,
      notice: source === 'pos' ? this.#posNotice(sspd !== null, lag) : this.#restartNotice(),
      waveform: { t: Array.from(waveform.t.subarray(plotFrom)), x: Array.from(waveform.x.subarray(plotFrom)) },
      faceLostShare: lost.length ? lost.reduce((a, v) => a + v, 0) / lost.length : 0,
      droppedFrames: this.#droppedFrames(),
    };
  }

  /**
   * The final analysis's count of dropped frames over the frames so far (refreshed every second
   * of frames: it sorts them all).
   */
  #droppedFrames(): number {
    const { frames } = this.trace;
    if (frames - this.#dropped.atFrames >= DROPPED_REFRESH_FRAMES || frames < DROPPED_REFRESH_FRAMES) {
      const report = inspectFrames(this.trace.t.view(), []);
      this.#dropped = { atFrames: frames, count: 'report' in report ? report.report.droppedFrames : 0 };
    }
    return this.#dropped.count;
  }

  /** POS over the live window, plotted while the network's own waveform is not current. */
  #posWaveform(from: number): { t: Float64Array; x: Float64Array } {
    const pos = this.trace.pos(from);
    return pos
      ? { t: Float64Array.from(pos.x, (_, i) => pos.t0 + i / pos.fs), x: pos.x }
      : { t: new Float64Array(0), x: new Float64Array(0) };
  }

  /**
   * A restart the network has already caught up from is still said: the user saw its readings pause or change source.
   */
  #restartNotice(): string | null {
    const inference = this.#inference;
    return inference && inference.crashes > this.#crashesBefore
      ? 'The heart-rate network was restarted during this recording and has caught up; nothing recorded is lost.'
      : null;
  }

  /**
   * Why the classical methods read the live HR although a model runs (null without a model: they are then the method).
   */
  #posNotice(hasSspd: boolean, lag: number): string | null {
    const inference = this.#inference;
    if (!inference) return null;
    const atStop = 'Nothing recorded is lost: the network runs over the whole session when you stop.';
    if (inference.down) return `${inference.down}: the classical methods read the heart rate meanwhile. ${atStop}`;
    if (inference.crashes > this.#crashesBefore)
      return `The heart-rate network was restarted: the classical methods read the heart rate until it has caught up. ${atStop}`;
    if (hasSspd && lag > LIVE_MAX_MODEL_LAG_S)
      return `The network is ${Math.round(lag)} s behind the camera: the classical methods read the heart rate until it catches up.`;
    return 'The network is warming up: the classical methods read the heart rate meanwhile.';
  }

  /**
   * The whole-session analysis to store when recording ends with its summary, or why there is none; `context` says
   * what made it (analysis-record.ts), `sspd: false` leaves out a partial network waveform.
   */
  finalAnalysis(context: RecordContext, { sspd: withSspd = true } = {}): FinalAnalysis {
    this.#collectSspd();
    const { trace } = this;
    const capture = { t: trace.t.view(), faceLost: trace.faceLost.view(), keyframe: trace.keyframe.view() };
    const sspd = withSspd ? trace.sspd() : null;
    const result = analyzeSession({
      waveform: sspd ?? undefined,
      rgb: trace.rgb(),
      blocks: trace.blocks(),
      capture,
      options: this.#options,
    });
    if (!result.ok) return { reason: result.reason };
    const primary = result.primary;
    const pos = trace.pos();
    const hrSeries = storedHrSeries(result);
    const waveforms: NewAnalysis['waveforms'] = {};
    if (pos) waveforms.pos = { startS: pos.t0, fs: pos.fs, samples: Float32Array.from(pos.x) };
    if (sspd) waveforms.sspd = { startS: sspd.t[0]!, fs: result.timing.grid.fs, samples: Float32Array.from(sspd.x) };
    const hr = result.summary.hr;
    return {
      analysis: {
        ...analysisRecord(result, withSspd ? context : { ...context, inference: null }),
        hrSeries,
        waveforms,
      },
      summary: {
        primary,
        hr,
        warnings: result.summary.warnings,
        notAnalysed: null,
        droppedFrames: (result.timing.waveform ?? result.timing.rgb)?.droppedFrames ?? null,
      },
    };
  }

  /** Network output sample k comes from the difference of frames k and k+1: place it at frame k+1. */
  #collectSspd(): void {
    if (!this.#inference) return;
    const { start, data } = this.#inference.pullSamples();
    for (let i = 0; i < data.length; i++) {
      const t = this.trace.t.at(this.#sspdFirstFrame + start + i + 1);
      if (t === undefined) continue;
      this.trace.sspdT.push(t);
      this.trace.sspdX.push(data[i]!);
    }
  }
}
