// The IPC contract: for each channel its input schema (validated in main) and its result type.
import { z } from 'zod';
import '../form-messages.ts';
import {
  CROP_BYTES,
  FACE_TRACKED,
  MAX_CHUNK_FRAMES,
  type LiveSnapshot,
  type RecordingSummary,
  type StopProgress,
} from '../capture.ts';
import { type SessionOverview, type SessionResults, type SessionSignal } from '../results.ts';
import { analysisSettings, markerInput, sessionStart, type Marker, type Session, voidReason } from '../sessions.ts';
import { MAX_MODEL_BYTES, sha256Hex, type ModelInfo } from '../models.ts';
import { id, studyFields, studyPatch, subjectFields, subjectPatch, type Study, type Subject } from '../subjects.ts';
import { importRequest, type ImportJob } from '../imports.ts';
import { adaptRequest, type AdaptJob, type PythonCheck } from '../adaptation.ts';
import { exportRequest, reportRequest, type ExportCandidate, type ExportJob, type ReportResult } from '../reports.ts';
import { CHANNELS, type Channel } from './channels.ts';
import type { Result } from './result.ts';
import {
  livePackets,
  liveStart,
  offsetChange,
  referenceImport,
  studyAgreementInput,
  type ReferenceInfo,
  type ReferenceSeries,
  type SessionAgreement,
  type StudyAgreement,
} from '../references.ts';
import {
  protocolEvent,
  protocolFields,
  type Protocol,
  type ProtocolEvent,
  type ProtocolRun,
  type StepResult,
} from '../protocols.ts';
import { studySyncRequest, type StudySyncState } from '../study-sync.ts';
import { centralAgreementRequest, studyJobsRequest, type CentralAgreement, type StudyJobList } from '../study-jobs.ts';
import {
  backupName,
  backupSettingsInput,
  changePassphraseInput,
  encryptInput,
  operatorName,
  unlockInput,
  type AuditVerification,
  type BackupInfo,
  type BackupPreview,
  type BackupSettings,
  type DataProblem,
  type EncryptionStatus,
  type SessionVerification,
} from '../data-safety.ts';

export interface AppInfo {
  version: string;
  dataDir: string;
  platform: string;
  /** 'electron' in the desktop app, 'browser' when the UI runs in a local browser. */
  shell: 'electron' | 'browser';
  /** Sessions a crash had left open, closed as interrupted at this start (their data is kept). */
  recoveredSessionIds: number[];
  /** Why the data folder could not be opened: the app shows this instead of its views. */
  problem: DataProblem | null;
  /** Who the audit trail names for changes: the OS user, or the operator named at start. */
  operator: string;
}

const none = z.undefined();

const MAX_VIDEO_PIECE_BYTES = 16 * 1024 * 1024;

/** A typed-array field: structured clone (IPC) and the wire format deliver real typed arrays. */
const typed = <T>(ctor: abstract new (...args: never[]) => T, name: string) =>
  z.custom<T>((value) => value instanceof ctor, { message: `${name} must be a ${ctor.name}` });

const frameChunk = z
  .strictObject({
    sessionId: id,
    timestampsMs: typed<Float64Array>(Float64Array, 'timestampsMs'),
    faceFound: typed<Uint8Array>(Uint8Array, 'faceFound'),
    crops: typed<Uint8Array>(Uint8Array, 'crops'),
  })
  .refine((c) => c.timestampsMs.length >= 1 && c.timestampsMs.length <= MAX_CHUNK_FRAMES, {
    message: `A chunk holds 1–${MAX_CHUNK_FRAMES} frames`,
    path: ['timestampsMs'],
  })
  .refine((c) => c.faceFound.length === c.timestampsMs.length, {
    message: 'One face flag per frame',
    path: ['faceFound'],
  })
  .refine((c) => c.faceFound.every((flag) => flag <= FACE_TRACKED), {
    message: `Face flags are 0–${FACE_TRACKED}`,
    path: ['faceFound'],
  })
  .refine((c) => c.crops.length === c.timestampsMs.length * CROP_BYTES, {
    message: 'crops must hold one 128×128 RGB crop per frame',
    path: ['crops'],
  });

// `out<T>()` carries the result type alongside the runtime schema.
const out = <T>() => undefined as unknown as T;

