// Synthetic station data for the study-database tests and bench: subjects and finished sessions with frame
// indexes, an analysis (HR series and a waveform), markers and a media file with its SHA-256, written through
// the store's own repositories into a real data folder; contact references; and face-crop files whose skin pulses
// at a known rate.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { subjectFields } from '../../common/subjects.ts';
import { sessionHr } from '../../common/session-hr.ts';
import { sealSessionMedia } from '../../main/media/media-checksums.ts';
import { ROI_FILE, VIDEO_FILE } from '../../main/store/data-dir.ts';
import { RoiWriter } from '../../main/media/roi-file.ts';
import { CROP_BYTES, CROP_SIZE } from '../../common/capture.ts';
import { openAppender } from '../../main/crypto/media-io.ts';
import type { Store } from '../../main/store/index.ts';
import { importReference } from '../../main/references/reference-import.ts';
import { referenceImport } from '../../common/references.ts';

export interface StationFill {
  study: string;
  /** Subject codes are `${prefix}-${k}`. */
  prefix: string;
  subjects: number;
  sessionsPerSubject: number;
  framesPerSession: number;
  /** Bytes of the session's video file (random content); 0: no media. */
  mediaBytes: number;
}

/** Fills the store; returns the ids of the sessions made. */
export async function fillStation(store: Store, fill: StationFill): Promise<number[]> {
  const study =
    store.studies.list().find((s) => s.name === fill.study) ??
    store.studies.create({ name: fill.study, description: '', contact: '' });
  const sessions: number[] = [];
  for (let k = 1; k <= fill.subjects; k++) {
    const subject = store.subjects.create(
      study.id,
      subjectFields.parse({
        code: `${fill.prefix}-${k}`,
        birthYear: 1940 + (k % 60),
        consentDate: '2026-01-05',
        consentVersion: 'v2',
      }),
    );
    for (let s = 0; s < fill.sessionsPerSubject; s++) {
      const session = store.sessions.create(
        { subjectId: subject.id, cameraLabel: null, width: 640, height: 480, fps: 30, notes: '' },
        { source: 'camera', appVersion: 'synthetic' },
      );
      const t0 = Date.UTC(2026, 0, 5, 9) + s * 3_600_000;
      const times = Float64Array.from({ length: fill.framesPerSession }, (_, i) => t0 + (i * 1000) / 30);
      store.sessions.appendFrames(session.id, 0, times, new Uint8Array(fill.framesPerSession).fill(1));
      store.sessions.addMarker(session.id, 1.5, 'baseline');
      const seconds = fill.framesPerSession / 30;
      store.analyses.add(session.id, {
        params: {
          source: 'recording',
          roi: 'face',
          signal: { hrBandHz: [0.7, 3.5], windowS: 10 },
          settings: null,
          inference: null,
        },
        summary: {
          primary: 'pos',
          hr: { ...sessionHr([]), reason: 'synthetic' },
          checkHr: null,
          quality: null,
          warnings: [],
          hrv: null,
          video: null,
        },
        hrSeries: {
          pos: Array.from({ length: Math.max(1, Math.floor(seconds)) }, (_, i) => ({
            tS: i,
            bpm: 70 + (i % 5),
            snrDb: 6,
            quality: 'good' as const,
            reasons: '',
            confidence: 0.9,
          })),
        },
        waveforms: {
          pos: {
            startS: 0,
            fs: 30,
            samples: Float32Array.from({ length: fill.framesPerSession }, (_, i) => Math.sin(i / 5)),
          },
        },
      });
      if (fill.mediaBytes > 0) {
        const dir = store.sessionDir(subject.id, session.id);
        fs.mkdirSync(dir, { recursive: true });
        const video = openAppender(path.join(dir, VIDEO_FILE), store.mediaKey, 'data');
        video.append(crypto.randomBytes(fill.mediaBytes));
        video.close();
        await sealSessionMedia(store, session.id);
      }
      store.sessions.finish(session.id, 'complete', new Date(t0 + seconds * 1000).toISOString());
      sessions.push(session.id);
    }
  }
  return sessions;
}

/** Gives each session a 30 s contact reference at 1 Hz near its synthetic HR series, so agreement has pairs. */
export function addContactReferences(store: Store, sessionIds: readonly number[]): void {
  for (const [k, sessionId] of sessionIds.entries()) {
    const rows = ['time,bpm', ...Array.from({ length: 30 }, (_, s) => `${s},${(71 + k + (s % 3)).toFixed(1)}`)];
    importReference(
      store,
      referenceImport.parse({
        sessionId,
        fileName: 'hr.csv',
        bytes: new TextEncoder().encode(rows.join('\n')),
        offsetS: 0,
      }),
    );
  }
}

/** One 5 s chunk at 30 frames/s: at 72 bpm it holds exactly 6 beats, so repeating it keeps the pulse seamless. */
const CHUNK_FRAMES = 150;
const FPS = 30;
const PULSE_BPM = 72;

/** Skin colour with blood volume's relative depths (de Haan & van Leest 2014) and a little pixel noise. */
function pulsingCrops(): { times: Float64Array; faces: Uint8Array; crops: Uint8Array } {
  const crops = new Uint8Array(CHUNK_FRAMES * CROP_BYTES);
  let seed = 12345;
  for (let k = 0; k < CHUNK_FRAMES; k++) {
    const pulse = Math.sin((2 * Math.PI * PULSE_BPM * k) / (60 * FPS));
    const rgb = [180 * (1 + 0.0089 * pulse), 120 * (1 + 0.0208 * pulse), 100 * (1 + 0.0143 * pulse)];
    for (let p = 0; p < CROP_BYTES; p++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      crops[k * CROP_BYTES + p] = Math.round(rgb[p % 3]! + ((seed >>> 24) / 255 - 0.5) * 6);
    }
  }
  return {
    times: Float64Array.from({ length: CHUNK_FRAMES }, (_, k) => Date.UTC(2026, 0, 5) + (k * 1000) / FPS),
    faces: new Uint8Array(CHUNK_FRAMES).fill(1),
    crops,
  };
}

/** Gives the session a crop file of `seconds` (a multiple of 5) pulsing at 72 bpm, with its SHA-256. */
export async function writeSessionCrops(store: Store, sessionId: number, seconds: number): Promise<void> {
  const dir = store.sessionDir(store.sessions.get(sessionId).subjectId, sessionId);
  fs.mkdirSync(dir, { recursive: true });
  const chunk = pulsingCrops();
  const writer = new RoiWriter(
    path.join(dir, ROI_FILE),
    { width: CROP_SIZE, height: CROP_SIZE, channels: 3 },
    store.mediaKey,
  );
  for (let first = 0; first < seconds * FPS; first += CHUNK_FRAMES) {
    writer.append(
      chunk.times.map((t) => t + (first / FPS) * 1000),
      chunk.faces,
      chunk.crops,
    );
  }
  writer.close();
  await sealSessionMedia(store, sessionId);
}
