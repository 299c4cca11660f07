// Researcher export of chosen sessions of one study: BIDS-like layout, derivatives, manifest with SHA-256
// of every file; written to a new timestamped zip or folder, never over an earlier export.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppError } from '../../common/ipc/result.ts';
import type { ExportRequest, ExportResult } from '../../common/reports.ts';
import type { Study } from '../../common/subjects.ts';
import type { Store } from '../store/index.ts';
import { auditTrailExport } from './audit-export.ts';
import { ageAt } from '../../common/subjects.ts';
import { localFolders, randomShiftDays, shiftIso } from './deidentify.ts';
import { folderSink, zipSink, type ExportSink, type PutOptions, type WrittenFile } from './export-sink.ts';
import { bidsLabel, checkDestination, freshPath, recordOrRemove, slug, stamp, storageError } from './export-paths.ts';
import { loadSessionData, type SessionData } from './session-data.ts';
import {
  BIDS_TASK,
  DERIVATIVES,
  sessionEntries,
  sessionFolder,
  type ExportEntry,
  type SessionFileContext,
} from './session-files.ts';
import { json, tsv } from './tables.ts';
import { blurredCopy, readableCopy } from './video-blur.ts';
import { datasetAgreement } from './reference-entries.ts';

export const BIDS_VERSION = '1.10.0';

export interface ExportProgress {
  done: number;
  total: number;
  stage: string;
}

export interface ExportRun {
  appVersion: string;
  onProgress?: (p: ExportProgress) => void;
  signal?: AbortSignal;
  now?: Date;
  /** For tests: the date shift, else random. */
  shiftDays?: number;
}

export class ExportCancelled extends AppError {
  constructor() {
    super('conflict', 'The export was cancelled; nothing was kept');
  }
}

/** Checks the whole request before anything is written: unknown or foreign sessions, clashing labels. */
function plan(store: Store, request: ExportRequest): { study: Study; sessionIds: number[] } {
  const study = store.studies.get(request.studyId);
  const labels = new Map<string, string>();
  const sessionIds = [...new Set(request.sessionIds)];
  for (const sessionId of sessionIds) {
    const session = store.sessions.get(sessionId);
    const subject = store.subjects.get(session.subjectId);
    if (subject.studyId !== study.id)
      throw new AppError('invalid_input', `Session ${sessionId} belongs to another study than ${study.name}`);
    if (session.status === 'recording')
      throw new AppError(
        'conflict',
        `Session ${sessionId} (${subject.code}) is still recording: stop it before exporting`,
      );
    if (session.voided && !request.includeVoided) {
      throw new AppError(
        'invalid_input',
        `Session ${sessionId} (${subject.code}) is voided (“${session.voided.reason}”): choose “Include voided sessions” to export it`,
      );
    }
    const label = bidsLabel(subject.code);
    const other = labels.get(label);
    if (other !== undefined && other !== subject.code) {
      throw new AppError(
        'conflict',
        `Subjects ${other} and ${subject.code} would both be exported as sub-${label}: rename one of them`,
      );
    }
    labels.set(label, subject.code);
  }
  return { study, sessionIds };
}

function datasetFiles(
  study: Study,
  sessions: SessionData[],
  request: ExportRequest,
  ctx: SessionFileContext,
): ExportEntry[] {
  const text = (s: string) => Buffer.from(s, 'utf8');
  const generatedBy = [{ Name: 'Pulse Studio', Version: ctx.appVersion }];
  const subjects = [...new Map(sessions.map((d) => [d.subject.id, d])).values()];
  const participant = (d: SessionData) => [
    `sub-${bidsLabel(d.subject.code)}`,
    ...(request.includeDemographics
      ? [d.subject.sex, d.subject.skinType, ageAt(d.subject.birthYear, d.session.startedAt)]
      : []),
  ];
  const entries: ExportEntry[] = [
    {
      path: 'dataset_description.json',
      data: text(json({ Name: study.name, BIDSVersion: BIDS_VERSION, DatasetType: 'raw', GeneratedBy: generatedBy })),
    },
    {
      path: 'participants.tsv',
      data: text(
        tsv(
          ['participant_id', ...(request.includeDemographics ? ['sex', 'skin_type', 'age'] : [])],
          subjects.map(participant),
        ),
      ),
    },
    {
      path: 'participants.json',
      data: text(
        json({
          participant_id: { Description: 'Pseudonymous subject code (letters and digits only)' },
          ...(request.includeDemographics
            ? {
                sex: { Description: 'Sex as recorded' },
                skin_type: { Description: 'Fitzpatrick skin type 1–6' },
                age: { Description: 'Age in whole years at the first exported session', Units: 'years' },
              }
            : {}),
        }),
      ),
    },
    {
      path: `${DERIVATIVES}/dataset_description.json`,
      data: text(
        json({
          Name: `${study.name}: Pulse Studio results`,
          BIDSVersion: BIDS_VERSION,
          DatasetType: 'derivative',
          GeneratedBy: generatedBy,
        }),
      ),
    },
    { path: 'README', data: text(readme(request)) },
  ];
  for (const d of subjects) {
    const own = sessions.filter((s) => s.subject.id === d.subject.id);
    const time = (iso: string) => (request.shiftDates ? shiftIso(iso, ctx.shiftDays)! : iso).slice(0, 19);
    entries.push({
      path: `sub-${bidsLabel(d.subject.code)}/sub-${bidsLabel(d.subject.code)}_sessions.tsv`,
      data: text(
        tsv(
          ['session_id', 'acq_time'],
          own.map((s) => [`ses-${s.ordinal}`, time(s.session.startedAt)]),
        ),
      ),
    });
  }
  return entries;
}

