// Live recording on disk: the session row, the lossless crop file, the frame index and the camera video.
// Each chunk reaches disk (fsync) before it is acknowledged, so a crash loses only what was in flight.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import {
  CROP_SIZE,
  type FrameChunk,
  type LiveSnapshot,
  type RecordingSummary,
  type StopProgress,
} from '../../common/capture.ts';
import {
  analysisSettings,
  type AnalysisSettings,
  type Marker,
  type Session,
  type SessionStart,
} from '../../common/sessions.ts';
import type { SupervisedInference } from '../inference/supervised-inference.ts';
import type { Store } from '../store/index.ts';
import { LiveAnalysis, type FinalAnalysis } from './live-analysis.ts';
import { modelName, startInference, type ModelChoice } from './recording-inference.ts';
import { isBusy, isStorageCondition, storageFailure, tryStore } from '../store/errors.ts';
import { diskSpaceFor, freeBytes, type DiskSpace } from './disk-space.ts';
import { sealSessionMedia } from '../media/media-checksums.ts';
import { closeFromCropFile } from './recovery.ts';
import { RoiWriter } from '../media/roi-file.ts';
import { reanalyzeSession } from './reanalysis.ts';
import { notAnalysed, stopAnalysis } from './stop-analysis.ts';
import { openAppender, type MediaAppender } from '../crypto/media-io.ts';
import { ROI_FILE, VIDEO_FILE } from '../store/data-dir.ts';

const CROP_GEOMETRY = { width: CROP_SIZE, height: CROP_SIZE, channels: 3 };

interface ActiveRecording {
  session: Session;
  roi: RoiWriter;
  video: MediaAppender;
  lastTimestampMs: number;
  live: LiveAnalysis;
  inference: SupervisedInference | null;
  /** Frames in the crop file whose index rows wait for the database (locked by another program). */
  unindexed: IndexRows[];
}

interface IndexRows {
  first: number;
  timestampsMs: Float64Array;
  faceFound: Uint8Array;
}

/** A stopped recording whose results wait for the database: Stop (or the retry timer) stores them. */
interface StoppedRecording {
  recording: ActiveRecording;
  final: FinalAnalysis;
}

/** Shown while frames wait for a locked database: the recording goes on, nothing is lost. */
export const INDEX_WAITING =
  'The database is locked by another program: frames are saved in the session folder and indexed once it is closed. Close any program that has pulse-studio.db open.';
/** How often sessions left open by a locked or full database are tried again. */
const RETRY_MS = 5000;

export class Recorder {
  readonly #store: Store;
  readonly #appVersion: string;
  readonly #model: ModelChoice;
  readonly #log: (message: string) => void;
  readonly #active = new Map<number, ActiveRecording>();
  readonly #stopped = new Map<number, StoppedRecording>();
  /** Sessions whose files are closed but whose row could not be finished: recovered from their files later. */
  readonly #unfinished = new Set<number>();
  #retry: NodeJS.Timeout | null = null;
  /** Sessions being stopped: how far saving has got (the network catching up can take a minute on a slow machine). */
  readonly #stopping = new Map<number, () => StopProgress>();

  readonly #freeBytes: (dir: string) => number;

  /** `free` measures the disk holding the data folder (tests pass a stand-in). */
  constructor(
    store: Store,
    appVersion: string,
    model: ModelChoice = null,
    log: (message: string) => void = console.warn,
    free = freeBytes,
  ) {
    this.#store = store;
    this.#appVersion = appVersion;
    this.#model = model;
    this.#log = log;
    this.#freeBytes = free;
  }