export const contract = {
  'app:info': { input: none, output: out<AppInfo>() },
  'studies:list': { input: none, output: out<Study[]>() },
  'studies:create': { input: studyFields, output: out<Study>() },
  'studies:update': { input: studyPatch.extend({ id }), output: out<Study>() },
  'subjects:list': {
    input: z.strictObject({
      studyId: id,
      search: z.string().max(200, 'Search text is too long').default(''),
      includeArchived: z.boolean().default(false),
    }),
    output: out<Subject[]>(),
  },
  'subjects:get': { input: z.strictObject({ id }), output: out<Subject>() },
  'subjects:create': { input: subjectFields.extend({ studyId: id }), output: out<Subject>() },
  'subjects:update': { input: subjectPatch.extend({ id }), output: out<Subject>() },
  'subjects:set-archived': { input: z.strictObject({ id, archived: z.boolean() }), output: out<Subject>() },
  'subjects:delete': {
    input: z.strictObject({
      id,
      /** Must equal the subject's session count when it has sessions: deleting recordings is never implicit. */
      confirmSessionCount: z.number().int().min(0).optional(),
    }),
    output: out<{ deletedSessions: number }>(),
  },
  /** Voided sessions are left out unless asked for. */
  'sessions:list': {
    input: z.strictObject({ subjectId: id, includeVoided: z.boolean().default(false) }),
    output: out<Session[]>(),
  },
  'sessions:get': { input: z.strictObject({ id }), output: out<Session>() },
  'sessions:results': { input: z.strictObject({ sessionId: id }), output: out<SessionResults>() },
  'sessions:overview': {
    input: z.strictObject({ subjectId: id, includeVoided: z.boolean().default(false) }),
    output: out<SessionOverview[]>(),
  },
  /** Null when the session has no analysis yet. */
  'sessions:signal': { input: z.strictObject({ sessionId: id }), output: out<SessionSignal | null>() },
  'sessions:update-notes': {
    input: z.strictObject({ sessionId: id, notes: z.string().max(10_000, 'Notes must be at most 10000 characters') }),
    output: out<Session>(),
  },
  'sessions:reanalyze': {
    input: z.strictObject({ sessionId: id, settings: analysisSettings.optional() }),
    output: out<{ version: number; summary: RecordingSummary }>(),
  },
  /** Sets a session aside with a reason (kept, hidden by default, audited, left out of exports unless asked). */
  'sessions:void': { input: z.strictObject({ sessionId: id, reason: voidReason }), output: out<Session>() },
  'sessions:restore': { input: z.strictObject({ sessionId: id }), output: out<Session>() },
  /** Only a session without data (no frame, analysis, marker or video) can be deleted. */
  'sessions:delete-empty': { input: z.strictObject({ sessionId: id }), output: out<{ deleted: true }>() },
  /** The analysis version the session shows, exports and reports (null: always the latest); audited. */
  'sessions:choose-version': {
    input: z.strictObject({ sessionId: id, version: id.nullable() }),
    output: out<Session>(),
  },
  'markers:update': { input: markerInput.pick({ label: true }).extend({ markerId: id }), output: out<Marker>() },
  'recording:start': { input: sessionStart, output: out<Session>() },
  /** `warning`: frames are kept but something needs the user (a database locked by another program). */
  'recording:append-frames': {
    input: frameChunk,
    output: out<{ frameCount: number; live: LiveSnapshot; warning: string | null }>(),
  },
  'recording:append-video': {
    input: z.strictObject({
      sessionId: id,
      bytes: typed<Uint8Array>(Uint8Array, 'bytes').refine((b) => b.length <= MAX_VIDEO_PIECE_BYTES, {
        message: 'A video piece is at most 16 MB',
      }),
    }),
    output: out<{ bytes: number }>(),
  },
  'recording:add-marker': { input: markerInput, output: out<Marker>() },
  'recording:stop': {
    input: z.strictObject({ sessionId: id }),
    output: out<{ session: Session; summary: RecordingSummary }>(),
  },
  /** While recording:stop runs (the network finishing can take a minute): how far it has got; null otherwise. */
  'recording:stop-progress': { input: z.strictObject({ sessionId: id }), output: out<StopProgress | null>() },
  /** The bundled default (when installed) and every import; `active` marks the one recordings use. */
  'models:list': { input: none, output: out<ModelInfo[]>() },
  'models:import': {
    input: z.strictObject({
      /** Decides nothing by itself: a zip (.pth) is converted, anything else is checked as ONNX. */
      fileName: z.string().trim().min(1, 'Choose a .pth or .onnx file').max(255),
      bytes: typed<Uint8Array>(Uint8Array, 'bytes').refine((b) => b.length > 0 && b.length <= MAX_MODEL_BYTES, {
        message: `A model file has 1 byte to ${MAX_MODEL_BYTES >> 20} MB`,
      }),
      activate: z.boolean().default(true),
    }),
    output: out<ModelInfo>(),
  },
  'models:download-authors': {
    input: z.strictObject({
      acceptNotice: z.literal(true, { error: 'Read and accept the notice about the authors’ weights first' }),
      activate: z.boolean().default(true),
    }),
    output: out<ModelInfo>(),
  },
  /** null: back to the bundled default. */
  'models:set-active': { input: z.strictObject({ sha256: sha256Hex.nullable() }), output: out<ModelInfo[]>() },
  'models:remove': { input: z.strictObject({ sha256: sha256Hex }), output: out<ModelInfo[]>() },
  /** Which Python an adaptation would use, or exactly what to install. */
  'models:python-check': { input: none, output: out<PythonCheck>() },
  /**
   * Adapts the active model to a study's recordings; the new model is registered, never made active. The UI cannot
   * name the Python to run (that would let a page start any program): it is $PULSE_STUDIO_PYTHON or the usual places.
   */
  'models:adapt-start': { input: adaptRequest.omit({ python: true }), output: out<AdaptJob>() },
  'models:adapt-status': { input: z.strictObject({ jobId: id }), output: out<AdaptJob>() },
  'models:adapt-cancel': { input: z.strictObject({ jobId: id }), output: out<AdaptJob>() },
  'reports:participant': { input: reportRequest, output: out<ReportResult>() },
  'exports:candidates': {
    input: z.strictObject({ studyId: id, includeVoided: z.boolean().default(false) }),
    output: out<ExportCandidate[]>(),
  },
  'exports:defaults': { input: none, output: out<{ destination: string; canChooseFolder: boolean }>() },
  /** Opens the desktop app's folder picker; null when the user cancels. */
  'exports:choose-folder': {
    input: z.strictObject({ startIn: z.string().max(4096) }),
    output: out<{ folder: string | null }>(),
  },
  'exports:start': { input: exportRequest, output: out<ExportJob>() },
  'exports:status': { input: z.strictObject({ jobId: id }), output: out<ExportJob>() },
  'exports:cancel': { input: z.strictObject({ jobId: id }), output: out<ExportJob>() },
  'imports:start': { input: importRequest, output: out<ImportJob>() },
  'imports:status': { input: z.strictObject({ jobId: id }), output: out<ImportJob>() },
  'imports:cancel': { input: z.strictObject({ jobId: id }), output: out<ImportJob>() },
  /** Names who works from now on (empty: the operating-system user); recorded in the audit trail. */
  'app:set-operator': { input: z.strictObject({ name: operatorName }), output: out<AppInfo>() },
  'backups:list': { input: none, output: out<{ backups: BackupInfo[]; settings: BackupSettings }>() },
  'backups:create': { input: none, output: out<BackupInfo>() },
  'backups:preview': { input: z.strictObject({ name: backupName }), output: out<BackupPreview>() },
  /** Replaces the database with the backup; the one replaced is backed up (or, when damaged, kept aside) first. */
  'backups:restore': {
    input: z.strictObject({
      name: backupName,
      confirm: z.literal(true, { error: 'Confirm that the database is replaced by this backup' }),
    }),
    output: out<{ restored: BackupInfo; keptAs: string | null }>(),
  },
  'backups:settings': { input: backupSettingsInput, output: out<BackupSettings>() },
  /** Checks a session's media files against the SHA-256 stored when it stopped. */
  'sessions:verify': { input: z.strictObject({ sessionId: id }), output: out<SessionVerification>() },
  'audit:verify': { input: none, output: out<AuditVerification>() },
  /** Whether the data folder is encrypted, which files are not yet, and a running conversion's progress. */
  'encryption:status': { input: none, output: out<EncryptionStatus>() },
  /** Opens an encrypted data folder (the start screen asks for the passphrase); a wrong one changes nothing. */
  'encryption:unlock': { input: unlockInput, output: out<{ unlocked: true }>() },
  /** Encrypts the data folder in place under a new passphrase (the app reopens it when done). */
  'encryption:enable': { input: encryptInput, output: out<EncryptionStatus>() },
  /** Finishes a conversion cut short (crash, full disk) or encrypts files left plain, with the folder's own key. */
  'encryption:finish': { input: none, output: out<EncryptionStatus>() },
  'encryption:change-passphrase': { input: changePassphraseInput, output: out<EncryptionStatus>() },
  /** Turns encryption off: every file back to plain, the key file removed. */
  'encryption:disable': { input: unlockInput, output: out<EncryptionStatus>() },
  /** Room on the data folder's disk for recording at this frame rate (Start refuses below the 'refuse' level). */
  'recording:disk-space': {
    input: z.strictObject({ fps: z.number().positive().max(1000).nullable().default(null) }),
    output: out<{ freeBytes: number; minutesLeft: number; level: 'ok' | 'low' | 'refuse'; message: string | null }>(),
  },
  'references:list': { input: z.strictObject({ sessionId: id }), output: out<ReferenceInfo[]>() },
  /** Reads and checks the whole file before storing anything; aligns it by the estimated offset unless one is given. */
  'references:import': { input: referenceImport, output: out<ReferenceInfo>() },
  /** Sets the reference's clock offset by hand (null: back to the estimate); audited. */
  'references:set-offset': { input: offsetChange, output: out<ReferenceInfo>() },
  'references:remove': { input: z.strictObject({ referenceId: id }), output: out<{ removed: true }>() },
  /** The reference's heart rate in session time (offset applied), for the plots. */
  'references:series': { input: z.strictObject({ referenceId: id }), output: out<ReferenceSeries>() },
  'references:agreement': {
    input: z.strictObject({ sessionId: id, referenceId: id.optional() }),
    output: out<SessionAgreement>(),
  },
  'references:study-agreement': { input: studyAgreementInput, output: out<StudyAgreement>() },
  /** A Bluetooth sensor joins the recording session; its raw readings follow with live-append. */
  'references:live-start': { input: liveStart, output: out<ReferenceInfo>() },
  'references:live-append': {
    input: livePackets,
    output: out<{ stored: number; bpm: number | null; contact: 'detected' | 'not-detected' | 'unsupported' }>(),
  },
  'references:live-stop': { input: z.strictObject({ referenceId: id }), output: out<ReferenceInfo>() },
  /**
   * The desktop app's Bluetooth picker: devices found while a request is open ('browser': the browser shows its own).
   */
  'bluetooth:devices': {
    input: none,
    output: out<{ picker: 'app' | 'browser'; pending: boolean; devices: { deviceId: string; deviceName: string }[] }>(),
  },
  /** Answers the open request with a device, or cancels it (null). */
  'bluetooth:choose': {
    input: z.strictObject({ deviceId: z.string().min(1).max(200).nullable() }),
    output: out<{ chosen: boolean }>(),
  },
  'protocols:list': {
    input: z.strictObject({ studyId: id, includeArchived: z.boolean().default(false) }),
    output: out<Protocol[]>(),
  },
  'protocols:create': { input: protocolFields.extend({ studyId: id }), output: out<Protocol>() },
  /** Changes future runs only: sessions keep the protocol as they ran it. */
  'protocols:update': { input: protocolFields.extend({ id }), output: out<Protocol>() },
  'protocols:set-archived': { input: z.strictObject({ id, archived: z.boolean() }), output: out<Protocol>() },
  /** The recording runs this protocol from now on (step 1 starts at 0 s). */
  'protocols:begin': { input: z.strictObject({ sessionId: id, protocolId: id }), output: out<ProtocolRun>() },
  'protocols:log': { input: protocolEvent, output: out<ProtocolEvent>() },
  /**
   * Per protocol step: its span, the session's HR statistic over it, the reference's mean
   * and agreement when there is one.
   */
  'sessions:steps': { input: z.strictObject({ sessionId: id }), output: out<StepResult[]>() },
  /** The study database sync: running or not, its progress, the last summary and settings. */
  'study-db:state': { input: none, output: out<StudySyncState>() },
  /** Starts a sync (or a dry run) to the central study database; follow it with study-db:state. */
  'study-db:sync': { input: studySyncRequest, output: out<StudySyncState>() },
  /** Stops the running sync after the unit being sent (run it again to continue). */
  'study-db:cancel': { input: none, output: out<StudySyncState>() },
  /** The study database's worker jobs (reading only): state, progress, failure reason, result. */
  'study-db:jobs': { input: studyJobsRequest, output: out<StudyJobList>() },
  /**
   * A study's agreement with contact references pooled over every station's sessions (coordinator mode, reading
   * only).
   */
  'study-db:agreement': { input: centralAgreementRequest, output: out<CentralAgreement>() },
} satisfies Record<Channel, { input: z.ZodType; output: unknown }>;

export type Contract = typeof contract;
/** What a caller passes (defaults not yet applied). */
export type InputOf<C extends Channel> = z.input<Contract[C]['input']>;
/** What a handler receives after validation. */
export type ParsedInputOf<C extends Channel> = z.output<Contract[C]['input']>;
export type OutputOf<C extends Channel> = Contract[C]['output'];

type MethodChannel<M> = { [C in Channel]: (typeof CHANNELS)[C] extends M ? C : never }[Channel];

/** The API the preload exposes as `window.pulse`: one verb-first method per channel. */
export type PulseApi = {
  [M in (typeof CHANNELS)[Channel]]: InputOf<MethodChannel<M>> extends undefined
    ? () => Promise<Result<OutputOf<MethodChannel<M>>>>
    : (input: InputOf<MethodChannel<M>>) => Promise<Result<OutputOf<MethodChannel<M>>>>;
};
