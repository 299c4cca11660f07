// How much of a colour's change an imported video's encoder made at its keyframes: a keyframe's picture is coded
// afresh, so the colours jump there and the frames after it keep the jump, while a pulse changes smoothly from
// frame to frame. The held jumps, as a signal, show how much of a rate's power is the encoder's.

/** Index of each keyframe time in `t` (the frame at that time, within a tenth of a frame); the others dropped. */
function indicesOf(t: ArrayLike<number>, keyframes: readonly number[]): number[] {
  const out: number[] = [];
  const tol = t.length > 1 ? (0.1 * (t[t.length - 1]! - t[0]!)) / (t.length - 1) : 0;
  let i = 2;
  for (const k of keyframes) {
    while (i < t.length && t[i]! < k - tol) i++;
    if (i < t.length - 1 && Math.abs(t[i]! - k) <= tol) out.push(i);
  }
  return out;
}

/**
 * The jumps of `x` (per frame, times `t`) at the keyframes, each held until the next: the change into a keyframe
 * beyond the mean of the changes either side of it. Null without keyframes to measure.
 */
export function keyframeSteps(
  t: ArrayLike<number>,
  x: ArrayLike<number>,
  keyframes: readonly number[],
): Float64Array | null {
  const at = indicesOf(t, keyframes);
  if (!at.length) return null;
  const out = new Float64Array(x.length);
  let held = 0;
  let next = 0;
  for (let i = 0; i < x.length; i++) {
    if (at[next] === i) {
      next++;
      const into = x[i]! - x[i - 1]!;
      const step = into - (x[i - 1]! - x[i - 2]! + x[i + 1]! - x[i]!) / 2;
      if (Number.isFinite(step)) held += step;
    }
    out[i] = held;
  }
  return out;
}
