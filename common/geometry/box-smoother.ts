// Turns a jittery stream of detected face boxes into a crop that stays still and moves only when it must.
//
// Why not simply filter: the SSPD authors fix the crop for a whole clip, and the network reads frame
// *differences*, so every pixel the crop moves adds a difference signal the weights never saw. A live
// recording cannot fix one crop forever (people shift), so we get as close to "fixed" as a stream allows:
//   1. a one-euro filter (Casiez et al., CHI 2012) takes the detector's frame-to-frame jitter out of the
//      box's centre and size — cut-off low when the face is still, higher when it moves fast;
//   2. the crop is *held* while the filtered box stays within a dead-band of it (the crop's margins,
//      a ≥ 40 px on every side, absorb such small moves), so most 10 s windows see one fixed crop;
//   3. when the face leaves the dead-band the crop glides towards it at a bounded speed until it is within
//      a smaller settle band (hysteresis: no hovering at the band's edge), then holds again;
//   4. a jump larger than the snap distance (another detection far away, or the face back after a loss)
//      moves the crop at once: gliding there would crop the wrong region for seconds.
// All distances are in face heights, so the behaviour is the same near and far from the camera.
import { boxCenter, type Box } from './box.ts';

export interface BoxSmootherOptions {
  /** One-euro minimum cut-off (Hz): the smoothing applied to a still face. */
  minCutoffHz: number;
  /** One-euro speed coefficient, per (face heights per second). */
  beta: number;
  /** One-euro cut-off for the speed estimate (Hz). */
  derivativeCutoffHz: number;
  /** The held crop ignores filtered moves smaller than this (face heights). */
  deadBand: number;
  /** Once gliding, the crop stops when within this (face heights). */
  settleBand: number;
  /** Glide speed limit (face heights per second). */
  maxSpeed: number;
  /** Moves larger than this (face heights) are taken at once. */
  snapDistance: number;
  /** After the face is lost, the last box is kept this long before the smoother resets (ms). */
  holdMs: number;
}

export const DEFAULT_BOX_SMOOTHER: BoxSmootherOptions = {
  minCutoffHz: 0.5,
  beta: 1,
  derivativeCutoffHz: 1,
  deadBand: 0.08,
  settleBand: 0.02,
  maxSpeed: 0.6,
  snapDistance: 0.75,
  holdMs: 1000,
};

type Vec = [cx: number, cy: number, width: number, height: number];

const toVec = (b: Box): Vec => {
  const c = boxCenter(b);
  return [c.x, c.y, b.width, b.height];
};
const toBox = ([cx, cy, width, height]: Vec): Box => ({ x: cx - width / 2, y: cy - height / 2, width, height });
const alpha = (cutoffHz: number, dtS: number) => 1 / (1 + 1 / (2 * Math.PI * cutoffHz * dtS));

export class BoxSmoother {
  private readonly o: BoxSmootherOptions;
  private filtered: Vec | null = null;
  private speed: Vec = [0, 0, 0, 0];
  private held: Vec | null = null;
  private gliding = false;
  private lastT = 0;
  private lastSeenT = 0;

  constructor(options: Partial<BoxSmootherOptions> = {}) {
    this.o = { ...DEFAULT_BOX_SMOOTHER, ...options };
  }

  /** The face box to crop around at time `tMs`, given this frame's detection (null: no face); null once lost. */
  update(detected: Box | null, tMs: number): Box | null {
    if (!detected) {
      if (this.held && tMs - this.lastSeenT <= this.o.holdMs) return toBox(this.held);
      this.reset();
      return null;
    }
    const measured = toVec(detected);
    if (!this.filtered || !this.held) return this.start(measured, tMs);

    const dtS = Math.max(1e-3, (tMs - this.lastT) / 1000);
    this.lastT = tMs;
    this.lastSeenT = tMs;
    const scale = this.held[3];
    if (distance(measured, this.held, scale) > this.o.snapDistance) return this.start(measured, tMs);

    // One-euro: the speed is filtered first, then sets the cut-off for the value.
    const speedAlpha = alpha(this.o.derivativeCutoffHz, dtS);
    for (let i = 0; i < 4; i++) {
      const raw = (measured[i]! - this.filtered[i]!) / dtS;
      this.speed[i] = this.speed[i]! + speedAlpha * (raw - this.speed[i]!);
      const cutoff = this.o.minCutoffHz + this.o.beta * Math.abs(this.speed[i]! / scale);
      this.filtered[i] = this.filtered[i]! + alpha(cutoff, dtS) * (measured[i]! - this.filtered[i]!);
    }

    const off = distance(this.filtered, this.held, scale);
    if (!this.gliding && off > this.o.deadBand) this.gliding = true;
    if (this.gliding) {
      const step = this.o.maxSpeed * scale * dtS;
      for (let i = 0; i < 4; i++) {
        const d = this.filtered[i]! - this.held[i]!;
        this.held[i] = this.held[i]! + Math.max(-step, Math.min(step, d));
      }
      if (distance(this.filtered, this.held, scale) <= this.o.settleBand) this.gliding = false;
    }
    return toBox(this.held);
  }

  /** Whether the crop is moving now (frames while gliding carry some crop motion). */
  get isGliding(): boolean {
    return this.gliding;
  }

  reset(): void {
    this.filtered = null;
    this.held = null;
    this.gliding = false;
    this.speed = [0, 0, 0, 0];
  }

  private start(measured: Vec, tMs: number): Box {
    this.filtered = [...measured];
    this.held = [...measured];
    this.speed = [0, 0, 0, 0];
    this.gliding = false;
    this.lastT = tMs;
    this.lastSeenT = tMs;
    return toBox(this.held);
  }
}

/** Largest component difference (centre or size), in face heights. */
function distance(a: Vec, b: Vec, scale: number): number {
  let d = 0;
  for (let i = 0; i < 4; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d / Math.max(1, scale);
}