function readme(request: ExportRequest): string {
  return [
    'Pulse Studio export: heart rate measured from face video (remote photoplethysmography).',
    'Research use only: not a medical device, not a diagnosis.',
    '',
    `sub-<code>/ses-<n>/beh/*_task-${BIDS_TASK}_recording-<method>_physio.tsv.gz  pulse waveform per method (BIDS physio, JSON sidecar)`,
    `sub-<code>/ses-<n>/beh/*_task-${BIDS_TASK}_events.tsv  markers set during the recording (BIDS events)`,
    `${DERIVATIVES}/sub-<code>/ses-<n>/  _reference-<k>.csv (contact reference HR in session time) and _beats.csv, _agreement.csv/.json`,
    '  (camera vs reference per window; figures over the windows the app calls reliable, with coverage), _steps.csv (per protocol step)',
    `${DERIVATIVES}/agreement.json  agreement pooled over the exported sessions with a reference (by protocol step; by skin type, sex and age band with demographics)`,
    `${DERIVATIVES}/audit-trail.json  who changed what and when in this study (hash-chained; values withheld or shifted as above)`,
    `${DERIVATIVES}/sub-<code>/ses-<n>/  HR series (_hr.csv), waveforms, beats, markers, frame timestamps, _session.json (model, SHA-256, execution provider, parameters, analysis versions, HRV)`,
    ...(request.video !== 'omit'
      ? [
          `sourcedata/sub-<code>/ses-<n>/  camera video${request.video === 'blur' ? ', blurred so faces cannot be recognised' : ''}`,
        ]
      : []),
    'manifest.json and SHA256SUMS: SHA-256 of every file (check with `sha256sum -c SHA256SUMS`).',
    'Text typed by users (marker labels) is exact in .tsv files; in .csv files text starting with = + - @ carries a',
    'leading apostrophe so spreadsheets show it instead of running it as a formula. Open .tsv files as text, not in a spreadsheet.',
    '',
    `De-identification: pseudonymous codes only; ${request.shiftDates ? 'dates shifted by one random number of days (intervals are real)' : 'real dates'}; ` +
      `${request.includeDemographics ? 'sex, skin type and age included' : 'no demographics'}; ${request.includeFreeText ? 'notes, camera and file names included' : 'no notes, camera or file names'}.`,
    '',
  ].join('\n');
}

/** Everything that can be checked before writing, so a bad request fails at once with a clear message. */
export function checkExport(
  store: Store,
  request: ExportRequest,
): { study: Study; sessionIds: number[]; destination: string } {
  return { ...plan(store, request), destination: checkDestination(request.destination) };
}

/** "1.2 of 5.0 GB", or "40 of 300 MB" for a video under 1 GB. */
const amount = (done: number, size: number): string => {
  const [unit, name] = size >= 1024 ** 3 ? [1024 ** 3, 'GB'] : [1024 ** 2, 'MB'];
  const digits = name === 'GB' ? 1 : 0;
  return `${(done / unit).toFixed(digits)} of ${(size / unit).toFixed(digits)} ${name}`;
};

/**
 * Writes one entry; a video is decrypted (encrypted folder) and blurred (when asked) into temporary copies first,
 * and its bytes are reported in the stage of the session it belongs to.
 */
