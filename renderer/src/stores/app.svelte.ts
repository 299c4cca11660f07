// App-wide state: current view, studies and the chosen study, app info, and the notice bar.
import type { AppInfo } from '../../../common/ipc/contract.ts';
import type { Study, StudyFields } from '../../../common/subjects.ts';
import { api, ApiError, unwrap } from '../lib/api.ts';

export const VIEWS = [
  { id: 'subjects', label: 'Subjects' },
  { id: 'record', label: 'Record' },
  { id: 'review', label: 'Review' },
  { id: 'export', label: 'Export' },
  { id: 'settings', label: 'Settings' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

const STUDY_KEY = 'pulse-studio.study';

export const app = $state({
  view: 'subjects' as ViewId,
  studies: [] as Study[],
  studyId: null as number | null,
  info: null as AppInfo | null,
  notice: null as { kind: 'error' | 'info'; text: string } | null,
  /** What the next view opened should show first ("Record this subject", "Open in Review"); the view takes it. */
  focus: null as { subjectId: number; sessionId: number | null } | null,
});

/** Opens a view on a subject (and one of its sessions). */
export function showSession(view: ViewId, subjectId: number, sessionId: number | null = null): void {
  app.focus = { subjectId, sessionId };
  app.view = view;
}

/** The focus left for a view, once: later visits start as usual. */
export function takeFocus(): { subjectId: number; sessionId: number | null } | null {
  const focus = app.focus;
  app.focus = null;
  return focus;
}

export const currentStudy = () => app.studies.find((s) => s.id === app.studyId) ?? null;

export function notify(kind: 'error' | 'info', text: string): void {
  app.notice = { kind, text };
}

/** Shows any failure in the notice bar; returns undefined so callers can `?? fallback`. */
export async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    notify('error', error instanceof ApiError ? error.info.message : String(error));
    return undefined;
  }
}

export async function loadApp(): Promise<void> {
  await attempt(async () => {
    app.info = await unwrap(api.getAppInfo());
    // A data folder that could not be opened shows its own screen (App.svelte): nothing else is asked.
    if (app.info.problem) return;
    await loadStudies();
    const recovered = app.info.recoveredSessionIds.length;
    if (recovered > 0) {
      notify(
        'info',
        `${recovered} recording(s) were cut short when Pulse Studio last closed unexpectedly. Everything recorded up to then is kept; the session(s) are marked “interrupted”.`,
      );
    }
  });
}

export async function loadStudies(): Promise<void> {
  app.studies = await unwrap(api.listStudies());
  const remembered = Number(localStorage.getItem(STUDY_KEY));
  const keep = app.studies.find((s) => s.id === (app.studyId ?? remembered));
  selectStudy(keep?.id ?? app.studies[0]?.id ?? null);
}

export function selectStudy(id: number | null): void {
  app.studyId = id;
  if (id !== null) localStorage.setItem(STUDY_KEY, String(id));
}

export async function createStudy(fields: StudyFields): Promise<Study> {
  const study = await unwrap(api.createStudy(fields));
  await loadStudies();
  selectStudy(study.id);
  return study;
}

/** Renames the study or changes its contact; the list (and every view's header) shows the new values. */
export async function updateStudy(id: number, fields: StudyFields): Promise<Study> {
  const study = await unwrap(api.updateStudy({ id, ...fields }));
  await loadStudies();
  return study;
}
