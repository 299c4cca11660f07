// Blurs a session video for export with the bundled ffmpeg: the whole frame, strongly enough that a face
// cannot be recognised, re-encoded as VP8 WebM (fast "realtime" settings: exports should not take hours).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import { ffmpegPath } from '../analysis/ffmpeg.ts';

/** Box-blur radius as a share of the shorter frame side, applied three times (close to a Gaussian). */
const BLUR_SHARE = 0.05;
const BLUR_FILTER = `boxblur=luma_radius='min(w,h)*${BLUR_SHARE}':luma_power=3:chroma_radius='min(cw,ch)*${BLUR_SHARE}':chroma_power=3`;

/** Writes a blurred copy of `video` to a new temporary file and returns its path; the caller removes it. */
export async function blurredCopy(video: string, signal?: AbortSignal): Promise<{ file: string; remove: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-blur-'));
  const file = path.join(dir, 'blurred.webm');
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', video, '-map', '0:v:0', '-an', '-vf', BLUR_FILTER,
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M', '-f', 'webm', file];
  try {
    await new Promise<void>((resolve, reject) =>
      execFile(ffmpegPath(), args, { signal, maxBuffer: 1 << 20 }, (error, _stdout, stderr) =>
        error ? reject(signal?.aborted ? error : new AppError('internal', `Could not blur the video ${path.basename(video)}: ${String(stderr).trim().split('\n').at(-1) || error.message}`)) : resolve()),
    );
    return { file, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
