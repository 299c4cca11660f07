// Test worker: the live face detector on single images (MediaPipe's ES-module wasm loader runs only in a worker).
import { createFaceTracker, type FaceTracker } from '../../renderer/src/capture/face-detector.ts';

let tracker: Promise<FaceTracker> | null = null;
let ts = 0;

self.onmessage = async (event: MessageEvent<{ assetBase: string; image: ImageBitmap }>) => {
  tracker ??= createFaceTracker(event.data.assetBase, 0.5);
  // Each image on its own: nothing to follow, and timestamps far apart.
  ts += 10_000;
  try {
    const box = (await tracker).detect(event.data.image, ts, null);
    self.postMessage({ box });
  } catch (error) {
    self.postMessage({ error: String(error) });
  } finally {
    event.data.image.close();
  }
};
