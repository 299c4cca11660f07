// Session time ↔ video time: pausing a recording pauses the camera video too, so the video holds no pictures
// of a pause while the session's clock (frame timestamps, HR windows, markers) runs on through it.

/** A pause in session time (s since the first frame). */
export interface Pause {
  fromS: number;
  toS: number;
}

/** Where session time `tS` is in the video; a time inside a pause maps to the pause's point in the video. */
export function videoTimeOf(tS: number, pauses: readonly Pause[]): number {
  let v = tS;
  for (const p of pauses) {
    if (tS >= p.toS) v -= p.toS - p.fromS;
    else if (tS > p.fromS) v -= tS - p.fromS;
  }
  return v;
}

/** The session time a video position shows (pauses sorted by time). */
export function sessionTimeOf(videoS: number, pauses: readonly Pause[]): number {
  let t = videoS;
  for (const p of pauses) if (t >= p.fromS) t += p.toS - p.fromS;
  return t;
}
