// Adapting the active SSPD model to a study's own recordings (no labels): the request, the job the UI follows, and
// the provenance an adapted model keeps in the registry.
import { z } from 'zod';
import type { AppErrorInfo } from './ipc/result.ts';
import type { MethodAgreement } from './references.ts';
import { id } from './subjects.ts';

export const ADAPT_DEVICES = ['cpu', 'cuda'] as const;
export type AdaptDevice = (typeof ADAPT_DEVICES)[number];
export const DEFAULT_ADAPT_STEPS = 100;
export const MAX_ADAPT_STEPS = 100_000;

export const adaptRequest = z.strictObject({
  studyId: id,
  /** Empty: every finished, non-voided session of the study that has face crops. */
  sessionIds: z.array(id).max(1000).default([]),
  steps: z
    .number({ error: 'Steps is a whole number' })
    .int('Steps is a whole number')
    .min(1, 'At least 1 step')
    .max(MAX_ADAPT_STEPS, `At most ${MAX_ADAPT_STEPS} steps`)
    .default(DEFAULT_ADAPT_STEPS),
  device: z.enum(ADAPT_DEVICES).default('cpu'),
  /**
   * A Python 3 with torch, onnx and numpy (the CLI's --python; never from the UI); empty: $PULSE_STUDIO_PYTHON, else
   * /usr/bin/python3, else python3 on PATH.
   */
  python: z.string().trim().max(4096, 'The path is too long').default(''),
});
export type AdaptRequest = z.output<typeof adaptRequest>;

/**
 * Before/after agreement with the contact references of the sessions used (the network's reading, reliable windows).
 */
export interface AdaptAgreement {
  /** Sessions with a contact reference that could be compared. */
  sessions: number[];
  before: MethodAgreement;
  after: MethodAgreement;
}

/** What an adapted model keeps about how it was made. */
export interface AdaptProvenance {
  baseSha256: string;
  baseName: string;
  studyId: number;
  studyName: string;
  sessionIds: number[];
  /** Face frames the network learnt from (each session's share). */
  frames: number;
  steps: number;
  /** The total loss of each step (thinned to at most LOSS_CURVE_POINTS, first and last kept). */
  lossCurve: number[];
  device: string;
  torch: string;
  python: string;
  seconds: number;
  /** ISO time the adaptation finished. */
  finishedAt: string;
  /** null: no session had a contact reference to compare with. */
  agreement: AdaptAgreement | null;
}

export const LOSS_CURVE_POINTS = 200;

export type AdaptStage =
  'checking' | 'reading' | 'adapting' | 'exporting' | 'comparing' | 'registering' | 'done' | 'cancelled' | 'failed';

/** How far an adaptation has got. */
export interface AdaptProgress {
  stage: AdaptStage;
  /** What is happening, in words ("Step 12 of 100, loss 1.93"). */
  message: string;
  step: number;
  steps: number;
  /** Share of the whole job done, 0–1. */
  fraction: number;
  /** The total loss of each step so far (thinned like the provenance's curve). */
  lossCurve: number[];
}

export interface AdaptJob extends AdaptProgress {
  id: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  studyId: number;
  /** The new model's SHA-256 once registered (never made active by itself). */
  modelSha256: string | null;
  agreement: AdaptAgreement | null;
  error: AppErrorInfo | null;
}

/** Python with what adapt.py imports, or what to install. */
export interface PythonCheck {
  ok: boolean;
  /** The interpreter found (or the one asked for). */
  python: string | null;
  torch: string | null;
  cuda: boolean;
  /** What to do when not ok: the exact packages for Debian/Ubuntu and for pip. */
  message: string;
}

/** Keeps at most `points` values, evenly spread, first and last included. */
export function thinCurve(values: readonly number[], points = LOSS_CURVE_POINTS): number[] {
  if (values.length <= points) return [...values];
  return Array.from({ length: points }, (_, i) => values[Math.round((i * (values.length - 1)) / (points - 1))]!);
}
