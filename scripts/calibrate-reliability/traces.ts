// What calibration needs of a clip, computed once with the bundled model and the app's own face pipeline and
// cached: frame times, crop colour, grid-cell colours, face and keyframe flags and the network's waveform.
import fs from 'node:fs';
import path from 'node:path';
import { analyzeVideo } from '../../main/video/analyze-video.ts';

export interface ClipTraces {
  t: Float64Array;
  rgb: { r: Float64Array; g: Float64Array; b: Float64Array };
  blocks: Float32Array;
  faceLost: Float64Array;
  keyframe: Uint8Array;
  sspd: { t: Float64Array; x: Float32Array };
}

const BUNDLED_MODEL = path.resolve(import.meta.dirname, '..', '..', 'models', 'sspd.onnx');

export async function clipTraces(video: string, cacheDir: string): Promise<ClipTraces> {
  const base = path.join(cacheDir, path.parse(video).name);
  if (!fs.existsSync(`${base}.json`)) {
    const a = await analyzeVideo(video, { roi: 'face', modelPath: BUNDLED_MODEL });
    if (!a.blocks || !a.sspd) throw new Error(`${video}: no crops or no network output`);
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(`${base}.blocks.f32`, a.blocks.values);
    fs.writeFileSync(
      `${base}.json`,
      JSON.stringify({
        t: Array.from(a.rgb.t),
        r: Array.from(a.rgb.r),
        g: Array.from(a.rgb.g),
        b: Array.from(a.rgb.b),
        faceLost: Array.from(a.faceLost),
        keyframe: Array.from(a.keyframe),
        sspdT: Array.from(a.sspd.t),
        sspdX: Array.from(a.sspd.x),
      }),
    );
  }
  const j = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as Record<string, number[]>;
  if (!j.keyframe) throw new Error(`${base}.json was cached before keyframes were read: delete the cache`);
  const raw = fs.readFileSync(`${base}.blocks.f32`);
  return {
    t: Float64Array.from(j.t!),
    rgb: { r: Float64Array.from(j.r!), g: Float64Array.from(j.g!), b: Float64Array.from(j.b!) },
    blocks: new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)),
    faceLost: Float64Array.from(j.faceLost!),
    keyframe: Uint8Array.from(j.keyframe),
    sspd: { t: Float64Array.from(j.sspdT!), x: Float32Array.from(j.sspdX!) },
  };
}
