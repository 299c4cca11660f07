// The capture worker's side of the frame relay (frame-relay.ts): the relayed copies as a stream of VideoFrames.
import type { RelayMessage } from './types.ts';

/**
 * The relayed copies as a stream of VideoFrames, made one at a time as they are
 * read (a copy waiting costs its bytes, not a VideoFrame); each read tells the relay one copy was taken.
 */
export function relayedFrames(port: MessagePort, onError: (message: string) => void): ReadableStream<VideoFrame> {
  const arrived: RelayMessage[] = [];
  let wake: (() => void) | null = null;
  port.onmessage = ({ data }: MessageEvent<RelayMessage>) => {
    if (data.type === 'error') return onError(data.message);
    arrived.push(data);
    wake?.();
  };
  return new ReadableStream<VideoFrame>(
    {
      async pull(controller) {
        while (arrived.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        const next = arrived.shift()!;
        if (next.type !== 'frame') {
          controller.close();
          return port.close();
        }
        port.postMessage('taken');
        controller.enqueue(new VideoFrame(next.frame.buffer, next.frame.init));
      },
      cancel() {
        port.postMessage('cancel');
        port.close();
      },
    },
    { highWaterMark: 0 },
  );
}
