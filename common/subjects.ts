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

const trimmed = (max: number, what: string) => z.string().trim().max(max, `${what} must be at most ${max} characters`);

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
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'Not a real calendar date',
    },
  )
  .refine((d) => d <= new Date().toISOString().slice(0, 10), { message: 'Consent date cannot be in the future' });

export const id = z.number().int().positive();

const subjectRules = {
  code: subjectCode,
  birthYear: birthYear.nullable(),
  sex: z.enum(SEXES),
  skinType: z.number().int().min(1, 'Fitzpatrick skin type is I–VI').max(6, 'Fitzpatrick skin type is I–VI').nullable(),
  notes: trimmed(NOTES_MAX, 'Notes'),
  consentDate: isoDate.nullable(),
  consentVersion: trimmed(64, 'Consent form version').nullable(),
};

export const subjectFields = z.strictObject({
  ...subjectRules,
  birthYear: subjectRules.birthYear.default(null),
  sex: subjectRules.sex.default('unknown'),
  skinType: subjectRules.skinType.default(null),
  notes: subjectRules.notes.default(''),
  consentDate: subjectRules.consentDate.default(null),
  consentVersion: subjectRules.consentVersion.default(null),
});
export type SubjectFields = z.output<typeof subjectFields>;

/** An edit: only the fields given change (an update that names just the code must not clear the others). */
export const subjectPatch = z.strictObject(subjectRules).partial();
export type SubjectPatch = z.output<typeof subjectPatch>;

const studyRules = {
  name: z.string().trim().min(1, 'Enter a study name').max(120, 'Study name must be at most 120 characters'),
  description: trimmed(2000, 'Description'),
  /** Shown on participant reports: who to contact about the study. */
  contact: trimmed(500, 'Contact'),
};

export const studyFields = z.strictObject({
  ...studyRules,
  description: studyRules.description.default(''),
  contact: studyRules.contact.default(''),
});
export type StudyFields = z.output<typeof studyFields>;

export const studyPatch = z.strictObject(studyRules).partial();
export type StudyPatch = z.output<typeof studyPatch>;

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

/** Age in whole years at a date, from a birth year alone (so it may be one year high). */
export const ageAt = (birthYear: number | null, iso: string): number | null =>
  birthYear === null ? null : new Date(iso).getUTCFullYear() - birthYear;
