// Every IPC channel, declared once, with the preload method that invokes it (runtime table, no schemas).
import type { PulseApi } from './contract.ts';

export const CHANNELS = {
  'app:info': 'getAppInfo',
  'studies:list': 'listStudies',
  'studies:create': 'createStudy',
  'studies:update': 'updateStudy',
  'subjects:list': 'listSubjects',
  'subjects:get': 'getSubject',
  'subjects:create': 'createSubject',
  'subjects:update': 'updateSubject',
  'subjects:set-archived': 'setSubjectArchived',
  'subjects:delete': 'deleteSubject',
  'sessions:list': 'listSessions',
  'sessions:get': 'getSession',
  'sessions:results': 'getSessionResults',
  'sessions:overview': 'getSessionOverview',
  'sessions:signal': 'getSessionSignal',
  'sessions:update-notes': 'updateSessionNotes',
  'markers:update': 'updateMarker',
  'sessions:reanalyze': 'reanalyzeSession',
  'sessions:void': 'voidSession',
  'sessions:restore': 'restoreSession',
  'sessions:delete-empty': 'deleteEmptySession',
  'sessions:choose-version': 'chooseAnalysisVersion',
  'recording:start': 'startRecording',
  'recording:append-frames': 'appendFrames',
  'recording:append-video': 'appendVideo',
  'recording:add-marker': 'addMarker',
  'recording:stop': 'stopRecording',
  'recording:stop-progress': 'getStopProgress',
  'models:list': 'listModels',
  'models:import': 'importModel',
  'models:download-authors': 'downloadAuthorsModel',
  'models:set-active': 'setActiveModel',
  'models:remove': 'removeModel',
  'models:python-check': 'checkAdaptPython',
  'models:adapt-start': 'startAdaptation',
  'models:adapt-status': 'getAdaptationStatus',
  'models:adapt-cancel': 'cancelAdaptation',
  'reports:participant': 'createParticipantReport',
  'exports:candidates': 'listExportCandidates',
  'exports:defaults': 'getExportDefaults',
  'exports:choose-folder': 'chooseExportFolder',
  'exports:start': 'startExport',
  'exports:status': 'getExportStatus',
  'exports:cancel': 'cancelExport',
  'imports:start': 'startImport',
  'imports:status': 'getImportStatus',
  'imports:cancel': 'cancelImport',
  'app:set-operator': 'setOperator',
  'backups:list': 'listBackups',
  'backups:create': 'createBackup',
  'backups:preview': 'previewBackup',
  'backups:restore': 'restoreBackup',
  'backups:settings': 'setBackupSettings',
  'sessions:verify': 'verifySession',
  'audit:verify': 'verifyAuditTrail',
  'recording:disk-space': 'checkDiskSpace',
  'encryption:status': 'getEncryptionStatus',
  'encryption:unlock': 'unlockDataFolder',
  'encryption:enable': 'encryptDataFolder',
  'encryption:finish': 'finishEncryption',
  'encryption:change-passphrase': 'changePassphrase',
  'encryption:disable': 'decryptDataFolder',
  'references:list': 'listReferences',
  'references:import': 'importReference',
  'references:set-offset': 'setReferenceOffset',
  'references:remove': 'removeReference',
  'references:series': 'getReferenceSeries',
  'references:agreement': 'getSessionAgreement',
  'references:study-agreement': 'getStudyAgreement',
  'references:live-start': 'startLiveReference',
  'references:live-append': 'appendLiveReference',
  'references:live-stop': 'stopLiveReference',
  'bluetooth:devices': 'listBluetoothDevices',
  'bluetooth:choose': 'chooseBluetoothDevice',
  'protocols:list': 'listProtocols',
  'protocols:create': 'createProtocol',
  'protocols:update': 'updateProtocol',
  'protocols:set-archived': 'setProtocolArchived',
  'protocols:begin': 'beginProtocol',
  'protocols:log': 'logProtocolEvent',
  'sessions:steps': 'getSessionSteps',
  'study-db:state': 'getStudyDatabaseState',
  'study-db:sync': 'syncStudyDatabase',
  'study-db:cancel': 'cancelStudyDatabaseSync',
} as const;

export type Channel = keyof typeof CHANNELS;
export type MethodName = (typeof CHANNELS)[Channel];

export const isChannel = (value: unknown): value is Channel =>
  typeof value === 'string' && Object.hasOwn(CHANNELS, value);

/** Builds the API object from any transport (Electron IPC, HTTP in browser mode, a test bridge). */
export function createApi(invoke: (channel: Channel, input: unknown) => Promise<unknown>): PulseApi {
  const api: Record<string, (input?: unknown) => Promise<unknown>> = {};
  for (const [channel, method] of Object.entries(CHANNELS) as [Channel, string][]) {
    api[method] = (input?: unknown) => invoke(channel, input);
  }
  return api as unknown as PulseApi;
}
