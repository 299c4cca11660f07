// Synthetic benchmark clips: a public-domain face photo whose skin pulses at a known, slightly varying heart
// rate, with motion, lighting change, noise and compression; plus the ground truth and a manifest for
// `pulse-studio evaluate`. Deterministic: the same spec and seed give the same frames.
import fs from 'node:fs';
import path from 'node:path';
import { openVideo } from '../../main/video/decode-video.ts';
import { seeded } from './seeded-random.ts';
import { openEncoder, EXTENSION, type Codec, type EncodeSpec } from './encode.ts';
import { FaceScene, type LightingSpec, type MotionSpec, type Photo, type SubjectSpec } from './face-scene.ts';
import { pulseTrack, type BeatShape, type PulseTrack } from './pulse-signal.ts';

export interface ClipSpec {
  /** File name without extension. */
  name: string;
  /** A face photo (png/jpg). */
  face: string;
  bpm: number;
  /** Relative HR variability (default 0.03: ±3 %). */
  hrv?: number;
  /** The beat's shape (default pulse-signal.ts BEAT_SHAPE). */
  beat?: BeatShape;
  durationS: number;
  fps: number;
  width: number;
  height: number;
  /** Peak-to-peak relative green modulation on skin (default 0.01). */
  pulseAmplitude?: number;
  motion?: Partial<MotionSpec>;
  lighting?: Partial<LightingSpec>;
  /** Sensor noise σ in 8-bit levels (default 2). */
  noiseSigma?: number;
  /** Mirroring, skin tone and backdrop (default: the photo as it is on a flat grey surround). */
  subject?: Partial<SubjectSpec>;
  encode: EncodeSpec;
  seed: number;
}

export interface GeneratedClip {
  spec: ClipSpec;
  video: string;
  /** Mean HR over the clip, the manifest's reference. */
  referenceBpm: number;
  /** `time_s,bpm`: the instantaneous HR every 0.5 s. */
  hrCsv: string;
  /** `time_s,ppg`: the pulse that modulated the skin, one sample per frame time. */
  ppgCsv: string;
  frames: number;
}

const NO_MOTION: MotionSpec = { driftPx: 0, shakePx: 0, rotateDeg: 0, zoom: 0 };
const STEADY_LIGHT: LightingSpec = { driftShare: 0, flickerShare: 0, flickerHz: 0 };
const HR_STEP_S = 0.5;

export async function loadPhoto(file: string): Promise<Photo> {
  const stream = openVideo(file);
  const { width, height } = await stream.info;
  for await (const frame of stream.frames()) {
    stream.close();
    return { width, height, rgb: frame.rgb };
  }
  throw new Error(`${file} holds no image`);
}

const photoCache = new Map<string, Promise<Photo>>();

/** The clip of `spec` already in `outDir` (its truth files are written last, so they mark a finished clip), or null. */
const pulseOf = (spec: ClipSpec): PulseTrack =>
  pulseTrack(
    { bpm: spec.bpm, hrv: spec.hrv ?? 0.03, seed: spec.seed, ...(spec.beat ? { shape: spec.beat } : {}) },
    spec.durationS,
  );

function finishedClip(spec: ClipSpec, outDir: string): GeneratedClip | null {
  const video = path.join(outDir, spec.name + EXTENSION[spec.encode.codec]);
  const hrCsv = path.join(outDir, `${spec.name}.hr.csv`);
  const ppgCsv = path.join(outDir, `${spec.name}.ppg.csv`);
  if (![video, hrCsv, ppgCsv].every((f) => fs.existsSync(f))) return null;
  const pulse = pulseOf(spec);
  return {
    spec,
    video,
    referenceBpm: pulse.meanBpm(spec.durationS),
    hrCsv,
    ppgCsv,
    frames: Math.round(spec.durationS * spec.fps),
  };
}

/** Renders and encodes one clip with its truth files; with `resume`, a clip already finished in `outDir` is kept. */
export async function generateClip(spec: ClipSpec, outDir: string, resume = false): Promise<GeneratedClip> {
  const done = resume ? finishedClip(spec, outDir) : null;
  if (done) return done;
  fs.mkdirSync(outDir, { recursive: true });
  if (!photoCache.has(spec.face)) photoCache.set(spec.face, loadPhoto(spec.face));
  const photo = await photoCache.get(spec.face)!;
  const pulse = pulseOf(spec);
  const scene = new FaceScene(
    photo,
    {
      width: spec.width,
      height: spec.height,
      pulseAmplitude: spec.pulseAmplitude ?? 0.01,
      motion: { ...NO_MOTION, ...spec.motion },
      lighting: { ...STEADY_LIGHT, ...spec.lighting },
      noiseSigma: spec.noiseSigma ?? 2,
      seed: spec.seed,
      ...(spec.subject ? { subject: spec.subject } : {}),
    },
    pulse,
  );
  const video = path.join(outDir, spec.name + EXTENSION[spec.encode.codec]);
  const sink = openEncoder(video, spec.width, spec.height, spec.fps, spec.encode);
  const frames = Math.round(spec.durationS * spec.fps);
  const ppg = ['time_s,ppg'];
  const frame = new Uint8Array(spec.width * spec.height * 3);
  for (let i = 0; i < frames; i++) {
    const t = i / spec.fps;
    scene.render(t, frame);
    await sink.write(frame);
    ppg.push(`${t.toFixed(4)},${pulse.pulseAt(t).toFixed(5)}`);
  }
  await sink.end();
  const hr = ['time_s,bpm'];
  for (let t = 0; t <= spec.durationS + 1e-9; t += HR_STEP_S) hr.push(`${t.toFixed(2)},${pulse.bpmAt(t).toFixed(3)}`);
  const hrCsv = path.join(outDir, `${spec.name}.hr.csv`);
  const ppgCsv = path.join(outDir, `${spec.name}.ppg.csv`);
  fs.writeFileSync(hrCsv, hr.join('\n') + '\n');
  fs.writeFileSync(ppgCsv, ppg.join('\n') + '\n');
  return { spec, video, referenceBpm: pulse.meanBpm(spec.durationS), hrCsv, ppgCsv, frames };
}

