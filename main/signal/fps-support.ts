// Says whether a frame rate lies inside the range a model was trained for (SSPD: 30 fps only).

/** Frame rates the released SSPD weights handle: trained at 30 fps; at 15 fps they output one fixed rhythm. */
export const SSPD_FPS_RANGE: FpsRange = { minFps: 27, maxFps: 33 };

/** For methods with no trained frame rate (the classical baselines). */
export const ANY_FPS: FpsRange = { minFps: 0, maxFps: 1000 };

export interface FpsRange {
  minFps: number;
  maxFps: number;
}

export interface FpsSupport {
  supported: boolean;
  fps: number;
  range: FpsRange;
  message: string;
}

export function checkFpsSupport(fps: number, range: FpsRange = SSPD_FPS_RANGE): FpsSupport {
  const supported = Number.isFinite(fps) && fps >= range.minFps && fps <= range.maxFps;
  const shown = Number.isFinite(fps) ? fps.toFixed(1) : 'unknown';
  const message = supported
    ? `${shown} fps is within the model's supported ${range.minFps}–${range.maxFps} fps.`
    : `${shown} fps is outside the model's supported ${range.minFps}–${range.maxFps} fps: its heart rate cannot be trusted; rely on the classical methods.`;
  return { supported, fps: Number.isFinite(fps) ? fps : 0, range, message };
}
