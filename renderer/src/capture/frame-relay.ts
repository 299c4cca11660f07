// The frame relay: a worker that does nothing but read the camera track's frames, copy each one out and close
// it at once, and pass the copies on to the capture worker (and, as new frames, to the track the session video
// is recorded from). A MediaStreamTrackProcessor keeps only a few frames waiting (they hold the camera's own
// buffers; see capture.ts): a reader busy for 200 ms (face detection on a loaded machine) loses ~5 frames. This
// thread never is, so every frame is taken; the copies wait for the capture worker instead, in order, for up
// to half a second (what waits is what a crash would lose) and within a memory budget. And the camera's own
// few buffers are never held for long: a MediaRecorder encoding straight off the camera while the preview
// shows it made the camera drop frames (measured: 14–19 of 190 under load; none with the recorder on the
// relayed track).
import type { RelayedFrame, RelayMessage, ToRelay } from './types.ts';

interface RelayScope {
  onmessage: ((event: MessageEvent<ToRelay>) => void) | null;
}

/** Camera time the frames waiting for the capture worker may span, µs, and the bytes they may take. */
const RELAY_MAX_WAIT_US = 500_000;
const RELAY_MAX_BYTES = 128 * 1024 * 1024;

async function relay({ readable, port, recordable }: ToRelay): Promise<void> {
  const reader = readable.getReader();
  const recorder = recordable?.getWriter() ?? null;
  /** Frames sent and not yet taken, oldest first (taken in order; 0 bytes for a frame sent itself). */
  const waiting: Array<{ bytes: number; timestamp: number }> = [];
  let waitingBytes = 0;
  port.onmessage = ({ data }: MessageEvent<'taken' | 'cancel'>) => {
    if (data === 'taken') waitingBytes -= waiting.shift()?.bytes ?? 0;
    else void reader.cancel();
  };
  const post = (message: RelayMessage, transfer: Transferable[] = []) => port.postMessage(message, transfer);
  // The video is a record for people, the crops are the data: when the recorder lags, it misses a frame.
  const record = (frame: () => VideoFrame) => {
    if (recorder && (recorder.desiredSize ?? 0) > 0) void recorder.write(frame()).catch(() => {});
  };
  // Past half a second of camera time waiting, or the memory budget, the capture worker is behind: a new
  // frame is then let go, and shows as a gap in the camera's timestamps (counted as dropped there).
  const full = (timestamp: number, bytes: number) =>
    waiting.length > 0 &&
    (timestamp - waiting[0]!.timestamp > RELAY_MAX_WAIT_US || waitingBytes + bytes > RELAY_MAX_BYTES);
  for (;;) {
    const { value: frame, done } = await reader.read();
    if (done) {
      void recorder?.close();
      return post({ type: 'end' });
    }
    const copy = await copyOut(frame);
    if (!copy) {
      // A frame without a CPU copy (GPU-backed: no format to copy in) goes on itself, holding its buffer.
      record(() => frame.clone());
      if (full(frame.timestamp, 0)) frame.close();
      else {
        waiting.push({ bytes: 0, timestamp: frame.timestamp });
        post({ type: 'video', frame }, [frame]);
      }
      continue;
    }
    record(() => new VideoFrame(copy.buffer, copy.init));
    const bytes = copy.buffer.byteLength;
    if (full(copy.init.timestamp, bytes)) continue;
    waiting.push({ bytes, timestamp: copy.init.timestamp });
    waitingBytes += bytes;
    post({ type: 'frame', frame: copy }, [copy.buffer]);
  }
}

/** The frame's pixels in its own format, the frame closed; null (the frame kept) where it has no CPU copy. */
async function copyOut(frame: VideoFrame): Promise<RelayedFrame | null> {
  if (frame.format === null) return null;
  try {
    const buffer = new ArrayBuffer(frame.allocationSize());
    const layout = await frame.copyTo(buffer);
    const init: VideoFrameBufferInit = {
      format: frame.format,
      codedWidth: frame.codedWidth,
      codedHeight: frame.codedHeight,
      displayWidth: frame.displayWidth,
      displayHeight: frame.displayHeight,
      timestamp: frame.timestamp,
      layout,
    };
    frame.close();
    return { buffer, init };
  } catch {
    return null;
  }
}

(self as unknown as RelayScope).onmessage = ({ data }) => void relay(data);