async function put(
  sink: ExportSink,
  entry: ExportEntry,
  store: Store,
  run: ExportRun,
  at: ExportProgress,
): Promise<WrittenFile> {
  if (!('file' in entry)) return sink.put(entry);
  const options: PutOptions = {
    ...(run.signal ? { signal: run.signal } : {}),
    onBytes: (done, size) => run.onProgress?.({ ...at, stage: `${at.stage}: video ${amount(done, size)}` }),
  };
  const readable = await readableCopy(entry.file, store.mediaKey, store.dataDir);
  try {
    if (!entry.blur) return await sink.put({ path: entry.path, file: readable.file }, options);
    const blurred = await blurredCopy(readable.file, store.dataDir, run.signal);
    try {
      return await sink.put({ path: entry.path, file: blurred.file }, options);
    } finally {
      blurred.remove();
    }
  } finally {
    readable.remove();
  }
}

export async function runExport(store: Store, request: ExportRequest, run: ExportRun): Promise<ExportResult> {
  const { study, sessionIds, destination } = checkExport(store, request);
  const now = run.now ?? new Date();
  const base = `pulse-export-${slug(study.name, 'study')}-${stamp(now)}`;
  const ctx: SessionFileContext = {
    store,
    deid: request,
    shiftDays: run.shiftDays ?? randomShiftDays(),
    video: request.video,
    hidden: localFolders(store.dataDir),
    appVersion: run.appVersion,
  };
  const total = sessionIds.length;
  let sink: ExportSink;
  try {
    sink =
      request.container === 'zip'
        ? zipSink(freshPath(destination, base, '.zip'), now, store.dataDir)
        : folderSink(freshPath(destination, base), store.dataDir);
  } catch (error) {
    throw storageError(error, 'Could not create the export');
  }
  const written: WrittenFile[] = [];
  try {
    const sessions: SessionData[] = [];
    for (const [k, sessionId] of sessionIds.entries()) {
      const at = { done: k, total, stage: `Session ${k + 1} of ${total}` };
      run.onProgress?.(at);
      await nextTurn();
      if (run.signal?.aborted) throw new ExportCancelled();
      const data = loadSessionData(store, sessionId);
      sessions.push(data);
      for (const entry of sessionEntries(data, ctx)) written.push(await put(sink, entry, store, run, at));
    }
    run.onProgress?.({ done: total, total, stage: 'Manifest' });
    for (const entry of datasetFiles(study, sessions, request, ctx)) written.push(await sink.put(entry));
    const pooled = datasetAgreement(store, study.id, new Set(sessionIds), request.includeDemographics);
    if (pooled)
      written.push(await sink.put({ path: `${DERIVATIVES}/agreement.json`, data: Buffer.from(json(pooled)) }));
    const trail = auditTrailExport(store, study.id, request, ctx.shiftDays, ctx.hidden);
    written.push(await sink.put({ path: `${DERIVATIVES}/audit-trail.json`, data: Buffer.from(json(trail)) }));
    const manifest = {
      generatedBy: { name: 'Pulse Studio', version: run.appVersion },
      createdAt: now.toISOString(),
      study: study.name,
      sessions: sessions.map((d) => sessionFolder(d)),
      options: {
        container: request.container,
        video: request.video,
        includeDemographics: request.includeDemographics,
        includeFreeText: request.includeFreeText,
        shiftDates: request.shiftDates,
      },
      files: written,
    };
    await sink.put({ path: 'manifest.json', data: Buffer.from(json(manifest)) });
    await sink.put({ path: 'SHA256SUMS', data: Buffer.from(written.map((f) => `${f.sha256}  ${f.path}\n`).join('')) });
    if (run.signal?.aborted) throw new ExportCancelled();
    await sink.finish();
  } catch (error) {
    await sink.discard();
    if (run.signal?.aborted) throw new ExportCancelled();
    throw storageError(error, 'The export failed and was removed');
  }
  const { container, video, includeDemographics, includeFreeText, shiftDates } = request;
  recordOrRemove(store, sink.location, {
    action: 'export',
    entity: 'study',
    entityId: study.id,
    studyId: study.id,
    after: { path: sink.location, sessionIds, container, video, includeDemographics, includeFreeText, shiftDates },
  });
  return {
    path: sink.location,
    container: request.container,
    sessions: total,
    files: written.length + 2,
    bytes: written.reduce((n, f) => n + f.bytes, 0),
  };
}
