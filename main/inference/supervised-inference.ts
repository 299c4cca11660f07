// One recording's network, kept alive: the model runs in an inference process of its own; when that process dies
// (a native crash, killed) this restarts it with the same model and says so, so the live view can fall back to POS
// and the recording carries on. Every user of SSPD (recording, re-analysis, imports) goes through here.
import { InferenceWorker } from './inference-client.ts';
import { ModelError } from './model-error.ts';
import { BYTES_PER_FRAME } from './sspd-contract.ts';
import type { WaveformChunk } from './waveform-stream.ts';
import type { WorkerLauncher } from './worker-process.ts';
import type { LoadedModelReport, LoadModelRequest, WorkerStats } from './worker-protocol.ts';

/**
 * An installed SSPD model to run (a recording's, a re-analysis's, an adaptation check's), as
 * the model registry lists them.
 */
export interface LiveModel {
  path: string;
  /** Stored as the session's model id; the file name when absent. */
  name?: string;
  /** Starts the inference process (the desktop app's utility process); default: a Node child. */
  launch?: WorkerLauncher;
  intraOpThreads?: number;
}

export interface SupervisorOptions {
  readonly launch?: WorkerLauncher;
  /** The entry file for the default (Node child) launcher. */
  readonly workerUrl?: URL | string;
  readonly log?: (message: string) => void;
  /** Restarts after which the network stays down for this handle (a model that crashes every time). */
  readonly maxRestarts?: number;
}

/** How far the network has got with the frames it was given (this process's share since its start or reset). */
export interface InferenceProgress {
  framesPushed: number;
  samplesReceived: number;
}

export class SupervisedInference {
  readonly report: LoadedModelReport;
  readonly #request: LoadModelRequest;
  readonly #options: SupervisorOptions;
  #worker: InferenceWorker;
  #generation = 0;
  #crashes = 0;
  #down: string | null = null;
  #pushed = 0;
  #closed = false;
  #restarting: Promise<void> = Promise.resolve();

  private constructor(
    worker: InferenceWorker,
    report: LoadedModelReport,
    request: LoadModelRequest,
    options: SupervisorOptions,
  ) {
    this.#worker = worker;
    this.report = report;
    this.#request = request;
    this.#options = options;
  }

  /** Starts a process with the model loaded; rejects with the loader's ModelError (and leaves no process behind). */
  static async start(request: LoadModelRequest, options: SupervisorOptions = {}): Promise<SupervisedInference> {
    let handle: SupervisedInference | null = null;
    const { worker, report } = await SupervisedInference.#launch(request, options, (error, source) => {
      if (handle) handle.#crashed(error, source);
    });
    handle = new SupervisedInference(worker, report, request, options);
    return handle;
  }

  /**
   * A process with the model loaded; `onExit` hears of its death with which process it was
   * (a failed load's is nobody's).
   */
  static async #launch(
    request: LoadModelRequest,
    options: SupervisorOptions,
    onExit: (error: ModelError, source: InferenceWorker) => void,
  ) {
    const log = options.log ?? (() => {});
    const worker: InferenceWorker = new InferenceWorker({
      ...(options.launch ? { launch: options.launch } : {}),
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
      onLog: log,
      onError: (e) => log(`[inference] ${e.message}`),
      onExit: (error) => onExit(error, worker),
    });
    try {
      return { worker, report: await worker.loadModel(request) };
    } catch (error) {
      await worker.close();
      throw error;
    }
  }

  /**
   * Bumps each time a restarted process is ready: samples from then on start again at 0, for the frames pushed since.
   */
  get generation(): number {
    return this.#generation;
  }

  /** Times the process died under this handle. */
  get crashes(): number {
    return this.#crashes;
  }

  /** Why the network is not running now (it died and is restarting, or gave up), or null. */
  get down(): string | null {
    return this.#down;
  }

  get pid(): number | undefined {
    return this.#worker.pid;
  }

  progress(): InferenceProgress {
    return { framesPushed: this.#pushed, samplesReceived: this.#worker.received };
  }

  /** Frames pushed while the network is down are not run live (a recording's stop analyses them again). */
  pushFrames(frames: Uint8Array): void {
    if (this.#down) return;
    this.#pushed += frames.length / BYTES_PER_FRAME;
    this.#worker.pushFrames(frames);
  }

  pullSamples(): WaveformChunk {
    return this.#worker.pullSamples();
  }

  flush(): Promise<WorkerStats> {
    return this.#worker.flush();
  }

  stats(): Promise<WorkerStats> {
    return this.#worker.stats();
  }

  /** Starts over (a new recording, or the same frames again); waits for a restart in progress. */
  async reset(): Promise<void> {
    await this.#restarting;
    if (this.#down) throw new ModelError('WORKER_FAILED', this.#down);
    await this.#worker.reset();
    this.#pushed = 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#restarting;
    await this.#worker.close();
  }

  #crashed(error: ModelError, source: InferenceWorker): void {
    // Only the process in use counts: one that died while loading is the restart's own failure.
    if (this.#closed || source !== this.#worker) return;
    this.#crashes += 1;
    const log = this.#options.log ?? (() => {});
    const maxRestarts = this.#options.maxRestarts ?? 3;
    log(
      `[inference] ${error.message}${this.#crashes <= maxRestarts ? '; restarting it' : '; not restarting it again'}`,
    );
    if (this.#crashes > maxRestarts) {
      this.#down = `The heart-rate network stopped ${this.#crashes} times and was not restarted again`;
      return;
    }
    this.#down = 'The heart-rate network stopped and is being restarted';
    this.#restarting = SupervisedInference.#launch(this.#request, this.#options, (e, source) =>
      this.#crashed(e, source),
    ).then(
      async ({ worker }) => {
        if (this.#closed) return worker.close();
        this.#worker = worker;
        this.#pushed = 0;
        this.#generation += 1;
        this.#down = null;
      },
      (failure: unknown) => {
        this.#down = `The heart-rate network could not be restarted: ${failure instanceof Error ? failure.message : String(failure)}`;
        log(`[inference] ${this.#down}`);
      },
    );
  }
}
