// `pulse-studio export` and `pulse-studio report`: the researcher export and the participant PDF from the
// command line, on the same services and checks as the app's Export view.
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import { exportRequest, reportRequest, type ExportRequest, type ExportResult } from '../../common/reports.ts';
import type { Study } from '../../common/subjects.ts';
import { writeParticipantReport } from '../reports/participant-report.ts';
import { defaultReportServices } from '../reports/report-services.ts';
import { runExport } from '../reports/research-export.ts';
import { resolveDataDir, type Store } from '../store/index.ts';
import { openCliStore, type PassphraseOptions } from './encryption-commands.ts';
import type { ProgressBar } from './progress.ts';

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

export interface ReportCommandOptions extends PassphraseOptions, ExportOptions {
  name?: string | undefined;
  /** Who the audit trail names (default: the operating-system user). */
  operator?: string | undefined;
}

export function studyOf(store: Store, name: string | undefined): Study {
  const studies = store.studies.list();
  const study = name ? studies.find((s) => s.name.toLowerCase() === name.toLowerCase()) : studies.length === 1 ? studies[0] : undefined;
  if (study) return study;
  const known = studies.map((s) => `"${s.name}"`).join(', ') || 'none';
  throw new AppError('not_found', name ? `No study named "${name}" (studies: ${known})` : `Choose a study with --study (studies: ${known})`);
}

const list = (text: string | undefined): string[] => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function sessionIds(store: Store, study: Study, o: Pick<ExportOptions, 'subject' | 'session'>): number[] {
  const subjects = store.subjects.list({ studyId: study.id, search: '', includeArchived: true });
  const codes = list(o.subject);
  for (const code of codes) if (!subjects.some((s) => s.code === code)) throw new AppError('not_found', `Study "${study.name}" has no subject ${code}`);
  const chosen = codes.length ? subjects.filter((s) => codes.includes(s.code)) : subjects;
  const ids = list(o.session).map(Number);
  if (ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) throw new AppError('invalid_input', `--session takes session ids like 3,4 (got "${o.session}")`);
  return ids.length ? ids : chosen.flatMap((s) => store.sessions.listForSubject(s.id).filter((x) => x.status !== 'recording').map((x) => x.id));
}

const withStore = async <T>(o: ReportCommandOptions, work: (store: Store) => Promise<T>): Promise<T> => {
  const store = await openCliStore(resolveDataDir(), o, { holder: 'the pulse-studio command', ...(o.operator ? { actor: o.operator } : {}) });
  try {
    return await work(store);
  } finally {
    store.close();
  }
};

/** Fails on zod issues with the first message, as a bad argument. */
function parsed<T>(result: { success: true; data: T } | { success: false; error: { issues: { message: string; path: PropertyKey[] }[] } }): T {
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new AppError('invalid_input', `${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
}

/** The export the options ask for from this store (a station's data folder, or a copy of one station's central data). */
export function exportRequestFor(store: Store, o: ExportOptions): ExportRequest {
  const study = studyOf(store, o.study);
  return parsed(exportRequest.safeParse({
    studyId: study.id,
    sessionIds: sessionIds(store, study, o),
    destination: path.resolve(o.out ?? '.'),
    container: o.folder ? 'folder' : 'zip',
    video: o.video ?? 'omit',
    includeDemographics: o.demographics,
    includeFreeText: o['free-text'],
    shiftDates: !o['real-dates'],
  }));
}

/** Runs the export from `store`, printing what it wrote. */
export async function exportFrom(store: Store, o: ExportOptions, appVersion: string, bar: ProgressBar, label = ''): Promise<ExportResult> {
  const result = await runExport(store, exportRequestFor(store, o), { appVersion, onProgress: (p) => bar.update(p.done, p.total, `${label}${p.stage}`) });
  bar.done();
  process.stdout.write(o.json ? JSON.stringify(result, null, 1) + '\n' : `Exported ${label}${result.sessions} session(s), ${result.files} files, to ${result.path}\n`);
  return result;
}

export function exportCommand(o: ReportCommandOptions, appVersion: string, bar: ProgressBar): Promise<number> {
  return withStore(o, async (store) => {
    await exportFrom(store, o, appVersion, bar);
    return 0;
  });
}

export function reportCommand(o: ReportCommandOptions, appVersion: string): Promise<number> {
  return withStore(o, async (store) => {
    const target: { sessionId?: number; subjectId?: number } = {};
    if (o.session) target.sessionId = Number(o.session);
    else if (o.subject) {
      const study = studyOf(store, o.study);
      const subject = store.subjects.list({ studyId: study.id, search: '', includeArchived: true }).find((s) => s.code === o.subject);
      if (!subject) throw new AppError('not_found', `Study "${study.name}" has no subject ${o.subject}`);
      target.subjectId = subject.id;
    } else throw new AppError('invalid_input', 'report needs --session ID or --subject CODE');
    const request = parsed(reportRequest.safeParse({ ...target, destination: path.resolve(o.out ?? '.'), participantName: o.name ?? '' }));
    const result = await writeParticipantReport(store, request, { ...defaultReportServices(), appVersion });
    process.stdout.write(o.json ? JSON.stringify(result, null, 1) + '\n' : `Report (${result.sessions} session(s)) written to ${result.path}\n`);
    return 0;
  });
}
