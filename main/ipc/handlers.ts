// The handler table: one function per IPC channel, calling the plain Node services.
import type { AppInfo, ParsedInputOf, OutputOf } from '../../common/ipc/contract.ts';
import type { Channel } from '../../common/ipc/channels.ts';
import { AppError } from '../../common/ipc/result.ts';
import { ImportJobs } from '../imports/import-jobs.ts';
import { sessionSignal } from '../results/session-signal.ts';
import { AdaptJobs } from '../models/adaptation/adapt-jobs.ts';
import { rejectedModel } from '../models/import-error.ts';
import type { ModelRegistry } from '../models/model-registry.ts';
import type { Recorder } from '../recording/recorder.ts';
import { ExportJobs } from '../reports/export-jobs.ts';
import { writeParticipantReport } from '../reports/participant-report.ts';
import { defaultReportServices, type ReportServices } from '../reports/report-services.ts';
import type { Store } from '../store/index.ts';
import { deleteEmptySession } from '../store/session-removal.ts';
import { sessionOverview, sessionResults } from '../store/session-results.ts';
import type { EncryptionHost } from '../encryption/encryption-host.ts';
import { encryptionHandlers } from './encryption-handlers.ts';
import { safetyHandlers, type RestoreHost } from './safety-handlers.ts';
import { referenceHandlers } from './reference-handlers.ts';
import { studyDbHandlers } from './study-db-handlers.ts';
import type { DeviceChooser } from '../bluetooth/device-chooser.ts';

/** What the app knows about itself at start; the problem and the operator are added when asked. */
export type StaticAppInfo = Omit<AppInfo, 'problem' | 'operator'>;

export interface Services {
  store: Store;
  recorder: Recorder;
  models: ModelRegistry;
  appInfo: StaticAppInfo;
  /** Backup restore, when the services run under the app host (main/app-host.ts). */
  host?: RestoreHost;
  /** Encrypting, decrypting and re-keying the folder, under the app host. */
  encryption?: EncryptionHost;
  /** Templates, PDF printer and default folder for reports and exports (Chromium-based when left out). */
  reports?: ReportServices;
  /** The face detector's ONNX for video imports (default: this checkout's models/ folder). */
  faceModel?: string;
  /** models/python/adapt.py where the app ships it (default: this checkout's). */
  adaptScript?: string;
  /** Job tables made by the caller (createJobs); made here when left out. */
  jobs?: ReturnType<typeof createJobs>;
  /** The desktop app's Bluetooth device picker (absent where the browser shows its own). */
  bluetooth?: DeviceChooser;
}

export type Handlers = {
  [C in Channel]: (input: ParsedInputOf<C>) => OutputOf<C> | Promise<OutputOf<C>>;
};

/** The export, import and adaptation job tables (the app host asks them whether work is running). */
export function createJobs({
  store,
  models,
  appInfo,
  faceModel,
  adaptScript,
}: Pick<Services, 'store' | 'models' | 'appInfo' | 'faceModel' | 'adaptScript'>): {
  exports: ExportJobs;
  imports: ImportJobs;
  adaptations: AdaptJobs;
} {
  return {
    adaptations: new AdaptJobs(store, models, adaptScript),
    exports: new ExportJobs(store, appInfo.version),
    // Imports run the active model like a recording (first of the live candidates), or POS without one.
    imports: new ImportJobs(store, {
      appVersion: appInfo.version,
      model: () => models.liveModels()[0] ?? null,
      ...(faceModel ? { faceModelPath: faceModel } : {}),
    }),
  };
}

