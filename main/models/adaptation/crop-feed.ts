// The face crops an adaptation learns from: which sessions of a study, and feeding their frames to adapt.py's stdin as
// stretches of consecutive face frames (a JSON header line, then raw RGB bytes). Nothing is written to disk, so the
// crops of an encrypted data folder stay sealed there.
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { AppError } from '../../../common/ipc/result.ts';
import { CROP_SIZE, faceSeen } from '../../../common/capture.ts';
import { type Session } from '../../../common/sessions.ts';
import type { Study } from '../../../common/subjects.ts';
import { ROI_FILE } from '../../store/data-dir.ts';
import { roiChunks } from '../../media/roi-file.ts';
import type { Store } from '../../store/index.ts';

/** Frames sent in all (10 min at 30 fps, ≈ 0.9 GB in Python), shared evenly between the sessions. */
export const MAX_ADAPT_FRAMES = 18_000;
/** A clip is at most this long (30 s at 30 fps): each is held whole in memory before it is sent. */
const MAX_CLIP_FRAMES = 900;
/** A longer gap between two frames ends a stretch: a window must be continuous in time. */
const MAX_GAP_MS = 250;

export interface CropSource {
  session: Session;
  file: string;
}

const cropFile = (store: Store, session: Session) =>
  path.join(store.sessionDir(session.subjectId, session.id), ROI_FILE);

/**
 * The sessions to learn from: the ones asked for (each of this study, finished, with face crops), or else every
 * finished, non-voided session of the study that has face crops.
 */
export function adaptSources(store: Store, study: Study, sessionIds: readonly number[]): CropSource[] {
  const subjects = new Map(
    store.subjects.list({ studyId: study.id, search: '', includeArchived: true }).map((s) => [s.id, s]),
  );
  if (sessionIds.length) {
    return [...new Set(sessionIds)].map((id) => {
      const session = store.sessions.get(id);
      if (!subjects.has(session.subjectId))
        throw new AppError('invalid_input', `Session ${id} is not in study “${study.name}”`);
      if (session.status === 'recording') throw new AppError('conflict', `Session ${id} is still recording`);
      const file = cropFile(store, session);
      if (!fs.existsSync(file)) throw new AppError('not_found', `Session ${id} has no stored face crops to learn from`);
      return { session, file };
    });
  }
  const sources = [...subjects.values()].flatMap((subject) =>
    store.sessions
      .listForSubject(subject.id)
      .filter((s) => s.status !== 'recording')
      .map((session) => ({ session, file: cropFile(store, session) })),
  );
  const usable = sources.filter((s) => fs.existsSync(s.file)).sort((a, b) => a.session.id - b.session.id);
  if (usable.length === 0)
    throw new AppError('not_found', `Study “${study.name}” has no finished session with face crops to learn from`);
  return usable;
}

interface Stretch {
  session: number;
  crops: Uint8Array[];
  frames: number;
  firstMs: number;
  lastMs: number;
}

function header(s: Stretch): string {
  const fps = s.frames > 1 && s.lastMs > s.firstMs ? ((s.frames - 1) * 1000) / (s.lastMs - s.firstMs) : 30;
  return (
    JSON.stringify({
      frames: s.frames,
      height: CROP_SIZE,
      width: CROP_SIZE,
      fps: Math.round(fps * 1000) / 1000,
      order: 'rgb',
      session: s.session,
    }) + '\n'
  );
}

async function write(out: Writable, bytes: Uint8Array | string, signal?: AbortSignal): Promise<void> {
  if (!out.write(bytes)) await once(out, 'drain', signal ? { signal } : {});
}

export interface FeedResult {
  /** Frames sent per session id. */
  frames: Map<number, number>;
  clips: number;
}

/**
 * Writes the sources' face stretches of at least `minFrames` frames to `out` (each session up to its share of
 * MAX_ADAPT_FRAMES), then the end line. `onFrames` gets the frames sent so far and the most that can be.
 */
export async function feedCrops(
  store: Store,
  sources: readonly CropSource[],
  out: Writable,
  options: { minFrames: number; signal?: AbortSignal; onFrames?: (sent: number, total: number) => void },
): Promise<FeedResult> {
  const share = Math.floor(MAX_ADAPT_FRAMES / sources.length);
  const total = sources.reduce((sum, s) => sum + Math.min(share, s.session.frameCount), 0);
  const result: FeedResult = { frames: new Map(), clips: 0 };
  let sent = 0;
  const flush = async (s: Stretch | null) => {
    if (!s || s.frames < options.minFrames) return;
    await write(out, header(s), options.signal);
    for (const crops of s.crops) await write(out, crops, options.signal);
    result.frames.set(s.session, (result.frames.get(s.session) ?? 0) + s.frames);
    result.clips++;
    sent += s.frames;
    options.onFrames?.(sent, total);
  };
  for (const { session, file } of sources) {
    let taken = 0;
    let stretch: Stretch | null = null;
    for (const chunk of roiChunks(file, store.mediaKey)) {
      options.signal?.throwIfAborted();
      const bytes = chunk.crops.length / chunk.timestampsMs.length;
      for (let i = 0; i < chunk.timestampsMs.length && taken < share; i++) {
        const t = chunk.timestampsMs[i]!;
        if (
          !faceSeen(chunk.faceFound[i]) ||
          (stretch && (t - stretch.lastMs > MAX_GAP_MS || stretch.frames >= MAX_CLIP_FRAMES))
        ) {
          await flush(stretch);
          stretch = null;
          if (!faceSeen(chunk.faceFound[i])) continue;
        }
        stretch ??= { session: session.id, crops: [], frames: 0, firstMs: t, lastMs: t };
        stretch.crops.push(chunk.crops.subarray(i * bytes, (i + 1) * bytes));
        stretch.frames++;
        stretch.lastMs = t;
        taken++;
      }
      if (taken >= share) break;
    }
    await flush(stretch);
  }
  await write(out, '{"end": true}\n', options.signal);
  return result;
}
