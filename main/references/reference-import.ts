// Imports a reference file into a session: read and checked whole first (nothing is stored from a bad file), then
// aligned to the camera by the clock-offset estimate (or the offset the user gave) and stored in one transaction.
import { AppError } from '../../common/ipc/result.ts';
import type { ReferenceImport, ReferenceInfo } from '../../common/references.ts';
import type { HrPoint } from '../../common/results.ts';
import type { Store } from '../store/index.ts';
import { primaryOf } from '../store/session-results.ts';
import { estimateOffset, type CameraWindow } from './clock-offset.ts';
import { parseReferenceFile } from './reference-files.ts';

/**
 * The window length of the analysis the session shows (its signal options); records older
 * than stored options used 10 s.
 */
export const LEGACY_WINDOW_S = 10;

/** The camera side of a session as agreement and alignment read it: the version it shows, its primary method. */
export function cameraSide(
  store: Store,
  sessionId: number,
): { series: Record<string, HrPoint[]>; primary: string; windowS: number } | null {
  const analysis = store.analyses.shown(sessionId);
  if (!analysis) return null;
  const series = store.analyses.allHrSeries(analysis.id);
  return { series, primary: primaryOf(series), windowS: analysis.params.signal?.windowS ?? LEGACY_WINDOW_S };
}

/** Windows with a usable camera HR (reliable or use with caution): the curve the reference is aligned to. */
export const alignmentWindows = (points: readonly HrPoint[]): CameraWindow[] =>
  points.flatMap((p) => (p.bpm !== null && p.quality !== 'poor' ? [{ tS: p.tS, bpm: p.bpm }] : []));

export function importReference(store: Store, input: ReferenceImport): ReferenceInfo {
  const session = store.sessions.get(input.sessionId);
  if (session.status === 'recording')
    throw new AppError('conflict', 'This session is still recording: import its reference after Stop');
  const parsed = parseReferenceFile(input);
  const camera = cameraSide(store, session.id);
  const estimate = camera
    ? estimateOffset(
        alignmentWindows(camera.series[camera.primary] ?? []),
        parsed.samples.map((s) => s.tS),
        parsed.samples.map((s) => s.bpm),
        camera.windowS,
        input.searchS,
      )
    : null;
  const offset =
    input.offsetS !== null
      ? { offsetS: input.offsetS, source: 'manual' as const }
      : estimate?.offsetS != null
        ? { offsetS: estimate.offsetS, source: 'auto' as const }
        : { offsetS: 0, source: 'none' as const };
  return store.references.addImported(session.id, parsed, { ...offset, estimate });
}
