// Anti-alias low-pass on the network input: each pixel's differences filtered along time, causally.
//
// SSPD pools time by 2 after tanh layers. A lamp flicker above the heart-rate band makes harmonics in the
// backbone that fold into the band at that pool: a 1 % flicker at 4.7 Hz reads as 54 bpm (15 − 3·4.7 Hz)
// with the bundled model, on every such clip. A 6th-order Butterworth at 3.8 Hz (at the model's 30 fps,
// 0.127 cycles per frame: the network counts frames, not seconds) removes it before the first layer; the
// heart-rate band loses at most 1.4 dB, at its 3.5 Hz edge. Causal, so streaming stays exact: every
// difference is filtered once, in order, whichever stream runs the model.

import { butterLowpass, type Sos } from '../signal/butterworth.ts';
import { CHANNELS, PIXELS_PER_FRAME, TRAINED_FPS } from './sspd-contract.ts';

export interface InputFilterSpec {
  readonly kind: 'butterworth-lowpass';
  readonly order: number;
  readonly cutoffHz: number;
  /** Frame rate the cutoff is given at; the filter acts per frame. */
  readonly atFps: number;
}

export const INPUT_LOWPASS: InputFilterSpec = {
  kind: 'butterworth-lowpass',
  order: 6,
  cutoffHz: 3.8,
  atFps: TRAINED_FPS,
};

/** The same low-pass on every value of a step (3 × 128 × 128 differences), with its state between steps. */
export class InputFilter {
  readonly spec: InputFilterSpec;
  readonly #sos: Sos;
  /** Two transposed-direct-form-II states per section per value: [section][z0 | z1][value]. */
  readonly #state: Float64Array;
  readonly #values: number;

  constructor(spec: InputFilterSpec, values = CHANNELS * PIXELS_PER_FRAME) {
    this.spec = spec;
    this.#sos = butterLowpass(spec.order, spec.cutoffHz, spec.atFps);
    this.#values = values;
    this.#state = new Float64Array((this.#sos.length / 6) * 2 * values);
  }

  /** Filters one step in place; steps must come in time order. Starts from rest (differences have no DC). */
  apply(step: Float32Array): void {
    const n = this.#values;
    const sos = this.#sos;
    for (let s = 0; s < sos.length / 6; s++) {
      const b0 = sos[s * 6]!;
      const b1 = sos[s * 6 + 1]!;
      const b2 = sos[s * 6 + 2]!;
      const a1 = sos[s * 6 + 4]!;
      const a2 = sos[s * 6 + 5]!;
      const z0 = this.#state.subarray(2 * s * n, (2 * s + 1) * n);
      const z1 = this.#state.subarray((2 * s + 1) * n, (2 * s + 2) * n);
      for (let i = 0; i < n; i++) {
        const x = step[i]!;
        const y = b0 * x + z0[i]!;
        z0[i] = b1 * x - a1 * y + z1[i]!;
        z1[i] = b2 * x - a2 * y;
        step[i] = y;
      }
    }
  }
}
