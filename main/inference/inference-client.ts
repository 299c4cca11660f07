// Main-process handle on the inference worker: load a model, push frames, receive the waveform.

import { Worker } from 'node:worker_threads';
import { ModelError } from './model-error.ts';
import type { WaveformChunk } from './waveform-stream.ts';
import type { CommandResults, FromWorker, LoadModelRequest, LoadedModelReport, ToWorker, WireError, WorkerCommand, WorkerStats } from './worker-protocol.ts';

export interface InferenceWorkerOptions {
  /** The worker entry; a bundled app passes its built file instead of the .ts source. */
  readonly workerUrl?: URL | string;
  readonly onLog?: (message: string) => void;
  /** Inference failures after a push (there is no call to reject for them). */
  readonly onError?: (error: ModelError) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: ModelError): void;
}

const fromWire = (error: WireError): ModelError => new ModelError(error.code, error.message);

export class InferenceWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(chunk: WaveformChunk) => void>();
  readonly #options: InferenceWorkerOptions;
  #nextId = 1;
  #buffered: Float32Array[] = [];
  #bufferedStart = 0;
  #received = 0;
  #exited: ModelError | null = null;
  #resetsInFlight = 0;

  constructor(options: InferenceWorkerOptions = {}) {
    this.#options = options;
    this.#worker = new Worker(options.workerUrl ?? new URL('./inference-worker.ts', import.meta.url));
    this.#worker.on('message', (message: FromWorker) => this.#onMessage(message));
    this.#worker.on('error', (error) => this.#fail(new ModelError('WORKER_FAILED', `inference worker crashed: ${error.message}`, { cause: error })));
    this.#worker.on('exit', (code) => this.#fail(new ModelError('WORKER_FAILED', `inference worker exited with code ${code}`)));
  }

  /** Loads and validates a model; frames pushed afterwards use it. Replaces any earlier model. */
  loadModel(request: LoadModelRequest): Promise<LoadedModelReport> {
    return this.#call({ type: 'load', request });
  }

  /**
   * Queues 128×128 HWC uint8 frames (any whole number of them). Copies by default; with
   * `transfer` the caller hands over `frames.buffer` (when the view spans all of it) and must not
   * touch it again.
   */
  pushFrames(frames: Uint8Array, options: { transfer?: boolean } = {}): void {
    if (this.#exited) throw this.#exited;
    const whole = frames.byteOffset === 0 && frames.byteLength === frames.buffer.byteLength && frames.buffer instanceof ArrayBuffer;
    // Cloning a view clones its whole buffer: a one-second view of a long recording would
    // otherwise send the recording each time. So send an exact copy and transfer that.
    const own = options.transfer && whole ? frames : frames.slice();
    const message: ToWorker = { type: 'push', frames: own };
    this.#worker.postMessage(message, [own.buffer as ArrayBuffer]);
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

  stats(): Promise<WorkerStats> {
    return this.#call({ type: 'stats' });
  }

  /** Releases the session and stops the thread. */
  async close(): Promise<void> {
    if (this.#exited) return;
    await this.#call({ type: 'unload' }).catch(() => null);
    await this.#worker.terminate();
  }

  #call<K extends WorkerCommand['type']>(command: Extract<WorkerCommand, { type: K }>): Promise<CommandResults[K]> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise<CommandResults[K]>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const message: ToWorker = { id, command };
      this.#worker.postMessage(message);
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
