// The visible time range of a plot over a session, with zoom and pan by wheel, drag, keys and buttons; a press
// that does not drag is a click that seeks. Shared by the HR plot and the waveform.
import { isTyping } from './keyboard.ts';
import { timeAtPixel, type Chart } from './charts.ts';

/** Wheel, key and button zoom step. */
export const ZOOM_STEP = 1.5;
/** A press that moves less than this (px) is a click, which seeks; more is a drag, which pans. */
const CLICK_SLOP_PX = 4;

export class TimeView {
  start = $state(0);
  span = $state(1);
  #first = $state(0);
  #total = $state(1);
  readonly #minSpan: number;
  #drag: { x: number; start: number; moved: boolean } | null = null;

  constructor(minSpanS: number) {
    this.#minSpan = minSpanS;
  }

  get end(): number {
    return this.start + this.span;
  }

  /** Where the series begins and ends (s). */
  get first(): number {
    return this.#first;
  }

  get last(): number {
    return this.#first + this.#total;
  }

  /** The view's range as text, e.g. "12.0–22.0". */
  get label(): string {
    return `${this.start.toFixed(1)}–${this.end.toFixed(1)}`;
  }

  /** A new series from `first` lasting `total` s, shown from its start over `span` s. */
  reset(first: number, total: number, span = total): void {
    this.#first = first;
    this.#total = Math.max(total, 1e-3);
    this.set(first, span);
  }

  set(from: number, length: number): void {
    this.span = Math.min(this.#total, Math.max(Math.min(this.#minSpan, this.#total), length));
    this.start = Math.min(this.#first + this.#total - this.span, Math.max(this.#first, from));
  }

  zoom(factor: number, anchor = this.start + this.span / 2): void {
    this.set(anchor - (anchor - this.start) * factor, this.span * factor);
  }

  pan(share: number): void {
    this.set(this.start + share * this.span, this.span);
  }

  whole(): void {
    this.set(this.#first, this.#total);
  }

  /** Playback left the view: turn the page so `t` is near its left edge. */
  follow(t: number): void {
    if (t < this.start || t > this.end) this.set(t - 0.1 * this.span, this.span);
  }

  /** Pointer, wheel and key handlers for the element holding the chart's canvas. */
  handlers(chart: () => Chart | null, onSeek: ((tS: number) => void) | undefined) {
    return {
      onpointerdown: (event: PointerEvent) => {
        this.#drag = { x: event.offsetX, start: this.start, moved: false };
        (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
      },
      onpointermove: (event: PointerEvent) => {
        const c = chart();
        if (!this.#drag || !c) return;
        const dx = event.offsetX - this.#drag.x;
        if (Math.abs(dx) > CLICK_SLOP_PX) this.#drag.moved = true;
        if (this.#drag.moved)
          this.set(this.#drag.start - (dx / (c.chartArea.right - c.chartArea.left)) * this.span, this.span);
      },
      onpointerup: (event: PointerEvent) => {
        const wasClick = this.#drag && !this.#drag.moved;
        this.#drag = null;
        const c = chart();
        if (!wasClick || !c || !onSeek) return;
        const t = timeAtPixel(c, event.offsetX, event.offsetY);
        if (t !== null) onSeek(t);
      },
      onwheel: (event: WheelEvent) => {
        event.preventDefault();
        const c = chart();
        this.zoom(
          event.deltaY > 0 ? ZOOM_STEP : 1 / ZOOM_STEP,
          (c && timeAtPixel(c, event.offsetX, event.offsetY)) ?? undefined,
        );
      },
      onkeydown: (event: KeyboardEvent) => {
        if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
        const actions: Record<string, () => void> = {
          '+': () => this.zoom(1 / ZOOM_STEP),
          '=': () => this.zoom(1 / ZOOM_STEP),
          '-': () => this.zoom(ZOOM_STEP),
          ArrowLeft: () => this.pan(-0.5),
          ArrowRight: () => this.pan(0.5),
          Home: () => this.set(this.#first, this.span),
          End: () => this.set(this.#first + this.#total, this.span),
          '0': () => this.whole(),
          // Keyboard users seek too: play from the start of the view.
          Enter: () => onSeek?.(this.start),
        };
        const action = actions[event.key];
        if (!action) return;
        event.preventDefault();
        action();
      },
    };
  }
}
