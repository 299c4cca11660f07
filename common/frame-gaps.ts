// Frames missing from a camera's stream, read off its capture timestamps.
import { clamp } from './geometry/box.ts';

/**
 * How far each frame pulls the slot grid towards its own time, and its interval towards the camera's real
 * one: a second-order loop (critically damped for these gains) that one late frame barely moves and that
 * follows a camera off its nominal rate without drifting into counting slots it skipped.
 */
const PHASE_GAIN = 0.2;
const RATE_GAIN = 0.01;
/** How far the grid's interval may wander from the nominal one. */
const RATE_RANGE = 0.25;

/**
 * Counts frames missing from a camera running at a nominal interval. Each frame is placed in a slot of a grid
 * that follows the camera's own pace: the slots it skips are missing, and a frame that lands in the slot of the
 * one before (the catch-up after a late frame) takes one back. Lateness spread over several frames (gaps of
 * 1.6, 0.6 and 0.8 intervals) so adds up to nothing, where rounding each gap alone counts one; on a fake camera
 * in bench/recording that made the live count read 6 where 1 frame was missing. The total never goes below 0.
 */
export class FrameGapCounter {
  private readonly nominalMs: number;
  private intervalMs: number;
  /** Time of the slot the last frame was placed in. */
  private slotMs: number | null = null;
  private missing = 0;

  constructor(frameRate: number) {
    this.nominalMs = this.intervalMs = 1000 / frameRate;
  }

  /**
   * Takes the next frame's capture time (ms) and returns how that changes the frames missing so far: negative
   * where a catch-up frame takes back the frame its late predecessor counted.
   */
  add(timestampMs: number): number {
    const before = this.missing;
    if (this.slotMs === null) this.slotMs = timestampMs;
    else {
      const slots = Math.round((timestampMs - this.slotMs) / this.intervalMs);
      this.missing = Math.max(0, this.missing + slots - 1);
      this.slotMs += slots * this.intervalMs;
      const errorMs = timestampMs - this.slotMs;
      this.slotMs += PHASE_GAIN * errorMs;
      if (slots > 0) {
        this.intervalMs = clamp(
          this.intervalMs + (RATE_GAIN * errorMs) / slots,
          this.nominalMs * (1 - RATE_RANGE),
          this.nominalMs * (1 + RATE_RANGE),
        );
      }
    }
    return this.missing - before;
  }
}
