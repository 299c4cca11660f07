// Bench: frames per second of the offline `analyze` pipeline on a 60 s 640×480 30 fps H.264 clip, split by
// stage (decode, detect, crop, infer, signal), all measured in one run.
// Run: node_modules/.bin/node bench/analyze.ts [--model M.onnx] [--random-model]
//   --random-model exports a randomly initialised SSPD (needs Python with torch; only the timing matters).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeVideo, type StageTimings } from '../main/video/analyze-video.ts';
import { generateClip } from '../scripts/synth/generate.ts';

const { values } = parseArgs({
  options: { model: { type: 'string' }, 'random-model': { type: 'boolean', default: false } },
});
const FACE = path.resolve(import.meta.dirname, '..', '..', 'shared', 'faces', 'astronaut.png');
const CLIP = {
  name: 'bench-640x480-60s',
  face: FACE,
  bpm: 75,
  durationS: 60,
  fps: 30,
  width: 640,
  height: 480,
  encode: { codec: 'h264' as const, quality: 18 },
  seed: 1,
  motion: { driftPx: 8, shakePx: 1 },
};

async function benchClip(): Promise<string> {
  const dir = path.join(os.tmpdir(), 'pulse-studio-bench');
  const file = path.join(dir, `${CLIP.name}.mp4`);
  if (fs.existsSync(file)) return file;
  process.stderr.write('generating the 60 s 640×480 clip (once, cached in the temp folder)…\n');
  return (await generateClip(CLIP, dir)).video;
}

async function modelPath(): Promise<string | undefined> {
  if (values.model) return path.resolve(values.model);
  if (!values['random-model']) return undefined;
  const { exportSspd } = await import('../testing/dev-export.ts');
  return exportSspd({ randomSeed: 1 });
}

function report(
  label: string,
  frames: number,
  t: StageTimings,
  notes: Partial<Record<keyof StageTimings, string>>,
): void {
  process.stdout.write(
    `\n${label}: ${frames} frames in ${(t.total / 1000).toFixed(1)} s → ${((frames * 1000) / t.total).toFixed(1)} frames/s end to end\n`,
  );
  for (const stage of ['decode', 'detect', 'crop', 'infer', 'signal'] as const) {
    const ms = t[stage];
    const fps = ms > 0 ? ((frames * 1000) / ms).toFixed(0).padStart(7) : '      –';
    process.stdout.write(
      `  ${stage.padEnd(7)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${fps} frames/s  ${(ms / frames).toFixed(2).padStart(6)} ms/frame  ${notes[stage] ?? ''}\n`,
    );
  }
}

const file = await benchClip();
const model = await modelPath();
const notes = {
  detect: 'BlazeFace ONNX (1 ORT thread) + letterbox + decode, every frame',
  decode: 'ffmpeg (@ffmpeg-installer) decode + RGB pipe + frame times',
  infer: model ? 'SSPD in its worker thread, overlapping decode' : 'no model given (--model M or --random-model)',
};
// Crops as the network and the import path need them (the 151 → 128 SSPD resize of every frame).
const withCrops = await analyzeVideo(file, {
  roi: 'full',
  ...(model ? { modelPath: model, threads: 2 } : {}),
  onCrops: () => undefined,
});
report('analyze --roi full, 128×128 crops made', withCrops.frames, withCrops.timings, notes);
const meansOnly = await analyzeVideo(file, { roi: 'full' });
report(
  'analyze --roi full, classical methods only (means over the frame, no crops)',
  meansOnly.frames,
  meansOnly.timings,
  { ...notes, infer: 'none', detect: '--roi full' },
);
const face = await analyzeVideo(file, { roi: 'face', ...(model ? { modelPath: model, threads: 2 } : {}) });
report('analyze --roi face (the default): detect, smooth, SSPD crop every frame', face.frames, face.timings, notes);
const t = face.timings;
process.stdout.write(
  `
ratios, same run: --roi face / --roi full (crops) end to end ${(t.total / withCrops.timings.total).toFixed(2)}×; ` +
    `detect / decode ${(t.detect / t.decode).toFixed(2)}×; detect share of total ${((100 * t.detect) / t.total).toFixed(0)} %; ` +
    `face found in ${face.facesFound} of ${face.frames} frames (${face.facesHeld} held)\n`,
);
