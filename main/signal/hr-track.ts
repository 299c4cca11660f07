// Follows the heart rate across windows instead of taking each window's peak on its own: a Viterbi path through
// every window's candidates, scored by how likely each candidate is right and how plausibly the rate moves
// between neighbouring windows (it drifts a few bpm per second; a jump is possible but rare).

/** Standard deviation of the heart-rate change per second of window step, bpm. */
export const HR_STEP_SD_BPM = 4;
/** Prior probability that the rate jumps (anywhere in the band) between two windows rather than drifting. */
export const JUMP_PROBABILITY = 0.02;
/** Width of the band a jump lands in, bpm (uniform): 42–210. */
const BAND_SPAN_BPM = 168;

export interface TrackWindow {
  /** Candidate heart rates (bpm) and the log-probability that each is right. */
  bpm: readonly number[];
  logP: readonly number[];
}

/** Log-probability of moving from `a` to `b` bpm over `dtS` seconds. */
export function transitionLogP(a: number, b: number, dtS: number): number {
  const sd = HR_STEP_SD_BPM * Math.sqrt(Math.max(dtS, 1e-3));
  const drift = Math.exp(-0.5 * ((b - a) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
  return Math.log((1 - JUMP_PROBABILITY) * drift + JUMP_PROBABILITY / BAND_SPAN_BPM);
}

/**
 * Index of the chosen candidate per window (−1 for a window without candidates: the path restarts after it).
 * `stepS` is the time between window centres.
 */
export function trackHeartRate(windows: readonly TrackWindow[], stepS: number): number[] {
  const n = windows.length;
  const choice = new Array<number>(n).fill(-1);
  const score: Float64Array[] = [];
  const back: Int32Array[] = [];
  for (let w = 0; w < n; w++) {
    const cur = windows[w]!;
    const prev = w > 0 ? windows[w - 1]! : null;
    const s = new Float64Array(cur.bpm.length);
    const b = new Int32Array(cur.bpm.length).fill(-1);
    for (let j = 0; j < cur.bpm.length; j++) {
      let best = 0;
      if (prev && prev.bpm.length) {
        best = -Infinity;
        for (let i = 0; i < prev.bpm.length; i++) {
          const v = score[w - 1]![i]! + transitionLogP(prev.bpm[i]!, cur.bpm[j]!, stepS);
          if (v > best) {
            best = v;
            b[j] = i;
          }
        }
      }
      s[j] = best + cur.logP[j]!;
    }
    score.push(s);
    back.push(b);
  }
  // Backtrack from the best end; a window without candidates breaks the chain and a new one starts before it.
  let w = n - 1;
  while (w >= 0) {
    const s = score[w]!;
    if (s.length === 0) {
      w--;
      continue;
    }
    let j = 0;
    for (let k = 1; k < s.length; k++) if (s[k]! > s[j]!) j = k;
    while (w >= 0 && j >= 0) {
      choice[w] = j;
      j = back[w]![j]!;
      w--;
    }
  }
  return choice;
}
