// Studies and subjects: the shared shapes and the validation rules the forms and main both apply.
import { z } from 'zod';
import './form-messages.ts';

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

/** Fitzpatrick skin types I–VI, stored as 1–6: rPPG accuracy depends on it, so studies record it. */
export const SKIN_TYPES = [1, 2, 3, 4, 5, 6] as const;

export const SUBJECT_CODE_MAX = 64;
export const NOTES_MAX = 10_000;
export const EARLIEST_BIRTH_YEAR = 1900;

const trimmed = (max: number, what: string) =>
  z.string().trim().max(max, `${what} must be at most ${max} characters`);

/** Pseudonymous codes end up in file names and exports: keep them to a safe alphabet. */
export const subjectCode = z
  .string()
  .trim()
  .min(1, 'Enter a subject code')
  .max(SUBJECT_CODE_MAX, `Subject code must be at most ${SUBJECT_CODE_MAX} characters`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Use letters, digits, ".", "_" or "-" (starting with a letter or digit)');

const birthYear = z
  .number({ error: 'Birth year must be a number' })
  .int('Birth year must be a whole year')
  .refine((y) => y >= EARLIEST_BIRTH_YEAR && y <= new Date().getFullYear(), {
    message: `Birth year must be between ${EARLIEST_BIRTH_YEAR} and this year`,
  });

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-01-31')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), {
    message: 'Not a real calendar date',
  })
  .refine((d) => d <= new Date().toISOString().slice(0, 10), { message: 'Consent date cannot be in the future' });

export const id = z.number().int().positive();

export const subjectFields = z.strictObject({
  code: subjectCode,
  birthYear: birthYear.nullable().default(null),
  sex: z.enum(SEXES).default('unknown'),
  skinType: z
    .number()
    .int()
    .min(1, 'Fitzpatrick skin type is I–VI')
    .max(6, 'Fitzpatrick skin type is I–VI')
    .nullable()
    .default(null),
  notes: trimmed(NOTES_MAX, 'Notes').default(''),
  consentDate: isoDate.nullable().default(null),
  consentVersion: trimmed(64, 'Consent form version').nullable().default(null),
});
export type SubjectFields = z.output<typeof subjectFields>;

export const studyFields = z.strictObject({
  name: z.string().trim().min(1, 'Enter a study name').max(120, 'Study name must be at most 120 characters'),
  description: trimmed(2000, 'Description').default(''),
  /** Shown on participant reports: who to contact about the study. */
  contact: trimmed(500, 'Contact').default(''),
});
export type StudyFields = z.output<typeof studyFields>;

export interface Study extends StudyFields {
  id: number;
  createdAt: string;
  subjectCount: number;
}

export interface Subject extends SubjectFields {
  id: number;
  studyId: number;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  /** Sessions in the subject's history (voided ones not counted): the count every view shows. */
  sessionCount: number;
  /** Voided sessions, kept but hidden. */
  voidedSessionCount: number;
  lastSessionAt: string | null;
}

/** Every session of a subject, voided ones included: what deleting the subject removes. */
export const allSessions = (subject: Subject): number => subject.sessionCount + subject.voidedSessionCount;
