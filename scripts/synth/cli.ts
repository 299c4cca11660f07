// Command line for the synthetic data generator:
//   node scripts/synth/cli.ts --out DIR [--count 12] [--seed 1] [--duration 20] [--fps 30] [--size 320x240]
//        [--bpm 60-150] [--codecs h264,mjpeg] [--crf 23] [--conditions still,drift,shake,light] [--faces a.png,b.jpg]
//   node scripts/synth/cli.ts --varied --out DIR [--count 100] [--seed 1] [--duration 20] [--size 640x480]
//        [--levelled] [--no-pulse-share 0.15] [--beat-shapes] (conditions drawn at random: weak pulses, compression,
//        motion, flicker, uneven light, no-pulse clips; --levelled draws each clip's conditions from one level: easy,
//        medium or hard; --beat-shapes gives each clip its own beat shape instead of the fixed one)
// Writes the clips, their ground truth (<clip>.hr.csv, <clip>.ppg.csv) and manifest.csv for `pulse-studio evaluate`.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CODECS, type Codec } from './encode.ts';
import { CONDITIONS, generateSet, writeSet } from './generate.ts';
import { variedSpecs } from './varied-set.ts';

const DEFAULT_FACES = ['astronaut.png', 'grace_hopper.jpg'].map((f) =>
  path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'faces', f),
);

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    count: { type: 'string', default: '12' },
    seed: { type: 'string', default: '1' },
    duration: { type: 'string', default: '20' },
    fps: { type: 'string', default: '30' },
    size: { type: 'string', default: '320x240' },
    bpm: { type: 'string', default: '60-150' },
    codecs: { type: 'string', default: 'h264,mjpeg' },
    crf: { type: 'string' },
    conditions: { type: 'string', default: Object.keys(CONDITIONS).join(',') },
    faces: { type: 'string' },
    varied: { type: 'boolean', default: false },
    levelled: { type: 'boolean', default: false },
    'no-pulse-share': { type: 'string', default: '0.15' },
    'beat-shapes': { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`synth: ${message}\n`);
  process.exit(2);
}

const num = (name: string, text: string): number => {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) fail(`--${name} must be a positive number, got "${text}"`);
  return v;
};

const share = (name: string, text: string): number => {
  const v = Number(text);
  if (!(v >= 0 && v <= 1)) fail(`--${name} must be a share between 0 and 1, got "${text}"`);
  return v;
};

if (!values.out) fail('--out DIR is required');
const [width, height] = values.size.split('x').map((v) => num('size', v));
const [lo, hi] = values.bpm.split('-').map((v) => num('bpm', v));
const codecs = values.codecs.split(',') as Codec[];
for (const c of codecs)
  if (!(CODECS as readonly string[]).includes(c)) fail(`unknown codec "${c}" (${CODECS.join(', ')})`);
const conditions = values.conditions.split(',');
for (const c of conditions)
  if (!(c in CONDITIONS)) fail(`unknown condition "${c}" (${Object.keys(CONDITIONS).join(', ')})`);

const outDir = path.resolve(values.out);
const faces = values.faces ? values.faces.split(',').map((f) => path.resolve(f)) : DEFAULT_FACES;
const onClip = (clip: { video: string; referenceBpm: number; spec: { pulseAmplitude?: number } }, i: number) =>
  process.stderr.write(
    `${i + 1}: ${path.basename(clip.video)} (${clip.spec.pulseAmplitude === 0 ? 'no pulse' : `${clip.referenceBpm.toFixed(1)} bpm`})\n`,
  );
const count = Math.round(num('count', values.count));
const seed = Math.round(num('seed', values.seed));
const durationS = num('duration', values.duration);
const { manifest } = values.varied
  ? await writeSet(
      variedSpecs({
        count,
        seed,
        faces,
        durationS,
        width: width!,
        height: height!,
        bpmRange: [lo!, hi ?? lo!],
        levelled: values.levelled,
        noPulseShare: share('no-pulse-share', values['no-pulse-share']),
        beatShapes: values['beat-shapes'],
      }),
      outDir,
      onClip,
      true,
    )
  : await generateSet({
      outDir,
      count,
      seed,
      durationS,
      fps: num('fps', values.fps),
      width: width!,
      height: height!,
      bpmRange: [lo!, hi ?? lo!],
      codecs,
      conditions,
      ...(values.crf ? { quality: { h264: num('crf', values.crf) } } : {}),
      faces,
      onClip,
    });
process.stdout.write(`${manifest}\n`);
