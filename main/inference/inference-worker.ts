// Inference process entry: owns the ORT session and the waveform stream, in a child process of its own, so that a
// native crash in onnxruntime ends this process only (a Node child, or an Electron utility process in the app).

import { INPUT_LOWPASS } from './input-filter.ts';
import { validateSspdOnnx } from './model-validation.ts';
import { ModelError, errorMessage } from './model-error.ts';
import { loadSspdModel, type LoadedModel } from './model-loader.ts';
import { OverlapSaveStream } from './overlap-save-stream.ts';
import { StatefulStream } from './stateful-stream.ts';
import type { WaveformChunk, WaveformStream } from './waveform-stream.ts';
import type {
  CommandResults,
  FromWorker,
  LoadModelRequest,
  ToWorker,
  WireError,
  WorkerCommand,
  WorkerStats,
} from './worker-protocol.ts';

/** The channel to the parent: Electron's `process.parentPort` in a utility process, Node's IPC in a forked child. */
interface ParentChannel {
  post(message: FromWorker): void;
  onMessage(handler: (message: ToWorker) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function parentChannel(): ParentChannel {
  const electron = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (electron)
    return {
      post: (m) => electron.postMessage(m),
      onMessage: (h) => electron.on('message', (e) => h(e.data as ToWorker)),
    };
  const send = process.send?.bind(process);
  if (!send)
    throw new Error('inference-worker.ts runs as a child process: start it with main/inference/worker-process.ts');
  // The parent is gone (it crashed or was killed): nothing is left to compute for.
  process.on('disconnect', () => process.exit(0));
  return { post: (m) => void send(m), onMessage: (h) => process.on('message', h as (m: unknown) => void) };
}

const port = parentChannel();

let model: LoadedModel | null = null;
let request: LoadModelRequest | null = null;
let stream: WaveformStream | null = null;
/** The one drain in progress; runs are serialized so chunks leave in order. */
let draining: Promise<void> | null = null;
/** Commands that wait for inference run one after another, in arrival order. */
let queue: Promise<unknown> = Promise.resolve();
/** Set when a run failed, so a broken model is not retried in a tight loop until new frames come. */
let stalled = false;

const post = (message: FromWorker): void => port.post(message);

function toWire(error: unknown): WireError {
  return error instanceof ModelError
    ? { code: error.code, message: error.message }
    : { code: 'INFERENCE_FAILED', message: errorMessage(error) };
}

const inputFilterOf = (r: LoadModelRequest) => (r.inputFilter === undefined ? INPUT_LOWPASS : r.inputFilter);

/** The streaming form's own state where the model has it; overlap-save over the whole form otherwise. */
function freshStream(): WaveformStream | null {
  if (!model || !request) return null;
  const options = {
    order: request.order ?? 'rgb',
    policy: request.policy,
    inputFilter: inputFilterOf(request),
  } as const;
  return model.step ? new StatefulStream(model.step, options) : new OverlapSaveStream(model.run, options);
}

const emit = (chunk: WaveformChunk): void => post({ type: 'samples', start: chunk.start, data: chunk.data });

/** Replaces the stream; the old one stops after its current chunk and emits nothing more. */
function replaceStream(next: WaveformStream | null): void {
  stream?.cancel();
  stream = next;
}

/**
 * Runs whatever is ready. While a chunk runs, new pushes queue up, so the next plan takes them
 * all (up to the policy's cap): a slow machine gets longer chunks, never dropped frames.
 */
function kick(): void {
  if (draining || !stream) return;
  const current = stream;
  draining = current
    .drain(false, emit)
    .catch((error: unknown) => {
      stalled = true;
      post({ type: 'error', error: toWire(error) });
    })
    .finally(() => {
      draining = null;
      if (!stalled && stream?.ready(false)) kick();
    });
}

async function idle(): Promise<void> {
  while (draining) await draining;
}

function loadedStream(): WaveformStream {
  if (!stream) throw new ModelError('NO_MODEL_LOADED', 'load a model first');
  return stream;
}

function stats(): WorkerStats {
  const current = loadedStream();
  const usage = process.resourceUsage();
  const busy = draining !== null || current.ready(false);
  return {
    ...current.stats(),
    provider: model?.report.provider ?? null,
    busy,
    pid: process.pid,
    rssBytes: process.memoryUsage.rss(),
    peakRssBytes: usage.maxRSS * 1024,
  };
}

async function unload(): Promise<void> {
  const old = model;
  model = null;
  request = null;
  replaceStream(null);
  await idle();
  await old?.release();
}

async function queued(command: WorkerCommand): Promise<CommandResults[keyof CommandResults]> {
  switch (command.type) {
    case 'load': {
      await unload();
      const log = (message: string): void => post({ type: 'log', message });
      const { modelPath, providers, intraOpThreads, enableCpuMemArena } = command.request;
      model = await loadSspdModel(modelPath, { providers, intraOpThreads, enableCpuMemArena, log });
      request = command.request;
      replaceStream(freshStream());
      return { ...model.report, inputFilter: inputFilterOf(command.request) };
    }
    case 'flush': {
      await idle();
      const current = loadedStream();
      draining = current.drain(true, emit).finally(() => {
        draining = null;
      });
      await draining;
      return stats();
    }
    case 'unload':
      await unload();
      return null;
    case 'validate':
      return validateSspdOnnx(command.onnx, command.checkpointTensors);
    default:
      throw new Error(`command ${command.type} is not queued`);
  }
}

/** Reset answers at once: frames pushed after a reset must land in the new stream. */
function resetNow(): null {
  replaceStream(freshStream());
  return null;
}

function reply(
  id: number,
  work: () => CommandResults[keyof CommandResults] | Promise<CommandResults[keyof CommandResults]>,
): Promise<void> {
  return Promise.resolve()
    .then(work)
    .then(
      (value) => post({ type: 'reply', id, ok: true, value }),
      (error: unknown) => post({ type: 'reply', id, ok: false, error: toWire(error) }),
    );
}

port.onMessage((message) => {
  if ('type' in message) {
    if (!stream) {
      post({
        type: 'error',
        error: { code: 'NO_MODEL_LOADED', message: 'frames pushed before a model was loaded were not kept' },
      });
      return;
    }
    stream.push(message.frames);
    stalled = false;
    kick();
    return;
  }
  const { id, command } = message;
  if (command.type === 'reset' || command.type === 'stats') {
    void reply(id, () => (command.type === 'reset' ? resetNow() : stats()));
    return;
  }
  queue = queue.then(() => reply(id, () => queued(command)));
});
