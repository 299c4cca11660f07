// Export view state: the study's sessions to choose from, the selection, options, and the running export
// (polled for progress; it keeps running, and shows, when the user switches views and back).
import type { AppErrorInfo } from '../../../common/ipc/result.ts';
import type {
  ExportCandidate,
  ExportContainer,
  ExportJob,
  ReportResult,
  VideoChoice,
} from '../../../common/reports.ts';
import { api, unwrap } from '../lib/api.ts';
import { errorInfo, polledJob } from '../lib/jobs.ts';

export const exportsState = $state({
  studyId: null as number | null,
  candidates: [] as ExportCandidate[],
  selected: [] as number[],
  destination: '',
  canChooseFolder: false,
  container: 'zip' as ExportContainer,
  video: 'omit' as VideoChoice,
  includeDemographics: false,
  includeFreeText: false,
  shiftDates: true,
  /** Voided sessions are listed (and may be chosen) only when asked for. */
  includeVoided: false,
  job: null as ExportJob | null,
  error: null as AppErrorInfo | null,
  report: {
    target: '',
    participantName: '',
    busy: false,
    result: null as ReportResult | null,
    error: null as AppErrorInfo | null,
  },
});

const exportJob = polledJob(exportsState, {
  status: (jobId) => unwrap(api.getExportStatus({ jobId })),
  cancel: (jobId) => unwrap(api.cancelExport({ jobId })),
});

export async function loadCandidates(studyId: number): Promise<void> {
  try {
    if (!exportsState.destination) {
      const defaults = await unwrap(api.getExportDefaults());
      exportsState.destination = defaults.destination;
      exportsState.canChooseFolder = defaults.canChooseFolder;
    }
    const candidates = await unwrap(api.listExportCandidates({ studyId, includeVoided: exportsState.includeVoided }));
    if (exportsState.studyId !== studyId) exportsState.selected = [];
    exportsState.studyId = studyId;
    exportsState.candidates = candidates;
    // A voided session left the list: it leaves the selection too.
    const listed = new Set(candidates.flatMap((c) => c.sessions.map((row) => row.session.id)));
    exportsState.selected = exportsState.selected.filter((id) => listed.has(id));
    exportsState.error = null;
  } catch (error) {
    exportsState.error = errorInfo(error);
  }
}

export async function chooseFolder(): Promise<void> {
  try {
    const { folder } = await unwrap(api.chooseExportFolder({ startIn: exportsState.destination }));
    if (folder) exportsState.destination = folder;
  } catch (error) {
    exportsState.error = errorInfo(error);
  }
}

export function toggleSessions(ids: number[], on: boolean): void {
  const rest = exportsState.selected.filter((id) => !ids.includes(id));
  exportsState.selected = on ? [...rest, ...ids] : rest;
}

export async function startExport(): Promise<void> {
  const s = exportsState;
  const studyId = s.studyId;
  if (studyId === null) return;
  await exportJob.run(() =>
    unwrap(
      api.startExport({
        studyId,
        sessionIds: s.selected,
        destination: s.destination,
        container: s.container,
        video: s.video,
        includeDemographics: s.includeDemographics,
        includeFreeText: s.includeFreeText,
        shiftDates: s.shiftDates,
        includeVoided: s.includeVoided,
      }),
    ),
  );
}

export const cancelExport = (): Promise<void> => exportJob.cancel();

/** `target` is "session:<id>" or "subject:<id>". */
export async function createReport(): Promise<void> {
  const r = exportsState.report;
  const [kind, id] = r.target.split(':');
  r.busy = true;
  r.error = null;
  r.result = null;
  try {
    const which = kind === 'subject' ? { subjectId: Number(id) } : { sessionId: Number(id) };
    r.result = await unwrap(
      api.createParticipantReport({
        ...which,
        destination: exportsState.destination,
        participantName: r.participantName,
      }),
    );
  } catch (error) {
    r.error = errorInfo(error);
  } finally {
    r.busy = false;
  }
}
