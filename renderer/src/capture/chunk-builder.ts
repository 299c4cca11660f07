// Gathers processed frames into time-sliced chunks with exactly sized, transferable buffers.
import { CROP_BYTES, type CaptureChunk, type FaceFlag } from './types.ts';

export class ChunkBuilder {
  private readonly chunkMs: number;
  private times: number[] = [];
  private flags: number[] = [];
  private crops: Array<Uint8Array | null> = [];
  private firstFrame = 0;

  constructor(chunkMs: number) {
    this.chunkMs = chunkMs;
  }

  /** Adds a frame (`crop` null: an all-zero crop); returns a chunk when this frame completes one. */
  add(timestampMs: number, flag: FaceFlag, crop: Uint8Array | null): CaptureChunk | null {
    this.times.push(timestampMs);
    this.flags.push(flag);
    this.crops.push(crop);
    return timestampMs - this.times[0]! >= this.chunkMs ? this.flush() : null;
  }

  /** The frames gathered so far as a chunk, or null when there are none. */
  flush(): CaptureChunk | null {
    const n = this.times.length;
    if (n === 0) return null;
    // One copy into exact-size buffers: a view onto a larger buffer would send the whole buffer over IPC.
    const crops = new Uint8Array(n * CROP_BYTES);
    this.crops.forEach((c, i) => c && crops.set(c, i * CROP_BYTES));
    const chunk: CaptureChunk = {
      firstFrame: this.firstFrame,
      timestampsMs: Float64Array.from(this.times),
      faceFound: Uint8Array.from(this.flags),
      crops,
    };
    this.firstFrame += n;
    this.times = [];
    this.flags = [];
    this.crops = [];
    return chunk;
  }
}

/** The buffers to transfer with a chunk's postMessage. */
export function chunkTransfer(chunk: CaptureChunk): ArrayBuffer[] {
  return [chunk.timestampsMs.buffer, chunk.faceFound.buffer, chunk.crops.buffer] as ArrayBuffer[];
}