  /** Room for recording on the data folder's disk at this frame rate. */
  diskSpace(fps: number | null = null): DiskSpace {
    return diskSpaceFor(this.#freeBytes(this.#store.dataDir), fps ?? undefined);
  }

  get activeSessionIds(): number[] {
    return [...this.#active.keys()];
  }

  /** Creates the session (with the model and execution provider in use) and opens its files. */
  async start(start: SessionStart): Promise<Session> {
    const room = this.diskSpace(start.fps);
    if (room.level === 'refuse') throw new AppError('storage', room.message!);
    const model = await startInference(this.#model, this.#log);
    const session = this.#store.sessions.create(start, {
      source: 'camera',
      appVersion: this.#appVersion,
      modelId: model ? modelName(model.model) : null,
      modelSha256: model?.inference.report.sha256 ?? null,
      executionProvider: model?.inference.report.provider ?? null,
    });
    const dir = this.#store.sessionDir(session.subjectId, session.id);
    try {
      fs.mkdirSync(dir, { recursive: true });
      const roi = new RoiWriter(path.join(dir, ROI_FILE), CROP_GEOMETRY, this.#store.mediaKey);
      const video = openAppender(path.join(dir, VIDEO_FILE), this.#store.mediaKey, 'data');
      const inference = model?.inference ?? null;
      this.#active.set(session.id, {
        session,
        roi,
        video,
        lastTimestampMs: -Infinity,
        live: new LiveAnalysis(inference),
        inference,
        unindexed: [],
      });
    } catch (error) {
      void model?.inference.close();
      this.#finishOrLater(session.id);
      throw storageFailure(error, 'Could not create the session folder');
    }
    return session;
  }

  /** Stores a chunk (crop file first, then the frame index) and returns the live numbers including it. */
  appendFrames(
    sessionId: number,
    chunk: FrameChunk,
  ): { frameCount: number; live: LiveSnapshot; warning: string | null } {
    const recording = this.#require(sessionId);
    const { timestampsMs } = chunk;
    for (let i = 0; i < timestampsMs.length; i++) {
      const t = timestampsMs[i]!;
      const previous = i === 0 ? recording.lastTimestampMs : timestampsMs[i - 1]!;
      if (!Number.isFinite(t) || t <= previous) {
        throw new AppError(
          'invalid_input',
          `Frame timestamps must be finite and increasing (frame ${i}: ${t} after ${previous})`,
        );
      }
    }
    let warning: string | null = null;
    try {
      const first = recording.roi.append(chunk.timestampsMs, chunk.faceFound, chunk.crops);
      recording.unindexed.push({ first, timestampsMs: chunk.timestampsMs, faceFound: chunk.faceFound });
      // The crop file holds the frames: a locked database only delays their index rows.
      if (!tryStore(() => this.#index(sessionId, recording))) warning = INDEX_WAITING;
    } catch (error) {
      this.#abort(sessionId, recording);
      throw storageFailure(
        error,
        'Could not store the frames; the recording was stopped and everything before is kept',
      );
    }
    recording.lastTimestampMs = timestampsMs[timestampsMs.length - 1]!;
    recording.live.push(chunk.timestampsMs, chunk.faceFound, chunk.crops);
    return { frameCount: recording.roi.frameCount, live: recording.live.snapshot(), warning };
  }

  /** Writes the index rows of frames already in the crop file, in one transaction. */
  #index(sessionId: number, recording: ActiveRecording): void {
    this.#store.db.transaction(() => {
      for (const rows of recording.unindexed)
        this.#store.sessions.appendFrames(sessionId, rows.first, rows.timestampsMs, rows.faceFound);
    })();
    recording.unindexed = [];
  }

  appendVideo(sessionId: number, bytes: Uint8Array): { bytes: number } {
    const recording = this.#require(sessionId);
    try {
      recording.video.append(bytes);
    } catch (error) {
      this.#abort(sessionId, recording);
      throw storageFailure(error, 'Could not store the video; the recording was stopped and everything before is kept');
    }
    return { bytes: recording.video.size };
  }

  /** Markers belong to a running recording; a finished session's record is not added to afterwards. */
  addMarker(sessionId: number, tS: number, label: string): Marker {
    this.#require(sessionId);
    return this.#store.sessions.addMarker(sessionId, tS, label);
  }

  /**
   * Closes the files, lets the network finish (or runs it again over the crop file when it died during the
   * session), stores the whole-session analysis as version 1, and marks the session complete. When the database
   * is locked by another program the results wait in memory: Stop again (or the retry timer) stores them.
   */
  async stop(sessionId: number): Promise<{ session: Session; summary: RecordingSummary }> {
    if (this.#unfinished.has(sessionId))
      return {
        session: this.#recover(sessionId),
        summary: notAnalysed(
          'The recording was stopped early by a storage problem; everything stored before it is kept.',
        ),
      };
    try {
      let stopped = this.#stopped.get(sessionId);
      if (!stopped) {
        const recording = this.#require(sessionId);
        this.#close(sessionId, recording);
        try {
          const progress = (report: () => StopProgress) => this.#stopping.set(sessionId, report);
          const context = { store: this.#store, log: this.#log, progress };
          stopped = {
            recording,
            final: await stopAnalysis(recording.session, recording.live, recording.inference, context),
          };
        } finally {
          void recording.inference?.close();
        }
        this.#stopped.set(sessionId, stopped);
      }
      this.#stopping.set(sessionId, () => ({ step: 'saving', fraction: null }));
      return await this.#storeStop(sessionId, stopped);
    } finally {
      this.#stopping.delete(sessionId);
    }
  }

  /** Stores a stopped recording's end and results, then seals its media; a locked database makes it wait. */
  async #storeStop(
    sessionId: number,
    stopped: StoppedRecording,
  ): Promise<{ session: Session; summary: RecordingSummary }> {
    try {
      const session = this.#store.db.transaction(() => this.#storeStopped(sessionId, stopped))();
      this.#stopped.delete(sessionId);
      await this.#seal(sessionId);
      return {
        session,
        summary: 'reason' in stopped.final ? notAnalysed(stopped.final.reason) : stopped.final.summary,
      };
    } catch (error) {
      if (isBusy(error)) {
        this.#retryLater();
        throw new AppError(
          'busy',
          'The recording is kept in its session folder and its end is saved as soon as the database is free: close any program that has pulse-studio.db open (Pulse Studio retries every few seconds).',
        );
      }
      this.#stopped.delete(sessionId);
      this.#finishOrLater(sessionId);
      throw storageFailure(error, 'The recording is kept in its session folder, but its end could not be saved');
    }
  }

  /** The database part of Stop: remaining index rows, the session's end, analysis version 1. */
  #storeStopped(sessionId: number, { recording, final }: StoppedRecording): Session {
    this.#index(sessionId, recording);
    const session = this.#store.sessions.finish(sessionId, 'complete');
    if ('reason' in final) return session;
    // Version 1 records what produced it, like every later version: the model and EP the session ran with.
    const { modelId, modelSha256, executionProvider } = recording.session;
    this.#store.analyses.add(sessionId, { ...final.analysis, modelId, modelSha256, executionProvider });
    return session;
  }

