// Sessions (one recording or imported video of a subject) and markers: shared shapes and input rules.
import { z } from 'zod';
import './form-messages.ts';
import { id } from './subjects.ts';

export const SESSION_STATUSES = ['recording', 'complete', 'interrupted'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const SESSION_SOURCES = ['camera', 'import'] as const;

export const sessionStart = z.strictObject({
  subjectId: id,
  cameraLabel: z.string().max(200).nullable().default(null),
  width: z.number().int().min(1).max(16384).nullable().default(null),
  height: z.number().int().min(1).max(16384).nullable().default(null),
  fps: z.number().positive().max(1000).nullable().default(null),
  notes: z.string().max(10_000, 'Notes must be at most 10000 characters').default(''),
});
export type SessionStart = z.output<typeof sessionStart>;

export const markerInput = z.strictObject({
  sessionId: id,
  tS: z
    .number()
    .min(0)
    .max(7 * 24 * 3600),
  label: z.string().trim().min(1, 'Enter a marker label').max(200, 'Marker labels are at most 200 characters'),
});

/** Heart-rate band limits a re-analysis may search (bpm): the signal module's default is 42–210. */
export const HR_BAND_LIMITS_BPM = [30, 240] as const;
/** Sliding-window lengths (s) a re-analysis may use: from the Welch segment (6 s) up. */
export const WINDOW_LIMITS_S = [6, 30] as const;

/** What a user may choose when analysing a stored session again. */
export const analysisSettings = z
  .strictObject({
    /** 'model': the installed SSPD model when there is one (else POS); 'pos': the classical POS method only. */
    method: z.enum(['model', 'pos']).default('model'),
    hrBandBpm: z
      .tuple([
        z.number().min(HR_BAND_LIMITS_BPM[0]).max(HR_BAND_LIMITS_BPM[1]),
        z.number().min(HR_BAND_LIMITS_BPM[0]).max(HR_BAND_LIMITS_BPM[1]),
      ])
      .default([42, 210]),
    windowS: z.number().min(WINDOW_LIMITS_S[0]).max(WINDOW_LIMITS_S[1]).default(15),
  })
  .refine((s) => s.hrBandBpm[1] - s.hrBandBpm[0] >= 20, {
    message: 'The heart-rate band must span at least 20 bpm',
    path: ['hrBandBpm'],
  });
export type AnalysisSettings = z.output<typeof analysisSettings>;

export interface Session {
  id: number;
  subjectId: number;
  source: (typeof SESSION_SOURCES)[number];
  status: SessionStatus;
  startedAt: string;
  endedAt: string | null;
  cameraLabel: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  modelId: string | null;
  modelSha256: string | null;
  executionProvider: string | null;
  appVersion: string;
  notes: string;
  frameCount: number;
  /** From the first to the last stored frame timestamp: the one duration every view shows. */
  durationS: number;
  /** Set aside with a reason: kept, hidden by default, left out of exports unless asked for. */
  voided: { at: string; reason: string; by: string } | null;
  /** The analysis version Review shows and exports and reports use; null: the latest. */
  chosenAnalysisVersion: number | null;
}

/** Why a session is voided: required, so the audit trail always says. */
export const voidReason = z
  .string()
  .trim()
  .min(1, 'Say why the session is voided')
  .max(500, 'The reason is at most 500 characters');

export interface Marker {
  id: number;
  sessionId: number;
  tS: number;
  label: string;
  createdAt: string;
}

/** One edit of a session's notes or a marker's label: the original value is kept here. */
export interface AuditEntry {
  id: number;
  what: 'session notes' | 'marker label' | 'session voided' | 'analysis version shown';
  rowId: number;
  oldValue: string | null;
  newValue: string | null;
  changedAt: string;
  changedBy: string;
}
