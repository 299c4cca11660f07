// The files one session contributes to a researcher export: BIDS physio (waveform per method), and under
// derivatives/ the HR series, beats, markers, frame timestamps and a metadata JSON with full provenance.
import { RELIABILITY_OF } from '../../common/session-hr.ts';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { mediaSize } from '../crypto/media-io.ts';
import { VIDEO_FILE } from '../store/data-dir.ts';
import type { VideoChoice } from '../../common/reports.ts';
import type { Store } from '../store/index.ts';
import { ageAt } from '../../common/subjects.ts';
import { scrubJson, shiftIso, type DeidOptions } from './deidentify.ts';
import { bidsLabel } from './export-paths.ts';
import { frameRows, type SessionData } from './session-data.ts';
import { csv, json, num, tsv } from './tables.ts';
import { referenceEntries, referenceMetadata, stepEvents } from './reference-entries.ts';

export const BIDS_TASK = 'rppg';
export const DERIVATIVES = 'derivatives/pulse-studio';

/** In memory (tables) or on disk (video, blurred first when asked), placed at a relative '/'-separated path. */
export type ExportEntry = { path: string; data: Buffer } | { path: string; file: string; blur?: boolean };

export interface SessionFileContext {
  store: Store;
  deid: DeidOptions;
  shiftDays: number;
  video: VideoChoice;
  /** Folders that must not appear in any exported text. */
  hidden: readonly string[];
  appVersion: string;
}

const METHOD_TEXT: Record<string, string> = {
  sspd: 'SSPD network output (rPPG)',
  pos: 'POS, plane-orthogonal-to-skin (Wang et al. 2017)',
  chrom: 'CHROM (de Haan & Jeanne 2013)',
  green: 'green channel (Verkruysse et al. 2008)',
};

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** `sub-<label>_ses-<n>`, the prefix every file of the session carries. */
export const sessionPrefix = (d: SessionData): string => `sub-${bidsLabel(d.subject.code)}_ses-${d.ordinal}`;
export const sessionFolder = (d: SessionData): string => `sub-${bidsLabel(d.subject.code)}/ses-${d.ordinal}`;

function physio(d: SessionData, method: string, ctx: SessionFileContext): ExportEntry[] {
  const wave = d.waveforms[method]!;
  const base = `${sessionFolder(d)}/beh/${sessionPrefix(d)}_task-${BIDS_TASK}_recording-${method}_physio`;
  const rows = Array.from(wave.samples, (v) => [num(v)]);
  const sidecar = {
    SamplingFrequency: wave.fs,
    StartTime: wave.startS,
    Columns: ['cardiac'],
    cardiac: {
      Description: `Pulse waveform from the face video: ${METHOD_TEXT[method] ?? method}`,
      Units: 'arbitrary',
    },
    Manufacturer: 'Pulse Studio',
    SoftwareVersions: ctx.appVersion,
    RecordingDuration: wave.samples.length / wave.fs,
  };
  return [
    { path: `${base}.tsv.gz`, data: zlib.gzipSync(tsv(null, rows)) },
    { path: `${base}.json`, data: text(json(sidecar)) },
  ];
}

function metadata(d: SessionData, ctx: SessionFileContext): unknown {
  const { session, subject, analysis } = d;
  const shift = (iso: string | null) => (ctx.deid.shiftDates ? shiftIso(iso, ctx.shiftDays) : iso);
  const provenance = (a: NonNullable<SessionData['analysis']>) => ({
    version: a.version,
    createdAt: shift(a.createdAt),
    model: { id: a.modelId, sha256: a.modelSha256, executionProvider: a.executionProvider },
  });
  return scrubJson(
    {
      subject: {
        code: subject.code,
        ...(ctx.deid.includeDemographics
          ? { sex: subject.sex, skinType: subject.skinType, ageYears: ageAt(subject.birthYear, session.startedAt) }
          : {}),
      },
      session: {
        ordinal: d.ordinal,
        source: session.source,
        status: session.status,
        startedAt: shift(session.startedAt),
        endedAt: shift(session.endedAt),
        datesShifted: ctx.deid.shiftDates,
        durationS: session.durationS,
        frames: session.frameCount,
        nominalFps: session.fps,
        width: session.width,
        height: session.height,
        recordedWithAppVersion: session.appVersion,
        model: { id: session.modelId, sha256: session.modelSha256, executionProvider: session.executionProvider },
        ...(ctx.deid.includeFreeText ? { cameraLabel: session.cameraLabel, notes: session.notes } : {}),
      },
      analysis: analysis
        ? {
            ...provenance(analysis),
            primaryMethod: d.primary,
            hrStats: d.stats,
            params: analysis.params,
            summary: analysis.summary,
          }
        : null,
      analysisVersions: d.versions.map(provenance),
      hrv: d.hrv,
      beats: d.beats ? { count: d.beats.t.length, trusted: d.beats.ok.reduce((a, b) => a + b, 0) } : null,
      markers: d.markers.map((m) => ({ tS: m.tS, label: m.label })),
      ...referenceMetadata(ctx.store, session.id, ctx.deid.includeFreeText),
      exportedWith: { app: 'Pulse Studio', version: ctx.appVersion },
    },
    ctx.hidden,
    ctx.deid.includeFreeText,
  );
}

