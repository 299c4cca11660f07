// Pre-flight and live capture checks: what must hold before Start, and warnings while recording.
import type { CaptureStats } from '../../capture/types.ts';

export interface Check {
  id: 'camera' | 'face' | 'light' | 'fps' | 'motion';
  ok: boolean;
  label: string;
  /** Blocking checks keep Start disabled; the others only warn. */
  blocking: boolean;
}

export const MIN_FACE_RATIO = 0.8;
export const DARK_LUMA = 60;
export const BRIGHT_LUMA = 225;
/** SSPD was trained at 30 fps; below this the network's timing assumptions break down. */
export const MIN_FPS = 25;
/** Face heights per second above which motion spoils the pulse signal. */
export const MAX_MOTION = 0.25;

/** The checks that have data: before the camera delivers, only whether it is open and that a face is still awaited. */
export function captureChecks(stats: CaptureStats | null, cameraOk: boolean): Check[] {
  const camera: Check = {
    id: 'camera',
    ok: cameraOk,
    blocking: true,
    label: cameraOk ? 'Camera works' : 'Open the camera',
  };
  if (!stats || !cameraOk)
    return [
      camera,
      {
        id: 'face',
        ok: false,
        blocking: true,
        label: cameraOk ? 'Looking for a face…' : 'Face: after the camera opens',
      },
    ];
  const face = stats.faceRatio;
  const luma = stats.brightness;
  const fps = stats.fps;
  const motion = stats.motion;
  return [
    camera,
    {
      id: 'face',
      ok: face >= MIN_FACE_RATIO,
      blocking: true,
      label: face >= MIN_FACE_RATIO ? 'Face found' : 'Face not found — centre the face in the picture',
    },
    {
      id: 'light',
      ok: luma >= DARK_LUMA && luma <= BRIGHT_LUMA,
      blocking: false,
      label:
        luma < DARK_LUMA
          ? 'Too dark — add light in front of the face'
          : luma > BRIGHT_LUMA
            ? 'Too bright — reduce direct light'
            : 'Light OK',
    },
    {
      id: 'fps',
      ok: fps >= MIN_FPS,
      blocking: false,
      label: fps >= MIN_FPS ? `${fps.toFixed(0)} frames/s` : `Low frame rate (${fps.toFixed(0)} frames/s; 30 expected)`,
    },
    {
      id: 'motion',
      ok: motion <= MAX_MOTION,
      blocking: false,
      label: motion <= MAX_MOTION ? 'Subject still' : 'Movement — ask the subject to keep still',
    },
  ];
}