/** The recording conditions a set cycles through; every one keeps the face in frame. */
export const CONDITIONS: Record<string, Pick<ClipSpec, 'motion' | 'lighting' | 'noiseSigma'>> = {
  still: {},
  drift: { motion: { driftPx: 12, rotateDeg: 2, zoom: 0.03 } },
  shake: { motion: { driftPx: 6, shakePx: 1.5, rotateDeg: 1 } },
  light: { lighting: { driftShare: 0.08, flickerShare: 0.01, flickerHz: 4.7 }, noiseSigma: 3 },
};

export interface SetOptions {
  outDir: string;
  count: number;
  faces: string[];
  seed?: number;
  bpmRange?: readonly [number, number];
  durationS?: number;
  fps?: number;
  width?: number;
  height?: number;
  codecs?: readonly Codec[];
  /** Quality setting per codec (see EncodeSpec.quality). */
  quality?: Partial<Record<Codec, number>>;
  conditions?: readonly string[];
  pulseAmplitude?: number;
  /** Sensor noise σ for every clip (default: the condition's, else 2). */
  noiseSigma?: number;
  onClip?: (clip: GeneratedClip, index: number) => void;
}

/** Clip specs of a set: HRs spread evenly over the range (with a little jitter), conditions and codecs cycled. */
export function setSpecs(o: SetOptions): ClipSpec[] {
  const [lo, hi] = o.bpmRange ?? [60, 150];
  const rnd = seeded(o.seed ?? 1);
  const codecs = o.codecs ?? ['h264', 'mjpeg'];
  const conditions = o.conditions ?? Object.keys(CONDITIONS);
  return Array.from({ length: o.count }, (_, i) => {
    const condition = conditions[i % conditions.length]!;
    const codec = codecs[Math.floor(i / conditions.length) % codecs.length]!;
    const step = o.count > 1 ? (hi - lo) / (o.count - 1) : 0;
    const bpm = Math.min(hi, Math.max(lo, lo + step * i + (rnd.uniform() - 0.5) * step * 0.5));
    const face = o.faces[i % o.faces.length]!;
    return {
      name: `synth-${String(i + 1).padStart(2, '0')}-${path.parse(face).name}-${condition}-${codec}-${Math.round(bpm)}bpm`,
      face,
      bpm,
      durationS: o.durationS ?? 20,
      fps: o.fps ?? 30,
      width: o.width ?? 320,
      height: o.height ?? 240,
      ...(o.pulseAmplitude === undefined ? {} : { pulseAmplitude: o.pulseAmplitude }),
      ...CONDITIONS[condition],
      ...(o.noiseSigma === undefined ? {} : { noiseSigma: o.noiseSigma }),
      encode: { codec, ...(o.quality?.[codec] === undefined ? {} : { quality: o.quality[codec] }) },
      seed: (o.seed ?? 1) * 1000 + i,
    };
  });
}

/** Generates the set and writes `manifest.csv` (`video,reference,truth`, paths relative to it); returns its path. */
export async function generateSet(o: SetOptions): Promise<{ manifest: string; clips: GeneratedClip[] }> {
  return writeSet(setSpecs(o), o.outDir, o.onClip);
}

/**
 * Generates the clips of `specs` into `outDir` (keeping finished ones with `resume`) with `manifest.csv`: the video,
 * its mean HR (`none` for a clip with
 * no pulse: the right answer there is "no reliable heart rate"), and the HR over time as the per-window truth.
 */
export async function writeSet(
  specs: readonly ClipSpec[],
  outDir: string,
  onClip?: (clip: GeneratedClip, index: number) => void,
  resume = false,
): Promise<{ manifest: string; clips: GeneratedClip[] }> {
  const clips: GeneratedClip[] = [];
  for (const [i, spec] of specs.entries()) {
    const clip = await generateClip(spec, outDir, resume);
    clips.push(clip);
    onClip?.(clip, i);
  }
  const manifest = path.join(outDir, 'manifest.csv');
  const rows = clips.map((c) => {
    const pulse = (c.spec.pulseAmplitude ?? 1) > 0;
    return [
      path.relative(outDir, c.video),
      pulse ? c.referenceBpm.toFixed(2) : 'none',
      pulse ? path.relative(outDir, c.hrCsv) : '',
    ].join(',');
  });
  fs.writeFileSync(manifest, ['video,reference,truth', ...rows].join('\n') + '\n');
  fs.writeFileSync(
    path.join(outDir, 'clips.json'),
    JSON.stringify(
      clips.map((c) => ({ ...c, video: path.relative(outDir, c.video) })),
      null,
      1,
    ),
  );
  return { manifest, clips };
}
