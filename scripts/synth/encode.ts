// Writes raw RGB frames through ffmpeg into the containers and codecs the benchmarks need.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ffmpegPath } from '../../main/video/ffmpeg.ts';

export const CODECS = ['h264', 'mjpeg', 'mpeg4', 'lossless', 'y4m'] as const;
export type Codec = (typeof CODECS)[number];

export const EXTENSION: Record<Codec, string> = {
  h264: '.mp4',
  mjpeg: '.avi',
  mpeg4: '.avi',
  lossless: '.mkv',
  y4m: '.y4m',
};

export interface EncodeSpec {
  codec: Codec;
  /** h264: CRF (0–51, 23 is x264's default); mjpeg/mpeg4: qscale (2–31). Ignored for lossless and y4m. */
  quality?: number;
  /** h264: x264 preset (default veryfast) and the longest keyframe interval in frames (default x264's 250). */
  preset?: 'veryfast' | 'medium';
  keyint?: number;
  /**
   * Share of frames dropped at random (deterministic: ffmpeg's own seeded random()), keeping the others'
   * timestamps: a variable-frame-rate file like a phone's. Not for y4m, which is constant-rate by format.
   */
  dropShare?: number;
}

function codecArgs(spec: EncodeSpec): string[] {
  switch (spec.codec) {
    case 'h264':
      return [
        '-c:v',
        'libx264',
        '-preset',
        spec.preset ?? 'veryfast',
        ...(spec.keyint ? ['-g', String(spec.keyint)] : []),
        '-crf',
        String(spec.quality ?? 23),
        '-pix_fmt',
        'yuv420p',
      ];
    case 'mjpeg':
      return ['-c:v', 'mjpeg', '-q:v', String(spec.quality ?? 5), '-pix_fmt', 'yuvj420p'];
    case 'mpeg4':
      return ['-c:v', 'mpeg4', '-q:v', String(spec.quality ?? 5), '-pix_fmt', 'yuv420p'];
    case 'lossless':
      return ['-c:v', 'ffv1', '-pix_fmt', 'bgr0'];
    case 'y4m':
      return ['-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe'];
  }
}

export interface FrameSink {
  write(rgb: Uint8Array): Promise<void>;
  /** Waits for ffmpeg to finish the file; rejects with its message when it failed. */
  end(): Promise<void>;
}

export function openEncoder(file: string, width: number, height: number, fps: number, spec: EncodeSpec): FrameSink {
  const drop = spec.dropShare ?? 0;
  if (drop > 0 && spec.codec === 'y4m') throw new RangeError('y4m is constant-frame-rate: it cannot drop frames');
  // `random(0)` starts from a fixed state, so the same frames drop on every run.
  const filter = drop > 0 ? ['-vf', `select=gte(random(0)\\,${drop})`, '-vsync', 'vfr'] : [];
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${width}x${height}`,
    '-r',
    String(fps),
    '-i',
    'pipe:0',
    ...filter,
    ...codecArgs(spec),
    file,
  ];
  const proc = spawn(ffmpegPath(), args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (text: string) => (stderr += text));
  const closed = new Promise<number | null>((resolve, reject) => {
    proc.on('close', resolve);
    proc.on('error', reject);
  });
  // A write after ffmpeg died raises EPIPE on the pipe: the exit code and message say why.
  proc.stdin.on('error', () => undefined);
  const failed = async (): Promise<never> => {
    const code = await closed;
    throw new Error(`ffmpeg could not write ${file} (code ${code}): ${stderr.trim()}`);
  };
  return {
    async write(rgb) {
      if (proc.exitCode !== null) await failed();
      // A copy: the stream may hold the chunk until later, while the caller draws the next frame into it.
      if (!proc.stdin.write(Buffer.from(rgb))) await Promise.race([once(proc.stdin, 'drain'), closed]);
    },
    async end() {
      proc.stdin.end();
      if ((await closed) !== 0) await failed();
    },
  };
}
