// Room on the disk before a recording: the estimated need per minute against the free space, with a warning
// threshold (shown before Start) and a refusal threshold (Start is refused rather than the disk filling mid-way).
import fs from 'node:fs';
import { CROP_BYTES } from '../../common/capture.ts';

/** Lossless crops compress to about half on real skin (deltas of camera noise); the camera video is 2.5 Mbit/s. */
const CROP_SHARE_STORED = 0.5;
const VIDEO_BYTES_PER_S = 2_500_000 / 8;
/** Refused under this many minutes of recording, or this many bytes, whichever is more. */
export const REFUSE_MINUTES = 5;
const REFUSE_BYTES = 500 * 1024 ** 2;
/** Warned under this many minutes. */
export const WARN_MINUTES = 30;

export interface DiskSpace {
  freeBytes: number;
  bytesPerMinute: number;
  minutesLeft: number;
  level: 'ok' | 'low' | 'refuse';
  /** What the user reads when the level is not ok. */
  message: string | null;
}

export const bytesPerMinute = (fps: number): number =>
  Math.round((fps * CROP_BYTES * CROP_SHARE_STORED + VIDEO_BYTES_PER_S) * 60);

export function diskSpaceFor(freeBytes: number, fps = 30): DiskSpace {
  const perMinute = bytesPerMinute(fps);
  const minutesLeft = Math.floor(freeBytes / perMinute);
  const gb = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GB`;
  const need = Math.max(REFUSE_BYTES, REFUSE_MINUTES * perMinute);
  if (freeBytes < need) {
    return {
      freeBytes,
      bytesPerMinute: perMinute,
      minutesLeft,
      level: 'refuse',
      message: `Only ${gb(freeBytes)} free on the disk holding the data folder — about ${minutesLeft} minute(s) of recording. Free at least ${gb(need)} before recording.`,
    };
  }
  if (minutesLeft < WARN_MINUTES) {
    return {
      freeBytes,
      bytesPerMinute: perMinute,
      minutesLeft,
      level: 'low',
      message: `The disk holding the data folder has room for about ${minutesLeft} minutes of recording (${gb(freeBytes)} free).`,
    };
  }
  return { freeBytes, bytesPerMinute: perMinute, minutesLeft, level: 'ok', message: null };
}

/** Free bytes for this user on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const stat = fs.statfsSync(dir);
  return stat.bavail * stat.bsize;
}
