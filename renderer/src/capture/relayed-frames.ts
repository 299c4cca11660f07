// The capture worker's side of the frame relay (frame-relay.ts): the relayed copies as a stream of VideoFrames.
import type { RelayMessage } from './types.ts';

/**
 * The relayed frames as a stream of VideoFrames, each copy made a VideoFrame only when it is read (a copy
 * waiting costs its bytes, not a VideoFrame); each read tells the relay one frame was taken.
 */
export function relayedFrames(port: MessagePort): ReadableStream<VideoFrame> {
  const arrived: RelayMessage[] = [];
  let wake: (() => void) | null = null;
  port.onmessage = ({ data }: MessageEvent<RelayMessage>) => {
    arrived.push(data);
    wake?.();
  };
  return new ReadableStream<VideoFrame>(
    {
      async pull(controller) {
        while (arrived.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        const next = arrived.shift()!;
        if (next.type === 'end') {
          controller.close();
          return port.close();
        }
        port.postMessage('taken');
        controller.enqueue(next.type === 'frame' ? new VideoFrame(next.frame.buffer, next.frame.init) : next.frame);
      },
      cancel() {
        port.postMessage('cancel');
        port.close();
      },
    },
    { highWaterMark: 0 },
  );
}
