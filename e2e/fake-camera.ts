// Test subjects for Chromium's fake camera: a public-domain face photo whose colour pulses at a known
// heart rate, written as a seamless y4m loop (a whole number of beats), optionally with slow head motion.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import config from '../playwright.config.ts';

export const FACE_PHOTO = path.resolve('..', 'shared', 'faces', 'astronaut.png');

export interface PulsingFace {
  bpm: number;
  /** Loop length; chosen so the loop holds whole beats. */
  seconds: number;
  /** Slow sideways head drift, pixels of amplitude (0: still). */
  motionPx?: number;
}

/** Writes (once, cached by parameters) the y4m for a pulsing face and returns its path. */
export function pulsingFaceY4m(dir: string, { bpm, seconds, motionPx = 0 }: PulsingFace): string {
  const beats = (bpm / 60) * seconds;
  if (Math.abs(beats - Math.round(beats)) > 1e-6)
    throw new Error(`${seconds} s at ${bpm} bpm is not a whole number of beats`);
  const file = path.join(dir, `face-${bpm}bpm-${seconds}s-motion${motionPx}.y4m`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const f = bpm / 60;
  // Blood volume changes absorb green most: skin's colour signature (∝ [0.33, 0.77, 0.53], de Haan & van
  // Leest 2014), a few grey levels deep.
  const pulse = (depth: number, c: string) => `${c}(X,Y)*(1+${depth}*sin(2*PI*${f}*T))`;
  // A drift period that divides the loop keeps the loop seamless.
  const drift = motionPx ? `crop=640:480:x='${motionPx}+${motionPx}*sin(2*PI*t/${seconds})':y=${motionPx}` : 'null';
  const pad = motionPx * 2;
  execFileSync('ffmpeg', [
    // The photo read at 30 frames/s: read at ffmpeg's default 25 and written at 30, one frame in six was a
    // repeat, so the pulse's samples came at uneven times (the app rightly doubted what it saw).
    '-v',
    'error',
    '-y',
    '-loop',
    '1',
    '-framerate',
    '30',
    '-i',
    FACE_PHOTO,
    '-t',
    String(seconds),
    '-r',
    '30',
    '-vf',
    [
      `scale=${640 + pad}:${480 + pad}`,
      drift,
      'format=rgb24',
      `geq=r='${pulse(0.0094, 'r')}':g='${pulse(0.022, 'g')}':b='${pulse(0.0151, 'b')}'`,
      'format=yuv420p',
    ].join(','),
    '-f',
    'yuv4mpegpipe',
    file,
  ]);
  return file;
}

/** Chromium launch options that play `y4m` as the camera, on top of the project's flags. */
export function fakeCameraLaunch(y4m: string) {
  const launch = config.use?.launchOptions ?? {};
  return {
    ...launch,
    args: [
      ...(launch.args ?? []),
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${y4m}`,
    ],
  };
}

/** What a page with `unpluggableCamera` installed exposes: the video tracks it opened, and the switch. */
export interface CameraSwitch {
  tracks: MediaStreamTrack[];
  /** Another app holds the camera: getUserMedia fails as a busy device does. */
  busy: boolean;
  /** The camera goes away as an unplugged one does: every track (clones too) stops and fires 'ended'. */
  unplug(options: { takenByAnotherApp: boolean }): void;
}

/**
 * Init script (page.addInitScript): the fake camera cannot be unplugged, but the page's view of it can be —
 * tracks are collected as getUserMedia and clone() hand them out, so a test can end them all (or read their
 * stats, as bench/recording does), and
 * getUserMedia can be made to reject with NotReadableError, as it does while another app uses the camera.
 */
export function unpluggableCamera(): void {
  const camera: CameraSwitch = {
    tracks: [],
    busy: false,
    unplug({ takenByAnotherApp }) {
      camera.busy = takenByAnotherApp;
      for (const track of camera.tracks) {
        // stop() alone fires no 'ended' (only the browser ending a track does): dispatch it as the browser would.
        track.stop();
        track.dispatchEvent(new Event('ended'));
      }
    },
  };
  (window as unknown as { __camera: CameraSwitch }).__camera = camera;
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    if (camera.busy) throw new DOMException('Could not start video source', 'NotReadableError');
    const stream = await getUserMedia(constraints);
    camera.tracks.push(...stream.getVideoTracks());
    return stream;
  };
  const clone = MediaStreamTrack.prototype.clone;
  MediaStreamTrack.prototype.clone = function (this: MediaStreamTrack) {
    const copy = clone.call(this);
    camera.tracks.push(copy);
    return copy;
  };
}
