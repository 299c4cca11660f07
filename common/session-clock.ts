// A recording's clock in the renderer: the capture clock (Unix epoch ms, the clock of frame timestamps), so a marker,
// a pause or the timer is placed at the moment of the key press, whatever the storage or analysis lag.

/** Now on the capture clock: frame timestamps are `performance.timeOrigin + performance.now()` based. */
export const captureNowMs = (): number => performance.timeOrigin + performance.now();

/** An event's moment on the capture clock (a key press or click, not when its handler ran). */
export const eventMs = (event: { timeStamp: number }): number => performance.timeOrigin + event.timeStamp;

export class SessionClock {
  readonly startMs: number;
  #firstFrameMs: number | null = null;
  #stopMs = Infinity;
  readonly #pauses: { fromMs: number; toMs: number }[] = [];

  /** `startMs`: the Start press; frames before it belong to the preview. */
  constructor(startMs: number) {
    this.startMs = startMs;
  }

  /**
   * Session seconds at an instant: zero is the first stored frame (the analysis's zero), or Start before it arrived.
   */
  at(ms: number): number {
    return Math.max(0, (ms - (this.#firstFrameMs ?? this.startMs)) / 1000);
  }

  get paused(): boolean {
    const last = this.#pauses.at(-1);
    return last !== undefined && last.toMs === Infinity;
  }

  get stopped(): boolean {
    return this.#stopMs !== Infinity;
  }

  pause(ms: number): void {
    if (!this.paused && !this.stopped) this.#pauses.push({ fromMs: ms, toMs: Infinity });
  }

  resume(ms: number): void {
    if (this.paused) this.#pauses.at(-1)!.toMs = ms;
  }

  stop(ms: number): void {
    this.#stopMs = Math.min(this.#stopMs, ms);
  }

  /** Whether frames up to `ms` have all been seen by Stop (capture delivers in batches, after the fact). */
  covers(ms: number): boolean {
    return ms >= this.#stopMs;
  }

  /** Indices of the frames that belong to the session: from Start, before Stop, outside pauses. */
  keep(timestampsMs: ArrayLike<number>): number[] {
    const kept: number[] = [];
    for (let i = 0; i < timestampsMs.length; i++) {
      const t = timestampsMs[i]!;
      if (t < this.startMs || t >= this.#stopMs || this.#pauses.some((p) => t >= p.fromMs && t < p.toMs)) continue;
      kept.push(i);
    }
    if (kept.length > 0) this.#firstFrameMs ??= timestampsMs[kept[0]!]!;
    return kept;
  }
}
