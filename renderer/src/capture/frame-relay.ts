// The frame relay: a worker that does nothing but read the camera track's frames, copy each one out and close
// it at once, and pass the copies on to the capture worker (and, as new frames, to the track the session video
// is recorded from). Chromium keeps only a frame or two waiting in a MediaStreamTrackProcessor, whatever
// maxBufferSize asks: a reader busy for 200 ms (face detection on a loaded machine) loses ~5 frames. This
// thread never is, so every frame is taken; the copies wait for the capture worker instead, in order, within
// a memory budget. And the camera's own few buffers are never held for long: a MediaRecorder encoding
// straight off the camera while the preview shows it made the camera drop frames (measured: 14–19 of 190
// under load; none with the recorder on the relayed track).
import type { RelayedFrame, RelayMessage, ToRelay } from './types.ts';

interface RelayScope {
  onmessage: ((event: MessageEvent<ToRelay>) => void) | null;
}

/** Copies waiting for the capture worker at most: ~9 s of 640×480 at 30 fps, ~1.3 s of 1080p. */
const RELAY_MAX_BYTES = 128 * 1024 * 1024;

async function relay({ readable, port, recordable }: ToRelay): Promise<void> {
  const reader = readable.getReader();
  const recorder = recordable?.getWriter() ?? null;
  /** Sizes of the copies sent and not yet taken, oldest first (taken in order). */
  const waiting: number[] = [];
  let waitingBytes = 0;
  port.onmessage = ({ data }: MessageEvent<'taken' | 'cancel'>) => {
    if (data === 'taken') waitingBytes -= waiting.shift() ?? 0;
    else void reader.cancel();
  };
  const post = (message: RelayMessage, transfer: Transferable[] = []) => port.postMessage(message, transfer);
  for (;;) {
    const { value: frame, done } = await reader.read();
    if (done) {
      void recorder?.close();
      return post({ type: 'end' });
    }
    const size = frame.allocationSize();
    // Over budget the capture worker has fallen far behind: this frame is let go, and shows as a gap in the
    // camera's timestamps (counted as dropped there), not as a stall of the camera.
    if (waitingBytes + size > RELAY_MAX_BYTES) {
      frame.close();
      continue;
    }
    const buffer = new ArrayBuffer(size);
    let copy: RelayedFrame;
    try {
      const layout = await frame.copyTo(buffer);
      copy = { buffer, init: { format: frame.format!, codedWidth: frame.codedWidth, codedHeight: frame.codedHeight, displayWidth: frame.displayWidth, displayHeight: frame.displayHeight, timestamp: frame.timestamp, layout } };
    } catch (error) {
      post({ type: 'error', message: `A camera frame could not be copied: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    } finally {
      frame.close();
    }
    // The video is a record for people, the crops are the data: when the recorder lags, it misses a frame.
    if (recorder && (recorder.desiredSize ?? 0) > 0) void recorder.write(new VideoFrame(buffer, copy.init)).catch(() => {});
    waiting.push(size);
    waitingBytes += size;
    post({ type: 'frame', frame: copy }, [buffer]);
  }
}

(self as unknown as RelayScope).onmessage = ({ data }) => void relay(data);
