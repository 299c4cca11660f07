// A session video as an export reads it: decrypted (encrypted folder) and blurred with the bundled ffmpeg — the
// whole frame, strongly enough that a face cannot be recognised, re-encoded as VP8 WebM (fast "realtime" settings:
// exports should not take hours). Temporary copies live in the data folder's work folder, cleared at next start.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../common/ipc/result.ts';
import { isSealedFile } from '../crypto/sealed-file.ts';
import { mediaStream, type MediaKey } from '../crypto/media-io.ts';
import { ffmpegPath } from '../video/ffmpeg.ts';
import { execTied } from '../jobs/tied-child.ts';
import { workFolder } from '../store/work-folder.ts';

/** Box-blur radius as a share of the shorter frame side, applied three times (close to a Gaussian). */
const BLUR_SHARE = 0.05;
const BLUR_FILTER = `boxblur=luma_radius='min(w,h)*${BLUR_SHARE}':luma_power=3:chroma_radius='min(cw,ch)*${BLUR_SHARE}':chroma_power=3`;

/**
 * The video as a plain file: itself when it is not encrypted, else a decrypted copy in a new work folder (every
 * piece authenticated on the way) that `remove` deletes.
 */
export async function readableCopy(
  video: string,
  key: MediaKey,
  dataDir: string,
): Promise<{ file: string; remove: () => void }> {
  if (!isSealedFile(video)) return { file: video, remove: () => undefined };
  const { dir, remove } = workFolder(dataDir, 'video');
  const file = path.join(dir, path.basename(video));
  try {
    await pipeline(mediaStream(video, key), fs.createWriteStream(file, { flags: 'wx' }));
    return { file, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/**
 * Writes a blurred copy of `video` into a new work folder of the data folder and returns its path; the caller
 * removes it. ffmpeg ends with the app (tied child), and a killed run's folder is cleared at the next start.
 */
export async function blurredCopy(
  video: string,
  dataDir: string,
  signal?: AbortSignal,
): Promise<{ file: string; remove: () => void }> {
  const { dir, remove } = workFolder(dataDir, 'blur');
  const file = path.join(dir, 'blurred.webm');
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-i',
    video,
    '-map',
    '0:v:0',
    '-an',
    '-vf',
    BLUR_FILTER,
    '-c:v',
    'libvpx',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-b:v',
    '1M',
    '-f',
    'webm',
    file,
  ];
  try {
    await execTied(ffmpegPath(), args, { signal }).catch((error: Error) => {
      throw signal?.aborted
        ? error
        : new AppError('internal', `Could not blur the video ${path.basename(video)}: ${error.message}`);
    });
    return { file, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