  /** The process running a recording's network (tests end it as a crash would). */
  inferencePid(sessionId: number): number | undefined {
    return this.#active.get(sessionId)?.inference?.pid;
  }

  /** How far the stop of a session has got, or null when it is not being stopped. */
  stopProgress(sessionId: number): StopProgress | null {
    return this.#stopping.get(sessionId)?.() ?? null;
  }

  /**
   * Analyses a stored session again from its lossless crop file, with the model installed now (or POS only) and
   * the chosen settings, and stores the result as a new analysis version (reanalysis.ts).
   */
  reanalyze(
    sessionId: number,
    settings: AnalysisSettings = analysisSettings.parse({}),
  ): Promise<{ version: number; summary: RecordingSummary }> {
    return reanalyzeSession(this.#store, sessionId, settings, {
      model: this.#model,
      log: this.#log,
      recording: this.#active.has(sessionId),
    });
  }

  /** Window closed or app quitting mid-recording: keep everything, mark the session interrupted. */
  interruptAll(): Session[] {
    this.settle();
    if (this.#retry) clearInterval(this.#retry);
    this.#retry = null;
    return [...this.#active].flatMap(([id, recording]) => {
      this.#close(id, recording, true);
      // A row the database refuses now is closed from the crop file at the next start.
      return tryStore(() => this.#index(id, recording)) ? [this.#store.sessions.finish(id, 'interrupted')] : [];
    });
  }

  /**
   * At start-up, sessions still 'recording' were cut short by a crash. Cut torn bytes from their crop
   * files, restore frame rows the crash kept from the database (the crop file holds their timestamps),
   * and mark them interrupted, ending at the crop file's last write. One the disk refuses now is tried later.
   */
  recoverInterrupted(): Session[] {
    return this.#store.sessions
      .openSessionIds()
      .filter((id) => !this.#active.has(id) && !this.#stopped.has(id))
      .flatMap((id) => {
        try {
          return [this.#recover(id)];
        } catch (error) {
          if (!isStorageCondition(error)) throw error;
          this.#log(`[recording] session ${id} stays open for now: ${String(error)}`);
          this.#unfinished.add(id);
          this.#retryLater();
          return [];
        }
      });
  }

  /** Stores what waits for the database (stopped recordings, unfinished sessions); what still fails waits on. */
  settle(): void {
    for (const [id, stopped] of this.#stopped) {
      if (tryStore(() => void this.#store.db.transaction(() => this.#storeStopped(id, stopped))()))
        this.#stopped.delete(id);
    }
    for (const id of this.#unfinished) {
      try {
        this.#recover(id);
      } catch (error) {
        if (!isStorageCondition(error)) throw error;
      }
    }
    if (this.#stopped.size === 0 && this.#unfinished.size === 0 && this.#retry) {
      clearInterval(this.#retry);
      this.#retry = null;
    }
  }

  /** Closes one session left open from its crop file (recovery.ts) and seals its media. */
  #recover(id: number): Session {
    const finished = closeFromCropFile(this.#store, id);
    this.#unfinished.delete(id);
    void this.#seal(id);
    return finished;
  }

  /** Marks a session interrupted, or, when the disk or database refuses even that, recovers it later. */
  #finishOrLater(sessionId: number): void {
    try {
      this.#store.sessions.finish(sessionId, 'interrupted');
    } catch (error) {
      if (!isStorageCondition(error)) throw error;
      this.#unfinished.add(sessionId);
      this.#retryLater();
    }
  }

  /** Stores the SHA-256 of the finished session's media; a failure is logged (the media themselves are kept). */
  async #seal(sessionId: number): Promise<void> {
    await sealSessionMedia(this.#store, sessionId).catch((error: unknown) =>
      this.#log(`[recording] checksums of session ${sessionId} not stored: ${String(error)}`),
    );
  }

  #retryLater(): void {
    this.#retry ??= setInterval(() => this.settle(), RETRY_MS).unref();
  }

  #require(sessionId: number): ActiveRecording {
    const recording = this.#active.get(sessionId);
    if (!recording) throw new AppError('conflict', `Session ${sessionId} is not recording`);
    return recording;
  }

  #close(sessionId: number, recording: ActiveRecording, endInference = false): void {
    this.#active.delete(sessionId);
    if (endInference) void recording.inference?.close();
    for (const close of [() => recording.roi.close(), () => recording.video.close()]) {
      try {
        close();
      } catch {
        // Already failed while writing; the data before it is on disk.
      }
    }
  }

  #abort(sessionId: number, recording: ActiveRecording): void {
    this.#close(sessionId, recording, true);
    this.#finishOrLater(sessionId);
  }
}
