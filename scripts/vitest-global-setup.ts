// Vitest global setup: writes the generated models the services need (the face detector), as `npm run build` would, so
// a fresh clone can run `vitest` alone.
import { defaultFaceModelPath } from '../main/video/face-detector.ts';
import { writeFaceModel } from './face-model.ts';

export default function setup(): void {
  writeFaceModel(defaultFaceModelPath());
}
