// The researcher export a set of command-line choices asks for from a store: the station's own data folder, or a
// copy of one station's data from the study database (coordinator exports and export jobs), so both write the same.
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import { exportRequest, type ExportRequest } from '../../common/reports.ts';
import type { Study } from '../../common/subjects.ts';
import type { Store } from '../store/index.ts';

/** The export's choices as the command line takes them (and an export job carries them). */
export interface ExportOptions {
  study?: string | undefined;
  subject?: string | undefined;
  session?: string | undefined;
  out?: string | undefined;
  folder: boolean;
  video?: string | undefined;
  demographics: boolean;
  'free-text': boolean;
  'real-dates': boolean;
  json: boolean;
}

export function studyOf(store: Store, name: string | undefined): Study {
  const studies = store.studies.list();
  const study = name
    ? studies.find((s) => s.name.toLowerCase() === name.toLowerCase())
    : studies.length === 1
      ? studies[0]
      : undefined;
  if (study) return study;
  const known = studies.map((s) => `"${s.name}"`).join(', ') || 'none';
  throw new AppError(
    'not_found',
    name ? `No study named "${name}" (studies: ${known})` : `Choose a study with --study (studies: ${known})`,
  );
}

const list = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function sessionIds(store: Store, study: Study, o: Pick<ExportOptions, 'subject' | 'session'>): number[] {
  const subjects = store.subjects.list({ studyId: study.id, search: '', includeArchived: true });
  const codes = list(o.subject);
  for (const code of codes)
    if (!subjects.some((s) => s.code === code))
      throw new AppError('not_found', `Study "${study.name}" has no subject ${code}`);
  const chosen = codes.length ? subjects.filter((s) => codes.includes(s.code)) : subjects;
  const ids = list(o.session).map(Number);
  if (ids.some((id) => !Number.isSafeInteger(id) || id <= 0))
    throw new AppError('invalid_input', `--session takes session ids like 3,4 (got "${o.session}")`);
  return ids.length
    ? ids
    : chosen.flatMap((s) =>
        store.sessions
          .listForSubject(s.id)
          .filter((x) => x.status !== 'recording')
          .map((x) => x.id),
      );
}

/** A zod result's value, or its first problem as an invalid-input error. */
export function parsed<T>(
  result:
    { success: true; data: T } | { success: false; error: { issues: { message: string; path: PropertyKey[] }[] } },
): T {
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new AppError('invalid_input', `${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
}

/**
 * The export the options ask for from this store (a station's data folder, or a copy of one station's central
 * data).
 */
export function exportRequestFor(store: Store, o: ExportOptions): ExportRequest {
  const study = studyOf(store, o.study);
  return parsed(
    exportRequest.safeParse({
      studyId: study.id,
      sessionIds: sessionIds(store, study, o),
      destination: path.resolve(o.out ?? '.'),
      container: o.folder ? 'folder' : 'zip',
      video: o.video ?? 'omit',
      includeDemographics: o.demographics,
      includeFreeText: o['free-text'],
      shiftDates: !o['real-dates'],
    }),
  );
}