/**
 * Markers (instantaneous) and protocol steps (with their duration) as BIDS events, onsets in s from the first frame.
 */
function events(d: SessionData, ctx: SessionFileContext): ExportEntry[] {
  const rows = [...d.markers.map((m) => [num(m.tS), 0, m.label] as const), ...stepEvents(ctx.store, d.session.id)].sort(
    (a, b) => Number(a[0]) - Number(b[0]),
  );
  if (rows.length === 0) return [];
  const base = `${sessionFolder(d)}/beh/${sessionPrefix(d)}_task-${BIDS_TASK}_events`;
  const sidecar = {
    trial_type: {
      Description:
        'Marker label entered during the recording, or "step: <n>. <name>" for a protocol step (its duration in seconds)',
    },
  };
  return [
    { path: `${base}.tsv`, data: text(tsv(['onset', 'duration', 'trial_type'], rows)) },
    { path: `${base}.json`, data: text(json(sidecar)) },
  ];
}

/** Every file of one session, in the order they are written. */
export function sessionEntries(d: SessionData, ctx: SessionFileContext): ExportEntry[] {
  const out = `${DERIVATIVES}/${sessionFolder(d)}/${sessionPrefix(d)}`;
  const entries: ExportEntry[] = [
    ...Object.keys(d.waveforms).flatMap((method) => physio(d, method, ctx)),
    ...events(d, ctx),
  ];
  // The primary method's rows carry the reliability decision (reliable / caution / none, its calibrated confidence
  // and plain-word reasons); the classical methods' own rows are graded on their SNR alone.
  const series = Object.entries(d.series).flatMap(([method, points]) =>
    points.map((p) => [
      num(p.tS),
      method,
      num(p.bpm),
      num(p.snrDb, 4),
      RELIABILITY_OF[p.quality],
      num(p.confidence, 4),
      p.reasons,
    ]),
  );
  entries.push({
    path: `${out}_hr.csv`,
    data: text(csv(['t_s', 'method', 'bpm', 'snr_db', 'reliability', 'confidence', 'reasons'], series)),
  });
  for (const [method, wave] of Object.entries(d.waveforms)) {
    const rows = Array.from(wave.samples, (v, i) => [num(wave.startS + i / wave.fs, 8), num(v)]);
    entries.push({ path: `${out}_waveform-${method}.csv`, data: text(csv(['t_s', method], rows)) });
  }
  const beats = d.beats ? Array.from(d.beats.t, (t, i) => [num(t, 8), d.beats!.ok[i]]) : [];
  entries.push({ path: `${out}_beats.csv`, data: text(csv(['t_s', 'trusted'], beats)) });
  entries.push({
    path: `${out}_markers.csv`,
    data: text(
      csv(
        ['t_s', 'label'],
        d.markers.map((m) => [num(m.tS), m.label]),
      ),
    ),
  });
  const frames = Array.from(frameRows(ctx.store, d.session.id), (f) => [f.idx, num(f.tS, 9), f.faceFound]);
  entries.push({ path: `${out}_frames.csv`, data: text(csv(['index', 't_s', 'face_found'], frames)) });
  entries.push(...referenceEntries(ctx.store, d.session.id, out, ctx.deid.includeFreeText));
  entries.push({ path: `${out}_session.json`, data: text(json(metadata(d, ctx))) });
  const video = path.join(ctx.store.sessionDir(d.subject.id, d.session.id), VIDEO_FILE);
  if (ctx.video !== 'omit' && fs.existsSync(video) && mediaSize(video, ctx.store.mediaKey) > 0) {
    const name = `${sessionPrefix(d)}_video${ctx.video === 'blur' ? '-blurred' : ''}.webm`;
    entries.push({ path: `sourcedata/${sessionFolder(d)}/${name}`, file: video, blur: ctx.video === 'blur' });
  }
  return entries;
}