export function createHandlers({
  store,
  recorder,
  models,
  appInfo,
  host,
  encryption,
  jobs,
  reports = defaultReportServices(),
  faceModel,
  bluetooth,
}: Services): Handlers {
  const { studies, subjects, sessions } = store;
  const { exports, imports, adaptations } = jobs ?? createJobs({ store, models, appInfo, faceModel });
  const info = (): AppInfo => ({ ...appInfo, problem: null, operator: store.audit.actor });
  return {
    ...safetyHandlers(store, info, host),
    ...encryptionHandlers(store.dataDir, encryption),
    ...studyDbHandlers(store, appInfo.version),
    ...referenceHandlers(store, bluetooth),
    'app:info': info,
    'studies:list': () => studies.list(),
    'studies:create': (fields) => studies.create(fields),
    'studies:update': ({ id, ...fields }) => studies.update(id, fields),
    'subjects:list': (query) => subjects.list(query),
    'subjects:get': ({ id }) => subjects.get(id),
    'subjects:create': ({ studyId, ...fields }) => subjects.create(studyId, fields),
    'subjects:update': ({ id, ...fields }) => subjects.update(id, fields),
    'subjects:set-archived': ({ id, archived }) => subjects.setArchived(id, archived),
    'subjects:delete': ({ id, confirmSessionCount }) => {
      if (recorder.activeSessionIds.some((sessionId) => sessions.get(sessionId).subjectId === id)) {
        throw new AppError('conflict', 'This subject is being recorded: stop the recording first');
      }
      return subjects.delete(id, confirmSessionCount);
    },
    'sessions:list': ({ subjectId, includeVoided }) => sessions.listForSubject(subjectId, { includeVoided }),
    'sessions:get': ({ id }) => sessions.get(id),
    'sessions:results': ({ sessionId }) => sessionResults(store, sessionId),
    'sessions:overview': ({ subjectId, includeVoided }) => sessionOverview(store, subjectId, { includeVoided }),
    'sessions:signal': ({ sessionId }) => sessionSignal(store, sessionId),
    'sessions:update-notes': ({ sessionId, notes }) => sessions.updateNotes(sessionId, notes, store.audit.actor),
    'markers:update': ({ markerId, label }) => sessions.updateMarker(markerId, label, store.audit.actor),
    'sessions:reanalyze': async ({ sessionId, settings }) => {
      const done = await recorder.reanalyze(sessionId, settings);
      // The new version is the one asked for: the session shows (and exports) it from now on.
      sessions.chooseAnalysisVersion(sessionId, null, store.audit.actor);
      return done;
    },
    'sessions:choose-version': ({ sessionId, version }) =>
      sessions.chooseAnalysisVersion(sessionId, version, store.audit.actor),
    'sessions:void': ({ sessionId, reason }) => sessions.voidSession(sessionId, reason, store.audit.actor),
    'sessions:restore': ({ sessionId }) => sessions.restoreSession(sessionId, store.audit.actor),
    'sessions:delete-empty': ({ sessionId }) => (
      deleteEmptySession(store, sessionId, store.audit.actor),
      { deleted: true as const }
    ),
    'recording:start': (start) => recorder.start(start),
    'recording:append-frames': ({ sessionId, ...chunk }) => recorder.appendFrames(sessionId, chunk),
    'recording:append-video': ({ sessionId, bytes }) => recorder.appendVideo(sessionId, bytes),
    'recording:add-marker': ({ sessionId, tS, label }) => recorder.addMarker(sessionId, tS, label),
    'recording:stop': ({ sessionId }) => recorder.stop(sessionId),
    'recording:disk-space': ({ fps }) => recorder.diskSpace(fps),
    'recording:stop-progress': ({ sessionId }) => recorder.stopProgress(sessionId),
    'models:list': () => models.list(),
    'models:import': ({ fileName, bytes, activate }) => rejectedModel(models.import(bytes, fileName, { activate })),
    'models:download-authors': ({ activate }) => rejectedModel(models.downloadAuthors({ activate })),
    'models:set-active': ({ sha256 }) => (models.setActive(sha256), models.list()),
    'models:remove': ({ sha256 }) => (models.remove(sha256), models.list()),
    'models:python-check': () => adaptations.checkPython(''),
    'models:adapt-start': (request) => adaptations.start({ ...request, python: '' }),
    'models:adapt-status': ({ jobId }) => adaptations.status(jobId),
    'models:adapt-cancel': ({ jobId }) => adaptations.cancel(jobId),
    'reports:participant': (request) =>
      writeParticipantReport(store, request, { ...reports, appVersion: appInfo.version }),
    'exports:candidates': ({ studyId, includeVoided }) =>
      subjects
        .list({ studyId, search: '', includeArchived: true })
        .map((subject) => ({ subject, sessions: sessionOverview(store, subject.id, { includeVoided }) })),
    'exports:defaults': () => ({
      destination: reports.defaultDestination,
      canChooseFolder: reports.chooseFolder !== undefined,
    }),
    'exports:choose-folder': async ({ startIn }) => {
      if (!reports.chooseFolder)
        throw new AppError('conflict', 'Choosing a folder needs the desktop app: type the folder path instead');
      return { folder: await reports.chooseFolder(startIn || reports.defaultDestination) };
    },
    'exports:start': (request) => exports.start(request),
    'exports:status': ({ jobId }) => exports.status(jobId),
    'exports:cancel': ({ jobId }) => exports.cancel(jobId),
    'imports:start': (request) => imports.start(request),
    'imports:status': ({ jobId }) => imports.status(jobId),
    'imports:cancel': ({ jobId }) => imports.cancel(jobId),
  };
}
