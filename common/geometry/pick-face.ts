// Which detected face a session follows: the renderer's live detector and the headless one pick alike.
import { iou, type Box } from './box.ts';

/** A detected face box with the detector's confidence in [0, 1]. */
export type ScoredBox = Box & { score: number };

/**
 * One subject per session: keep following the face that overlaps the one we followed, so a second person
 * entering the picture does not steal the crop; with nothing to follow, take the most confident face.
 */
export function pickFace(faces: readonly ScoredBox[], previous: Box | null): Box | null {
  if (faces.length === 0) return null;
  const mostConfident = () => faces.reduce((a, b) => (b.score > a.score ? b : a));
  const best = previous ? faces.reduce((a, b) => (iou(b, previous) > iou(a, previous) ? b : a)) : mostConfident();
  const chosen = previous && iou(best, previous) === 0 ? mostConfident() : best;
  return { x: chosen.x, y: chosen.y, width: chosen.width, height: chosen.height };
}
