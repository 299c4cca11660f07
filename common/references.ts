// Contact references of a session (a Bluetooth strap or oximeter recorded live, or a file imported later) and the
// agreement between the camera's heart rate and theirs: shared shapes and the input rules main checks.
import { z } from 'zod';
import './form-messages.ts';
import { id } from './subjects.ts';

export const REFERENCE_KINDS = ['ble', 'csv-bpm', 'csv-rr', 'csv-waveform', 'edf'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];
export const REFERENCE_KIND_WORDS: Record<ReferenceKind, string> = {
  ble: 'Bluetooth sensor (live)',
  'csv-bpm': 'CSV of heart rates',
  'csv-rr': 'CSV of RR intervals or beat times',
  'csv-waveform': 'CSV waveform',
  edf: 'EDF/EDF+ recording',
};

/** Plausible human heart rates (bpm): a reference outside is a unit mistake or a sensor fault, not a measurement. */
export const REFERENCE_BPM_RANGE = [20, 300] as const;
/** A reference file is read whole in memory: an hour of 1 kHz ECG in EDF is about 7 MB, as CSV about 40 MB. */
export const MAX_REFERENCE_FILE_BYTES = 64 * 1024 * 1024;
/** Default and largest clock-offset search (± s) of the automatic alignment. */
export const DEFAULT_OFFSET_SEARCH_S = 60;
export const MAX_OFFSET_SEARCH_S = 600;
/** The camera HR and the reference agree when within this many bpm (the usual criterion of rPPG studies). */
export const AGREE_WITHIN_BPM = 5;

export const IMPORT_FORMATS = ['auto', 'csv-bpm', 'csv-rr', 'csv-waveform', 'edf'] as const;
export const WAVEFORM_SIGNALS = ['ecg', 'ppg'] as const;
export type WaveformSignal = (typeof WAVEFORM_SIGNALS)[number];

const offset = z.number().min(-3600, 'An offset is at most one hour').max(3600, 'An offset is at most one hour');

export const referenceImport = z.strictObject({
  sessionId: id,
  fileName: z.string().trim().min(1, 'Choose a reference file').max(255),
  bytes: z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'bytes must be a Uint8Array' })
    .refine((b) => b.length > 0 && b.length <= MAX_REFERENCE_FILE_BYTES, {
      message: `A reference file has 1 byte to ${MAX_REFERENCE_FILE_BYTES >> 20} MB`,
    }),
  /** 'auto': EDF by its header, else CSV by its columns. */
  format: z.enum(IMPORT_FORMATS).default('auto'),
  /** What a waveform holds: R peaks are found in an ECG, pulse peaks in a PPG. */
  signal: z.enum(WAVEFORM_SIGNALS).default('ecg'),
  /** A waveform CSV without a time column needs its sampling rate (or a "# fs=" line). */
  fsHz: z.number().positive('The sampling rate must be above 0 Hz').max(100_000).nullable().default(null),
  /** EDF signal label to use; null: the first ECG-, PPG- or pulse-like one. */
  channel: z.string().trim().max(64).nullable().default(null),
  /** Seconds added to the file's times to put them on the session's clock; null: estimated. */
  offsetS: offset.nullable().default(null),
  searchS: z.number().min(1).max(MAX_OFFSET_SEARCH_S).default(DEFAULT_OFFSET_SEARCH_S),
});
export type ReferenceImport = z.output<typeof referenceImport>;

export const offsetChange = z.strictObject({
  referenceId: id,
  /** null: back to the automatic estimate. */
  offsetS: offset.nullable(),
});

/** Readings of a live Bluetooth sensor: the raw 0x2A37 values with their arrival on the capture clock (epoch ms). */
export const MAX_LIVE_PACKETS = 600;
export const livePackets = z.strictObject({
  referenceId: id,
  packets: z
    .array(
      z.strictObject({ tMs: z.number().positive(), data: z.array(z.number().int().min(0).max(255)).min(1).max(512) }),
    )
    .min(1)
    .max(MAX_LIVE_PACKETS, `At most ${MAX_LIVE_PACKETS} readings at once`),
});

