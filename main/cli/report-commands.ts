// `pulse-studio export` and `pulse-studio report`: the researcher export and the participant PDF from the
// command line, on the same services and checks as the app's Export view.
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import { reportRequest, type ExportResult } from '../../common/reports.ts';
import { writeParticipantReport } from '../reports/participant-report.ts';
import { defaultReportServices } from '../reports/report-services.ts';
import { runExport } from '../reports/research-export.ts';
import { exportRequestFor, parsed, studyOf, type ExportOptions } from '../reports/export-request.ts';
import { resolveDataDir, type Store } from '../store/index.ts';
import { openCliStore, type PassphraseOptions } from './encryption-commands.ts';
import type { ProgressBar } from './progress.ts';

export interface ReportCommandOptions extends PassphraseOptions, ExportOptions {
  name?: string | undefined;
  /** Who the audit trail names (default: the operating-system user). */
  operator?: string | undefined;
}

const withStore = async <T>(o: ReportCommandOptions, work: (store: Store) => Promise<T>): Promise<T> => {
  const store = await openCliStore(resolveDataDir(), o, {
    holder: 'the pulse-studio command',
    ...(o.operator ? { actor: o.operator } : {}),
  });
  try {
    return await work(store);
  } finally {
    store.close();
  }
};

/** Fails on zod issues with the first message, as a bad argument. */

/** Runs the export from `store`, printing what it wrote. */
export async function exportFrom(
  store: Store,
  o: ExportOptions,
  appVersion: string,
  bar: ProgressBar,
  label = '',
): Promise<ExportResult> {
  const result = await runExport(store, exportRequestFor(store, o), {
    appVersion,
    onProgress: (p) => bar.update(p.done, p.total, `${label}${p.stage}`),
  });
  bar.done();
  process.stdout.write(
    o.json
      ? JSON.stringify(result, null, 1) + '\n'
      : `Exported ${label}${result.sessions} session(s), ${result.files} files, to ${result.path}\n`,
  );
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
      const subject = store.subjects
        .list({ studyId: study.id, search: '', includeArchived: true })
        .find((s) => s.code === o.subject);
      if (!subject) throw new AppError('not_found', `Study "${study.name}" has no subject ${o.subject}`);
      target.subjectId = subject.id;
    } else throw new AppError('invalid_input', 'report needs --session ID or --subject CODE');
    const request = parsed(
      reportRequest.safeParse({ ...target, destination: path.resolve(o.out ?? '.'), participantName: o.name ?? '' }),
    );
    const result = await writeParticipantReport(store, request, { ...defaultReportServices(), appVersion });
    process.stdout.write(
      o.json
        ? JSON.stringify(result, null, 1) + '\n'
        : `Report (${result.sessions} session(s)) written to ${result.path}\n`,
    );
    return 0;
  });
}
