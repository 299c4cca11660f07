// Participant reports and researcher exports: the requests both the app and the CLI validate, and results.
import { z } from 'zod';
import type { AppErrorInfo } from './ipc/result.ts';
import type { SessionOverview } from './results.ts';
import { id, type Subject } from './subjects.ts';

export const EXPORT_CONTAINERS = ['zip', 'folder'] as const;
export type ExportContainer = (typeof EXPORT_CONTAINERS)[number];
export const VIDEO_CHOICES = ['omit', 'blur', 'include'] as const;
export type VideoChoice = (typeof VIDEO_CHOICES)[number];

const destination = z
  .string()
  .trim()
  .min(1, 'Choose a destination folder')
  .max(4096, 'The destination path is too long');

export const exportRequest = z.strictObject({
  studyId: id,
  sessionIds: z.array(id).min(1, 'Choose at least one session').max(100_000),
  /** An existing folder; the export goes into a new, timestamped zip or folder inside it. */
  destination,
  container: z.enum(EXPORT_CONTAINERS).default('zip'),
  /**
   * The camera video of each session: left out, blurred (face unrecognisable), or as recorded (large; shows the face).
   */
  video: z.enum(VIDEO_CHOICES).default('omit'),
  /** Sex, skin type and age in years; never the birth year. */
  includeDemographics: z.boolean().default(false),
  /** Notes, camera names and imported file names: free text can identify people. */
  includeFreeText: z.boolean().default(false),
  /** Shift every date by one random number of days, so only intervals are real. */
  shiftDates: z.boolean().default(true),
  /** Voided sessions are left out unless asked for here. */
  includeVoided: z.boolean().default(false),
});
export type ExportRequest = z.output<typeof exportRequest>;

export const reportRequest = z
  .strictObject({
    /** One session, or … */
    sessionId: id.optional(),
    /** … every analysed session of one subject. */
    subjectId: id.optional(),
    destination,
    /** Printed on the report only when given; names are never stored. */
    participantName: z.string().trim().max(120, 'Names are at most 120 characters').default(''),
  })
  .refine((r) => (r.sessionId === undefined) !== (r.subjectId === undefined), {
    message: 'Choose a session or a subject',
    path: ['sessionId'],
  });
export type ReportRequest = z.output<typeof reportRequest>;

export interface ExportResult {
  /** The zip file or folder written. */
  path: string;
  container: ExportContainer;
  sessions: number;
  files: number;
  bytes: number;
}

export interface ExportJob {
  id: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** Sessions written so far, of `total`. */
  done: number;
  total: number;
  stage: string;
  result: ExportResult | null;
  error: AppErrorInfo | null;
}

export interface ReportResult {
  path: string;
  sessions: number;
}

/** A subject of the study with its sessions (newest first) and their HR, to pick what to export. */
export interface ExportCandidate {
  subject: Subject;
  sessions: SessionOverview[];
}
