// Camera access: list video inputs, open one at a chosen size and frame rate, say clearly why it failed or ended.

export type CameraErrorCode = 'denied' | 'not_found' | 'in_use' | 'unsupported_mode' | 'unavailable' | 'unknown';

/** A camera failure with a code the UI can act on and a message it can show as it is. */
export class CameraError extends Error {
  readonly code: CameraErrorCode;
  constructor(code: CameraErrorCode, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'CameraError';
    this.code = code;
  }
}

export interface CameraInfo {
  deviceId: string;
  /** Empty until the user has granted camera access once (browsers hide labels before that). */
  label: string;
  groupId: string;
}

export interface OpenCameraOptions {
  /** A deviceId from listCameras(); the system default when absent. */
  deviceId?: string;
  width?: number;
  height?: number;
  frameRate?: number;
}

export interface OpenedCamera {
  stream: MediaStream;
  track: MediaStreamTrack;
  /** What the camera actually delivers, which may differ from what was asked. */
  settings: { deviceId: string; label: string; width: number; height: number; frameRate: number };
  /**
   * Calls back once when the camera goes away (unplugged, taken over, stopped by the system); returns an unsubscribe.
   */
  onEnded(callback: (error: CameraError) => void): () => void;
  /** Stops the camera (the light goes off). */
  close(): void;
}

export async function listCameras(): Promise<CameraInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices)
    throw new CameraError('unavailable', 'This window has no camera access (media devices API missing).');
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'videoinput')
    .map(({ deviceId, label, groupId }) => ({ deviceId, label, groupId }));
}

export async function openCamera(options: OpenCameraOptions = {}): Promise<OpenedCamera> {
  if (!navigator.mediaDevices?.getUserMedia)
    throw new CameraError('unavailable', 'This window has no camera access (media devices API missing).');
  // `ideal`, not `exact`, for size and rate: cameras round to their own modes and we report what we got;
  // `exact` for the device, since silently opening another camera would record the wrong subject.
  const video: MediaTrackConstraints = {
    ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}),
    ...(options.width ? { width: { ideal: options.width } } : {}),
    ...(options.height ? { height: { ideal: options.height } } : {}),
    ...(options.frameRate ? { frameRate: { ideal: options.frameRate } } : {}),
  };
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
  } catch (error) {
    throw toCameraError(error, options);
  }
  const track = stream.getVideoTracks()[0];
  if (!track) {
    stream.getTracks().forEach((t) => t.stop());
    throw new CameraError('not_found', 'The camera opened but delivers no video.');
  }
  const s = track.getSettings();
  return {
    stream,
    track,
    settings: {
      deviceId: s.deviceId ?? options.deviceId ?? '',
      label: track.label,
      width: s.width ?? 0,
      height: s.height ?? 0,
      frameRate: s.frameRate ?? 0,
    },
    onEnded: (callback) => onTrackEnded(track, callback),
    close: () => stream.getTracks().forEach((t) => t.stop()),
  };
}

/**
 * Watches a camera track; `ended` fires when the device is unplugged or the system revokes it (not on our own stop()).
 */
export function onTrackEnded(track: MediaStreamTrack, callback: (error: CameraError) => void): () => void {
  const ended = () =>
    callback(
      new CameraError(
        'unavailable',
        `The camera "${track.label || 'camera'}" stopped: it was unplugged, switched off or taken by the system.`,
      ),
    );
  if (track.readyState === 'ended') {
    queueMicrotask(ended);
    return () => {};
  }
  track.addEventListener('ended', ended, { once: true });
  return () => track.removeEventListener('ended', ended);
}

/** Maps getUserMedia's DOMException names onto our codes and messages a person can act on. */
export function toCameraError(error: unknown, options: OpenCameraOptions = {}): CameraError {
  const name = error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new CameraError(
        'denied',
        'Camera access was denied. Allow Pulse Studio to use the camera in the system privacy settings, then try again.',
        error,
      );
    case 'NotFoundError':
      return new CameraError('not_found', 'No camera was found. Connect a camera and try again.', error);
    case 'NotReadableError':
    case 'AbortError':
      return new CameraError(
        'in_use',
        'The camera could not be started: another application may be using it. Close it and try again.',
        error,
      );
    case 'OverconstrainedError': {
      const constraint = (error as { constraint?: string }).constraint ?? '';
      if (constraint === 'deviceId')
        return new CameraError('not_found', 'The chosen camera is no longer connected. Pick another one.', error);
      const asked = [
        options.width && options.height ? `${options.width}×${options.height}` : '',
        options.frameRate ? `${options.frameRate} fps` : '',
      ]
        .filter(Boolean)
        .join(' at ');
      return new CameraError(
        'unsupported_mode',
        `The camera cannot deliver ${asked || 'that mode'}${constraint ? ` (${constraint})` : ''}. Pick another resolution or frame rate.`,
        error,
      );
    }
    default:
      return new CameraError(
        'unknown',
        `The camera could not be opened: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
  }
}
