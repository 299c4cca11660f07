// Live recording on disk: the session row, the lossless crop file, the frame index and the camera video.
// Each chunk reaches disk (fsync) before it is acknowledged, so a crash loses only what was in flight.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import { analysisSettings, CROP_SIZE, type AnalysisSettings, type FrameChunk, type LiveSnapshot, type Marker, type RecordingSummary, type Session, type SessionStart, type StopProgress } from '../../common/sessions.ts';
import { errorMessage } from '../inference/model-error.ts';
import { SupervisedInference } from '../inference/supervised-inference.ts';
import type { WorkerLauncher } from '../inference/worker-process.ts';
import type { SignalOptions } from '../signal/index.ts';
import type { Store } from '../store/index.ts';
import type { RecordContext } from '../analysis/analysis-record.ts';
import { LiveAnalysis, type FinalAnalysis } from './live-analysis.ts';
import { readRoiFile, repairRoiFile, RoiWriter } from './roi-file.ts';

export const ROI_FILE = 'crops.roi';
export const VIDEO_FILE = 'video.webm';
const CROP_GEOMETRY = { width: CROP_SIZE, height: CROP_SIZE, channels: 3 };

/** The SSPD model live recordings run, when one is installed. */
export interface LiveModel {
  path: string;
  /** Stored as the session's model id; the file name when absent. */
  name?: string;
  /** Starts the inference process (the desktop app's utility process); default: a Node child. */
  launch?: WorkerLauncher;
  intraOpThreads?: number;
}

/** One fixed model, none, or the models to try in order, asked at every start (the user may switch). */
export type ModelChoice = LiveModel | null | (() => readonly LiveModel[]);

interface ActiveRecording {
  session: Session;
  roi: RoiWriter;
  videoFd: number;
  lastTimestampMs: number;
  live: LiveAnalysis;
  inference: SupervisedInference | null;
}

/** A model's process, ready, and the model it runs. */
interface RunningModel {
  inference: SupervisedInference;
  model: LiveModel;
}

export class Recorder {
  readonly #store: Store;
  readonly #appVersion: string;
  readonly #model: ModelChoice;
  readonly #log: (message: string) => void;
  readonly #active = new Map<number, ActiveRecording>();
  /** Sessions being stopped: how far saving has got (the network catching up can take a minute on a slow machine). */
  readonly #stopping = new Map<number, () => StopProgress>();

  constructor(store: Store, appVersion: string, model: ModelChoice = null, log: (message: string) => void = console.warn) {
    this.#store = store;
    this.#appVersion = appVersion;
    this.#model = model;
    this.#log = log;
  }

  get activeSessionIds(): number[] {
    return [...this.#active.keys()];
  }

  /** Creates the session (with the model and execution provider in use) and opens its files. */
  async start(start: SessionStart): Promise<Session> {
    const model = await this.#startInference();
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
      const roi = new RoiWriter(path.join(dir, ROI_FILE), CROP_GEOMETRY);
      const videoFd = fs.openSync(path.join(dir, VIDEO_FILE), 'a');
      const inference = model?.inference ?? null;
      this.#active.set(session.id, { session, roi, videoFd, lastTimestampMs: -Infinity, live: new LiveAnalysis(inference), inference });
    } catch (error) {
      void model?.inference.close();
      this.#store.sessions.finish(session.id, 'interrupted');
      throw storageError(error, 'Could not create the session folder');
    }
    return session;
  }

