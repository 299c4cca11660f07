// Finds the ffmpeg binary that the @ffmpeg-installer npm packages ship for this platform (never a system one
// by default), so decoding works the same on every machine the app or the CLI runs on.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { AnalysisError } from './errors.ts';

/** Points the app at another ffmpeg (e.g. a build with more codecs); used as is, unchecked. */
export const FFMPEG_ENV = 'PULSE_STUDIO_FFMPEG';

let cached: string | null = null;

export function ffmpegPath(env = process.env): string {
  const override = env[FFMPEG_ENV]?.trim();
  if (override) return override;
  if (cached) return cached;
  let found: string;
  try {
    found = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch (error) {
    // The package throws a bare string when no binary exists for this platform.
    throw new AnalysisError(
      'no-ffmpeg',
      `No ffmpeg binary for ${process.platform}-${process.arch}: ${String(error)}. Set ${FFMPEG_ENV} to an ffmpeg executable.`,
    );
  }
  // Inside a packaged app the binary lies beside the archive, not in it (electron-builder asarUnpack).
  const unpacked = found.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  cached = fs.existsSync(unpacked) ? unpacked : found;
  return cached;
}
