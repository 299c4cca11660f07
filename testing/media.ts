// Test media made on the spot with the shipped ffmpeg: short synthetic clips and deliberately bad files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ffmpegPath } from '../main/video/ffmpeg.ts';
import { SHARED_DIR } from './dev-export.ts';

export const SHARED = SHARED_DIR;
export const FACES = [path.join(SHARED, 'faces', 'astronaut.png'), path.join(SHARED, 'faces', 'grace_hopper.jpg')];
export const SKIN_PATCHES = path.join(SHARED, 'clips', 'skin-patches');
export const sharedAvailable = (): boolean => FACES.every((f) => fs.existsSync(f));

/**
 * Writes an evaluate manifest of the skin-patch clips (labels.csv: file, oximeter HR, fps, duration) into `dir`;
 * `maxDurationS` keeps only the shorter clips. Returns the manifest and how many clips it holds.
 */
export function skinPatchManifest(dir: string, maxDurationS = Infinity): { manifest: string; clips: number } {
  const rows = fs
    .readFileSync(path.join(SKIN_PATCHES, 'labels.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const chosen = rows.filter((r) => Number(r[3]) <= maxDurationS);
  const manifest = path.join(dir, 'manifest.csv');
  fs.writeFileSync(
    manifest,
    ['video,reference', ...chosen.map(([file, hr]) => `${path.join(SKIN_PATCHES, file!)},${hr}`)].join('\n') + '\n',
  );
  return { manifest, clips: chosen.length };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pulse-studio-${prefix}-`));
}

export function ffmpeg(args: string[]): void {
  execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** The files a user might hand us by mistake, keyed by what is wrong with them. */
export function badInputs(dir: string): { missing: string; empty: string; audioOnly: string; notVideo: string } {
  const empty = path.join(dir, 'empty.mp4');
  fs.writeFileSync(empty, '');
  const audioOnly = path.join(dir, 'tone.m4a');
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', audioOnly]);
  const notVideo = path.join(dir, 'notes.mp4');
  fs.writeFileSync(notVideo, 'this is not a video\n'.repeat(100));
  return { missing: path.join(dir, 'missing.mp4'), empty, audioOnly, notVideo };
}

/** A video with no face and no pulse: grey noise. */
export function noiseVideo(file: string, seconds = 4): string {
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `nullsrc=s=160x120:r=30:d=${seconds},geq=random(1)*255:128:128`,
    '-c:v',
    'mjpeg',
    '-q:v',
    '5',
    file,
  ]);
  return file;
}

/** A VP8 WebM written as MediaRecorder writes it (a live stream: no cues, no duration): a moving test pattern. */
export function webmVideo(file: string, seconds = 2): string {
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x120:rate=30:duration=${seconds}`,
    '-c:v',
    'libvpx',
    '-b:v',
    '200k',
    '-g',
    '30',
    '-f',
    'webm',
    '-live',
    '1',
    file,
  ]);
  return file;
}