export const liveStart = z.strictObject({
  sessionId: id,
  /** The device's name as it advertises it (or its id when it has none). */
  device: z.string().trim().min(1).max(200),
});

/** The automatic clock alignment: the lag of best correlation of the two HR curves within ± searchS. */
export interface OffsetEstimate {
  /** Seconds to add to the reference's times; null when no lag could be trusted (`note` says why). */
  offsetS: number | null;
  /** Pearson r of the curves at that lag. */
  r: number | null;
  searchS: number;
  note: string | null;
  /** Correlation against lag, for the plot. */
  curve: { lagS: number[]; r: (number | null)[] };
}

export interface ReferenceInfo {
  id: number;
  sessionId: number;
  kind: ReferenceKind;
  /** The device's name or the file's name. */
  label: string;
  details: Record<string, unknown>;
  offsetS: number;
  /**
   * 'capture-clock': timed live on the frames' clock; 'auto': estimated; 'manual': set by
   * the user; 'none': not aligned.
   */
  offsetSource: 'capture-clock' | 'auto' | 'manual' | 'none';
  offsetEstimate: OffsetEstimate | null;
  status: 'recording' | 'complete';
  samples: number;
  beats: number;
  createdAt: string;
  createdBy: string;
}

/** A reference's heart rate in session time (s since the first frame), after its offset. */
export interface ReferenceSeries {
  reference: ReferenceInfo;
  t: number[];
  bpm: (number | null)[];
}

/** MAE, RMSE, Pearson r, Bland–Altman and the share within ±5 bpm of paired windows. */
export interface AgreementFigures {
  /** Paired windows (camera reliable and a reference present). */
  n: number;
  maeBpm: number | null;
  rmseBpm: number | null;
  pearsonR: number | null;
  biasBpm: number | null;
  loaLowBpm: number | null;
  loaHighBpm: number | null;
  /** Share of paired windows within ±5 bpm of the reference. */
  within5: number | null;
}

export interface MethodAgreement extends AgreementFigures {
  method: string;
  /** Windows with a reference, and of them those where the camera's HR was reliable (the ones compared). */
  referenceWindows: number;
  /** Share of the windows with a reference where the camera HR was reliable. */
  coverage: number | null;
  /** The same figures over every window with a camera HR, unreliable ones included: shown apart, never mixed in. */
  allWindows: AgreementFigures;
}

/** A paired window, for the Bland–Altman plot. */
export interface AgreementPair {
  tS: number;
  cameraBpm: number;
  referenceBpm: number;
  reliable: boolean;
  step: string | null;
}

export interface SessionAgreement {
  sessionId: number;
  reference: ReferenceInfo;
  windowS: number;
  /** The primary method first: the app's reading, with its reliability decision. */
  methods: MethodAgreement[];
  /** The primary method's figures per protocol step (empty without a protocol). */
  steps: (MethodAgreement & { step: string })[];
  pairs: AgreementPair[];
}

export const AGREEMENT_SPLITS = ['none', 'skinType', 'sex', 'ageBand', 'step'] as const;
export type AgreementSplit = (typeof AGREEMENT_SPLITS)[number];
export const AGREEMENT_SPLIT_WORDS: Record<AgreementSplit, string> = {
  none: 'No split',
  skinType: 'Fitzpatrick skin type',
  sex: 'Sex',
  ageBand: 'Age band (10 years)',
  step: 'Protocol step',
};

export const studyAgreementInput = z.strictObject({ studyId: id, split: z.enum(AGREEMENT_SPLITS).default('none') });

export interface StudyAgreement {
  studyId: number;
  split: AgreementSplit;
  /** Sessions with a reference, and those left out with why (no analysis, no overlap). */
  sessions: number;
  skipped: { sessionId: number; reason: string }[];
  /** Over all sessions: 'app' (each session's primary method, as the app reports it) first, then each method. */
  overall: MethodAgreement[];
  /** The app's reading per group of the split. */
  groups: (MethodAgreement & { group: string })[];
}
