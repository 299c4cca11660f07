// One stored analysis version's parameters and summary: one shape, validated when written and when read
// (main/store/analyses.ts), built in one place (main/store/analysis-record.ts). Add fields here: the objects are
// strict, so a field written without being declared fails loudly instead of vanishing.
import { z } from 'zod';
import { RELIABILITY_LEVELS } from './session-hr.ts';
import { analysisSettings } from './sessions.ts';

/**
 * An object checked for these fields with every other field kept: the signal module's results carry more than a
 * reader here needs. Typed as the checked fields only, so the fuller domain types are assignable to it.
 */
const keeping = <S extends z.ZodRawShape>(shape: S) =>
  z.looseObject(shape) as unknown as z.ZodType<z.output<z.ZodObject<S>>>;

/**
 * A classical method's HR over its windows: the median and mean, or why there is none (the signal module's HrSummary).
 */
export const hrSummary = z.union([
  keeping({
    ok: z.literal(true),
    medianBpm: z.number(),
    meanBpm: z.number(),
    windows: z.number(),
    usedWindows: z.number(),
  }),
  keeping({ ok: z.literal(false), reason: z.string() }),
]);

/** The session's HR as every view shows it (common/session-hr.ts): a number only with enough reliable windows. */
export const sessionHrRecord = z.strictObject({
  bpm: z.number().nullable(),
  reliability: z.enum(RELIABILITY_LEVELS),
  coverage: z.number().min(0).max(1),
  usedWindows: z.number(),
  windows: z.number(),
  minBpm: z.number().nullable(),
  maxBpm: z.number().nullable(),
  reason: z.string().nullable(),
});

export const analysisParams = z.strictObject({
  /** What made this version: the analysis at a recording's Stop, an imported video, or analysing a session again. */
  source: z.enum(['recording', 'import', 'reanalysis']),
  /** How the pulse was read: face crops (live and most imports), or the whole frame as skin (pre-cropped clips). */
  roi: z.enum(['face', 'full']),
  /** The signal module's options the analysis ran with (SignalOptions); null when it could not run. */
  signal: keeping({ hrBandHz: z.tuple([z.number(), z.number()]).readonly(), windowS: z.number() }).nullable(),
  /** What the user chose for a re-analysis; null otherwise. */
  settings: analysisSettings.nullable(),
  /** The network's input filter when SSPD ran (InputFilterSpec; null: raw differences), or null without a network. */
  inference: z.object({ inputFilter: keeping({ kind: z.string() }).nullable() }).nullable(),
});

export const analysisSummary = z.strictObject({
  primary: z.enum(['sspd', 'pos']).nullable(),
  hr: sessionHrRecord,
  /** The classical check's (POS) HR beside a network's; null where POS is the primary method or nothing ran. */
  checkHr: hrSummary.nullable(),
  /** Windows per reliability level (and the signal module's further counts). */
  quality: keeping({ reliable: z.number(), caution: z.number(), none: z.number() }).nullable(),
  warnings: z.array(z.string()),
  /** HRV of the primary waveform's beats (the signal module's HrvResult); null where none was computed. */
  hrv: keeping({ ok: z.boolean() }).nullable(),
  /** For an imported video: what the file was (its path as given; exports strip local paths). */
  video: z
    .object({
      file: z.string(),
      codec: z.string(),
      width: z.number(),
      height: z.number(),
      fps: z.number(),
      frames: z.number(),
      facesDetected: z.number().nullable(),
      facesHeld: z.number().nullable(),
    })
    .nullable(),
});

export type AnalysisParams = z.output<typeof analysisParams>;
export type AnalysisSummary = z.output<typeof analysisSummary>;
export type HrSummaryRecord = z.output<typeof hrSummary>;
