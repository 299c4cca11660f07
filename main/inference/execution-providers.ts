// Execution-provider choice: try each provider of the platform's order alone, fall back, report.

import ort from 'onnxruntime-node';
import { ModelError, errorMessage } from './model-error.ts';

export type ExecutionProviderName = 'cuda' | 'dml' | 'cpu';

export interface ProviderAttempt {
  readonly provider: ExecutionProviderName;
  readonly ok: boolean;
  readonly error?: string;
  readonly ms: number;
}

export interface SessionSettings {
  /** Providers to try in order; defaults to the platform's order. */
  readonly providers?: readonly ExecutionProviderName[];
  /** Intra-op threads; the app shares the CPU with capture and UI, so keep it small. */
  readonly intraOpThreads?: number;
  /**
   * ORT's CPU arena keeps the largest chunk's activations for good. On by default: chunk length
   * is bounded by the streaming policy, and without the arena glibc kept even more (freed
   * multi-MB tensors stay in its heaps) — 84-step chunks peaked at 251 MB without, 216 MB with.
   */
  readonly enableCpuMemArena?: boolean;
  readonly log?: (message: string) => void;
}

export type SessionFactory = (
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
) => Promise<ort.InferenceSession>;

export interface ChosenSession {
  readonly session: ort.InferenceSession;
  readonly provider: ExecutionProviderName;
  readonly attempts: readonly ProviderAttempt[];
}

export const DEFAULT_INTRA_OP_THREADS = 2;

/** Every provider failed; `attempts` says why each one did. */
export class NoProviderError extends ModelError {
  readonly attempts: readonly ProviderAttempt[];

  constructor(message: string, attempts: readonly ProviderAttempt[]) {
    super('NO_EXECUTION_PROVIDER', message);
    this.attempts = attempts;
  }
}

/** CUDA where ORT can ship it (linux, win32), DirectML on Windows, then CPU everywhere. */
export function platformProviders(platform: NodeJS.Platform = process.platform): ExecutionProviderName[] {
  const order: ExecutionProviderName[] = [];
  if (platform === 'linux' || platform === 'win32') order.push('cuda');
  if (platform === 'win32') order.push('dml');
  order.push('cpu');
  return order;
}

const createSession: SessionFactory = (model, options) => {
  // onnxruntime prints a red error for every provider it cannot load (CUDA probed where it is absent): an expected
  // fallback. Failures still come back as exceptions, and the choice is logged below in one plain line.
  ort.env.logLevel = 'fatal';
  return ort.InferenceSession.create(model, options);
};

/** ORT's reason without its C function prefix ("OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load…"). */
const shortReason = (error: string | undefined) => (error ?? '').replace(/^\w+:\s*/, '');

/**
 * Creates the session with one provider at a time: a list like ['cuda', 'cpu'] makes ORT throw
 * when CUDA is missing instead of falling back, so each provider gets its own attempt.
 */
export async function createSessionWithFallback(
  model: Uint8Array,
  settings: SessionSettings = {},
  factory: SessionFactory = createSession,
): Promise<ChosenSession> {
  const providers = settings.providers ?? platformProviders();
  const log = settings.log ?? (() => {});
  const attempts: ProviderAttempt[] = [];
  for (const provider of providers) {
    const started = performance.now();
    try {
      const session = await factory(model, {
        executionProviders: [provider],
        intraOpNumThreads: settings.intraOpThreads ?? DEFAULT_INTRA_OP_THREADS,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        enableCpuMemArena: settings.enableCpuMemArena ?? true,
        // Memory patterns assume fixed shapes; the time axis changes from chunk to chunk.
        enableMemPattern: false,
        // Idle intra-op threads sleep instead of spinning: live inference runs small chunks between long
        // waits, and the spinning took ≈ 20 % more CPU for the same work from the capture sharing the cores.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      const skipped = attempts.map((a) => `${a.provider} unavailable: ${shortReason(a.error)}`).join('; ');
      attempts.push({ provider, ok: true, ms: performance.now() - started });
      log(`inference: using execution provider ${provider}${skipped ? ` (${skipped})` : ''}`);
      return { session, provider, attempts };
    } catch (error) {
      attempts.push({ provider, ok: false, error: errorMessage(error), ms: performance.now() - started });
    }
  }
  const summary = attempts.map((a) => `${a.provider}: ${a.error ?? 'ok'}`).join('; ');
  throw new NoProviderError(`no execution provider could create a session (${summary})`, attempts);
}
