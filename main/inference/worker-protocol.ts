// Messages between the inference process and its client; plain structured-clone data (typed arrays included).

import type { ChunkPolicy } from './chunk-plan.ts';
import type { ExecutionProviderName } from './execution-providers.ts';
import type { InputFilterSpec } from './input-filter.ts';
import type { ModelValidation } from '../../common/models.ts';
import type { ModelErrorCode } from './model-error.ts';
import type { ModelReport } from './model-loader.ts';
import type { StreamStats } from './waveform-stream.ts';
import type { ChannelOrder } from './preprocess.ts';

export interface LoadModelRequest {
  readonly modelPath: string;
  readonly providers?: readonly ExecutionProviderName[];
  readonly intraOpThreads?: number;
  readonly enableCpuMemArena?: boolean;
  /** Order of the frames that will be pushed; 'rgb' for browser and ffmpeg frames. */
  readonly order?: ChannelOrder;
  readonly policy?: Partial<ChunkPolicy>;
  /** Low-pass on the differences before the network; default INPUT_LOWPASS, null for none (raw parity). */
  readonly inputFilter?: InputFilterSpec | null;
}

/** What a load reports: the model, and the input filter its streams apply (store it with the results). */
export interface LoadedModelReport extends ModelReport {
  readonly inputFilter: InputFilterSpec | null;
}

export interface WorkerStats extends StreamStats {
  readonly provider: ExecutionProviderName | null;
  /** A chunk is running or ready to run; false once inference has caught up with the pushes. */
  readonly busy: boolean;
  /** The inference process and its memory (it runs nothing else). */
  readonly pid: number;
  readonly rssBytes: number;
  readonly peakRssBytes: number;
}

export interface WireError {
  readonly code: ModelErrorCode;
  readonly message: string;
}

/** Requests with replies; `push` has none so that capture never waits on inference. */
export type WorkerCommand =
  | { readonly type: 'load'; readonly request: LoadModelRequest }
  | { readonly type: 'flush' }
  | { readonly type: 'reset' }
  | { readonly type: 'stats' }
  | { readonly type: 'unload' }
  /** Checks an imported model's bytes (model-validation.ts) here, where a native crash ends only this process. */
  | { readonly type: 'validate'; readonly onnx: Uint8Array; readonly checkpointTensors: number | null };

export interface CommandResults {
  readonly load: LoadedModelReport;
  readonly flush: WorkerStats;
  readonly reset: null;
  readonly stats: WorkerStats;
  readonly unload: null;
  readonly validate: ModelValidation;
}

export type ToWorker =
  { readonly id: number; readonly command: WorkerCommand } | { readonly type: 'push'; readonly frames: Uint8Array };

export type FromWorker =
  | {
      readonly type: 'reply';
      readonly id: number;
      readonly ok: true;
      readonly value: CommandResults[keyof CommandResults];
    }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: WireError }
  | { readonly type: 'samples'; readonly start: number; readonly data: Float32Array }
  | { readonly type: 'error'; readonly error: WireError }
  | { readonly type: 'log'; readonly message: string };