  /** An inference process with the first model that loads, or null: without a usable model the recording runs on POS alone. */
  async #startInference(): Promise<RunningModel | null> {
    const candidates = typeof this.#model === 'function' ? this.#model() : this.#model ? [this.#model] : [];
    for (const [i, model] of candidates.entries()) {
      try {
        const request = { modelPath: model.path, ...(model.intraOpThreads ? { intraOpThreads: model.intraOpThreads } : {}) };
        const inference = await SupervisedInference.start(request, { ...(model.launch ? { launch: model.launch } : {}), log: this.#log });
        return { inference, model };
      } catch (error) {
        const next = i + 1 < candidates.length ? `trying ${modelName(candidates[i + 1]!)}` : 'recording with POS only';
        this.#log(`[recording] the model ${modelName(model)} could not be loaded, ${next}: ${errorMessage(error)}`);
      }
    }
    return null;
  }

  /** Stores a chunk (crop file first, then the frame index) and returns the live numbers including it. */
  appendFrames(sessionId: number, chunk: FrameChunk): { frameCount: number; live: LiveSnapshot } {
    const recording = this.#require(sessionId);
    const { timestampsMs } = chunk;
    for (let i = 0; i < timestampsMs.length; i++) {
      const t = timestampsMs[i]!;
      const previous = i === 0 ? recording.lastTimestampMs : timestampsMs[i - 1]!;
      if (!Number.isFinite(t) || t <= previous) {
        throw new AppError('invalid_input', `Frame timestamps must be finite and increasing (frame ${i}: ${t} after ${previous})`);
      }
    }
    try {
      const first = recording.roi.append(chunk.timestampsMs, chunk.faceFound, chunk.crops);
      this.#store.sessions.appendFrames(sessionId, first, chunk.timestampsMs, chunk.faceFound);
    } catch (error) {
      this.#abort(sessionId, recording);
      throw storageError(error, 'Could not store the frames; the recording was stopped and everything before is kept');
    }
    recording.lastTimestampMs = timestampsMs[timestampsMs.length - 1]!;
    recording.live.push(chunk.timestampsMs, chunk.faceFound, chunk.crops);
    return { frameCount: recording.roi.frameCount, live: recording.live.snapshot() };
  }

  appendVideo(sessionId: number, bytes: Uint8Array): { bytes: number } {
    const recording = this.#require(sessionId);
    try {
      fs.writeSync(recording.videoFd, bytes);
      fs.fdatasyncSync(recording.videoFd);
    } catch (error) {
      this.#abort(sessionId, recording);
      throw storageError(error, 'Could not store the video; the recording was stopped and everything before is kept');
    }
    return { bytes: fs.fstatSync(recording.videoFd).size };
  }

  addMarker(sessionId: number, tS: number, label: string): Marker {
    return this.#store.sessions.addMarker(sessionId, tS, label);
  }

  /**
   * Closes the files, lets the network finish (or runs it again over the crop file when it died during the
   * session), stores the whole-session analysis as version 1, and marks the session complete.
   */
  async stop(sessionId: number): Promise<{ session: Session; summary: RecordingSummary }> {
    const recording = this.#require(sessionId);
    this.#close(sessionId, recording);
    try {
      const final = await this.#finalAnalysis(sessionId, recording);
      this.#stopping.set(sessionId, () => ({ step: 'saving', fraction: null }));
      const session = this.#store.sessions.finish(sessionId, 'complete');
      if ('reason' in final) {
        const summary = { primary: null, medianBpm: null, meanBpm: null, usedWindows: 0, windows: 0, warnings: [], notAnalysed: final.reason, droppedFrames: null };
        return { session, summary };
      }
      // Version 1 records what produced it, like every later version: the model and EP the session ran with.
      const { modelId, modelSha256, executionProvider } = recording.session;
      this.#store.analyses.add(sessionId, { ...final.analysis, modelId, modelSha256, executionProvider });
      return { session, summary: final.summary };
    } finally {
      this.#stopping.delete(sessionId);
      void recording.inference?.close();
    }
  }

  /** The process running a recording's network (tests end it as a crash would). */
  inferencePid(sessionId: number): number | undefined {
    return this.#active.get(sessionId)?.inference?.pid;
  }

  /** How far the stop of a session has got, or null when it is not being stopped. */
  stopProgress(sessionId: number): StopProgress | null {
    return this.#stopping.get(sessionId)?.() ?? null;
  }

  /** The live trace's analysis once the network has caught up; the crop file run again when the network missed frames. */
  async #finalAnalysis(sessionId: number, recording: ActiveRecording): Promise<FinalAnalysis> {
    const { inference, live } = recording;
    const context = recordContext('recording', inference);
    if (!inference) return live.finalAnalysis(context);
    this.#stopping.set(sessionId, () => ({ step: 'network', fraction: networkShare(inference) }));
    // The network's last samples need the recording's end: run the tail before the final analysis.
    const flushed = await inference.flush().then(() => true, (e: unknown) => (this.#log(`[inference] flush failed: ${errorMessage(e)}`), false));
    if (flushed && live.sspdComplete) return live.finalAnalysis(context);
    this.#log(`[recording] the network missed part of session ${sessionId}: running it again over the stored crops`);
    this.#stopping.set(sessionId, () => ({ step: 'rerun', fraction: networkShare(inference) }));
    try {
      await inference.reset();
      return await this.#analyseCrops(this.#roiFile(recording.session), inference, context);
    } catch (error) {
      this.#log(`[recording] the network could not run again (${errorMessage(error)}): storing the POS analysis`);
      return live.finalAnalysis(context, { sspd: false });
    }
  }

  /** The crop file through a fresh live analysis (and the network, when given): the whole-session analysis. */
  async #analyseCrops(file: string, inference: SupervisedInference | null, context: RecordContext, options?: Partial<SignalOptions>): Promise<FinalAnalysis> {
    const live = new LiveAnalysis(inference, options);
    readRoiFile(file, (chunk) => live.push(chunk.timestampsMs, chunk.faceFound, chunk.crops));
    if (inference) await inference.flush();
    if (inference && !live.sspdComplete) throw new AppError('internal', 'The heart-rate network stopped during the analysis; try again');
    return live.finalAnalysis(context);
  }

  /** How the session's crops were made: as its first analysis says (an import may have read whole frames). */
  #roiOf(sessionId: number): RecordContext['roi'] {
    return this.#store.analyses.list(sessionId)[0]?.params.roi ?? 'face';
  }

