// Frames missing from a camera's stream, read off the gaps between its capture timestamps.

/**
 * Counts frames missing between timestamps of a camera running at a nominal interval. Each gap adds its
 * whole intervals beyond one, and a short gap takes one back: a frame captured late and the next one on time
 * (gaps of 1.6 and 0.4 intervals) lost nothing. The total is the running sum, never below zero; unlike a count
 * from the whole span, it does not drift on a camera slightly off its nominal rate.
 */
export class FrameGapCounter {
  private readonly intervalMs: number;
  private lastMs: number | null = null;
  private missing = 0;

  constructor(frameRate: number) {
    this.intervalMs = 1000 / frameRate;
  }

  /**
   * Takes the next frame's capture time (ms) and returns how that changes the frames missing so far: negative
   * where a catch-up frame takes back the frame its late predecessor counted.
   */
  add(timestampMs: number): number {
    const before = this.missing;
    if (this.lastMs !== null) this.missing = Math.max(0, this.missing + Math.round((timestampMs - this.lastMs) / this.intervalMs) - 1);
    this.lastMs = timestampMs;
    return this.missing - before;
  }
}
