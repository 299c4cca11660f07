// Main-process handle on one inference process: load a model, push frames, receive the waveform.

import { fileURLToPath } from 'node:url';
import type { ModelValidation } from '../../common/models.ts';
import { ModelError } from './model-error.ts';
import type { WaveformChunk } from './waveform-stream.ts';
import { nodeWorkerLauncher, type WorkerChannel, type WorkerLauncher } from './worker-process.ts';
import type {
  CommandResults,
  FromWorker,
  LoadModelRequest,
  LoadedModelReport,
  ToWorker,
  WireError,
  WorkerCommand,
  WorkerStats,
} from './worker-protocol.ts';

export interface InferenceWorkerOptions {
  /**
   * Starts the process; default: a Node child running the .ts entry. The desktop app passes a utility-process launcher.
   */
  readonly launch?: WorkerLauncher;
  /** The entry file for the default launcher (a bundled build's file instead of the .ts source). */
  readonly workerUrl?: URL | string;
  readonly onLog?: (message: string) => void;
  /** Inference failures after a push (there is no call to reject for them). */
  readonly onError?: (error: ModelError) => void;
  /** The process ended without being closed (a native crash, killed): every call after this rejects. */
  readonly onExit?: (error: ModelError) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: ModelError): void;
}

const fromWire = (error: WireError): ModelError => new ModelError(error.code, error.message);

export class InferenceWorker {
  readonly #worker: WorkerChannel;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(chunk: WaveformChunk) => void>();
  readonly #options: InferenceWorkerOptions;
  #nextId = 1;
  #buffered: Float32Array[] = [];
  #bufferedStart = 0;
  #received = 0;
  #exited: ModelError | null = null;
  #closing = false;
  #resetsInFlight = 0;
  readonly #ended: Promise<void>;

  constructor(options: InferenceWorkerOptions = {}) {
    this.#options = options;
    const entry = options.workerUrl instanceof URL ? fileURLToPath(options.workerUrl) : options.workerUrl;
    this.#worker = (options.launch ?? nodeWorkerLauncher(entry))();
    this.#worker.onMessage((message) => this.#onMessage(message));
    this.#ended = new Promise((resolve) => {
      this.#worker.onExit((how) => {
        const error = new ModelError('WORKER_FAILED', `the inference process ${how}`);
        const unexpected = !this.#closing && !this.#exited;
        this.#fail(error);
        if (unexpected) this.#options.onExit?.(error);
        resolve();
      });
    });
  }

  /** The inference process's id (a test may end it as a crash would). */
  get pid(): number | undefined {
    return this.#worker.pid;
  }

  /** Samples received since the last reset. */
  get received(): number {
    return this.#received;
  }

  /** Why the process is gone, or null while it runs. */
  get failure(): ModelError | null {
    return this.#exited;
  }

  /** Loads and validates a model; frames pushed afterwards use it. Replaces any earlier model. */
  loadModel(request: LoadModelRequest): Promise<LoadedModelReport> {
    return this.#call({ type: 'load', request });
  }

  /**
   * Queues 128×128 HWC uint8 frames (any whole number of them); copied to the process
   * (`transfer` is kept for callers, unused).
   */
  pushFrames(frames: Uint8Array, _options: { transfer?: boolean } = {}): void {
    // After the process ended the frames go nowhere; onExit has said so, and flush() rejects with why.
    if (this.#exited) return;
    const message: ToWorker = { type: 'push', frames };
    this.#worker.send(message);
  }

  /** Samples received since the last pull, contiguous; `start` indexes the whole recording. */
  pullSamples(): WaveformChunk {
    const data = new Float32Array(this.#buffered.reduce((n, part) => n + part.length, 0));
    let offset = 0;
    for (const part of this.#buffered) {
      data.set(part, offset);
      offset += part.length;
    }
    const chunk = { start: this.#bufferedStart, data };
    this.#buffered = [];
    this.#bufferedStart = this.#received;
    return chunk;
  }

  /** Called for every chunk of samples as it arrives; returns the unsubscribe function. */
  onSamples(listener: (chunk: WaveformChunk) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Ends the recording: runs the tail without right context. Await it before new frames. */
  flush(): Promise<WorkerStats> {
    return this.#call({ type: 'flush' });
  }

  /** Starts a new recording; frames pushed after this call belong to it. */
  async reset(): Promise<void> {
    // Samples of the old recording may still be in the channel ahead of the reply: drop them.
    this.#resetsInFlight += 1;
    try {
      await this.#call({ type: 'reset' });
    } finally {
      this.#resetsInFlight -= 1;
      this.#buffered = [];
      this.#received = 0;
      this.#bufferedStart = 0;
    }
  }

  /** Validates an SSPD ONNX file's bytes in this process (an imported model is untrusted input to onnxruntime). */
  validate(onnx: Uint8Array, checkpointTensors: number | null): Promise<ModelValidation> {
    return this.#call({ type: 'validate', onnx, checkpointTensors });
  }

  stats(): Promise<WorkerStats> {
    return this.#call({ type: 'stats' });
  }

  /** Releases the session, then ends the process (with no run in flight, so onnxruntime has nothing to abort). */
  async close(): Promise<void> {
    if (this.#exited) return;
    await this.#call({ type: 'unload' }).catch(() => null);
    this.#closing = true;
    this.#worker.kill();
    await this.#ended;
  }

  #call<K extends WorkerCommand['type']>(command: Extract<WorkerCommand, { type: K }>): Promise<CommandResults[K]> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise<CommandResults[K]>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const message: ToWorker = { id, command };
      this.#worker.send(message);
    });
  }

  #onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'reply': {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.ok) pending?.resolve(message.value);
        else pending?.reject(fromWire(message.error));
        return;
      }
      case 'samples': {
        if (this.#resetsInFlight > 0) return;
        const chunk = { start: message.start, data: message.data };
        this.#buffered.push(chunk.data);
        this.#received = chunk.start + chunk.data.length;
        for (const listener of this.#listeners) listener(chunk);
        return;
      }
      case 'error':
        this.#options.onError?.(fromWire(message.error));
        return;
      case 'log':
        this.#options.onLog?.(message.message);
        return;
    }
  }

  #fail(error: ModelError): void {
    if (this.#exited) return;
    this.#exited = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