  #roiFile(session: Session): string {
    return path.join(this.#store.sessionDir(session.subjectId, session.id), ROI_FILE);
  }

  /**
   * Analyses a stored session again from its lossless crop file, with the model installed now (or POS only) and
   * the chosen settings, and stores the result as a new analysis version; earlier versions stay as they were.
   */
  async reanalyze(sessionId: number, settings: AnalysisSettings = analysisSettings.parse({})): Promise<{ version: number; summary: RecordingSummary }> {
    const session = this.#store.sessions.get(sessionId);
    if (this.#active.has(sessionId)) throw new AppError('conflict', 'This session is still recording');
    const file = this.#roiFile(session);
    if (!fs.existsSync(file)) throw new AppError('not_found', `Session ${sessionId} has no stored face crops to analyse`);
    const model = settings.method === 'model' ? await this.#startInference() : null;
    try {
      const context = { ...recordContext('reanalysis', model?.inference ?? null), roi: this.#roiOf(sessionId), settings };
      const final = await this.#analyseCrops(file, model?.inference ?? null, context, signalOptionsFor(settings));
      if ('reason' in final) throw new AppError('conflict', `Session ${sessionId} cannot be analysed: ${final.reason}`);
      const report = model?.inference.report;
      const runtime = { modelId: model ? modelName(model.model) : null, modelSha256: report?.sha256 ?? null, executionProvider: report?.provider ?? null };
      const record = this.#store.analyses.add(sessionId, { ...final.analysis, ...runtime });
      return { version: record.version, summary: final.summary };
    } finally {
      await model?.inference.close();
    }
  }

  /** Window closed or app quitting mid-recording: keep everything, mark the session interrupted. */
  interruptAll(): Session[] {
    return [...this.#active].map(([id, recording]) => {
      this.#close(id, recording, true);
      return this.#store.sessions.finish(id, 'interrupted');
    });
  }

  /**
   * At start-up, sessions still 'recording' were cut short by a crash. Cut torn bytes from their crop
   * files, restore frame rows the crash kept from the database (the crop file holds their timestamps),
   * and mark them interrupted, ending at the crop file's last write.
   */
  recoverInterrupted(): Session[] {
    return this.#store.sessions.openSessionIds()
      .filter((id) => !this.#active.has(id))
      .map((id) => {
        const session = this.#store.sessions.get(id);
        const file = this.#roiFile(session);
        if (!fs.existsSync(file)) return this.#store.sessions.finish(id, 'interrupted', session.startedAt);
        repairRoiFile(file);
        const stored = this.#store.sessions.frameCount(id);
        readRoiFile(file, (chunk) => {
          if (chunk.firstFrame >= stored) this.#store.sessions.appendFrames(id, chunk.firstFrame, chunk.timestampsMs, chunk.faceFound);
        });
        return this.#store.sessions.finish(id, 'interrupted', fs.statSync(file).mtime.toISOString());
      });
  }

  #require(sessionId: number): ActiveRecording {
    const recording = this.#active.get(sessionId);
    if (!recording) throw new AppError('conflict', `Session ${sessionId} is not recording`);
    return recording;
  }

  #close(sessionId: number, recording: ActiveRecording, endInference = false): void {
    this.#active.delete(sessionId);
    if (endInference) void recording.inference?.close();
    for (const close of [() => recording.roi.close(), () => fs.closeSync(recording.videoFd)]) {
      try {
        close();
      } catch {
        // Already failed while writing; the data before it is on disk.
      }
    }
  }

  #abort(sessionId: number, recording: ActiveRecording): void {
    this.#close(sessionId, recording, true);
    this.#store.sessions.finish(sessionId, 'interrupted');
  }
}

/** What a recorder's analysis records about how it was made (the crops of a recording are face crops). */
function recordContext(source: RecordContext['source'], inference: SupervisedInference | null): RecordContext {
  return { source, roi: 'face', inference: inference ? { inputFilter: inference.report.inputFilter } : null };
}

/** The share of the frames given to the network whose samples are back. */
function networkShare(inference: SupervisedInference): number {
  const { framesPushed, samplesReceived } = inference.progress();
  return framesPushed > 1 ? Math.min(1, samplesReceived / (framesPushed - 1)) : 1;
}

function modelName(model: LiveModel): string {
  return model.name ?? path.basename(model.path);
}

/** A re-analysis's choices as signal options (windows are never shorter than the 6 s Welch segment). */
function signalOptionsFor(settings: AnalysisSettings): Partial<SignalOptions> {
  const [lo, hi] = settings.hrBandBpm;
  return { hrBandHz: [lo / 60, hi / 60], windowS: settings.windowS };
}

function storageError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EROFS' ? 'the data folder is not writable' : String(error);
  return new AppError('storage', `${what}: ${reason}`);
}
