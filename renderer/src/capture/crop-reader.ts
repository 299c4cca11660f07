// Reads a crop's pixels exactly (integer box, 1:1, RGBA) off a camera frame: VideoFrame.copyTo converts only
// the crop's region (about a third of the time a canvas draw + getImageData takes for a 640×480 frame), with
// an OffscreenCanvas as the fallback for frames copyTo cannot convert (GPU-backed frames, older browsers).
import type { Box } from '../../../common/geometry/box.ts';

export interface RgbaPixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export class CropReader {
  private readonly canvas = new OffscreenCanvas(1, 1);
  // willReadFrequently: keeps the canvas on the CPU, so getImageData does not stall on a GPU readback.
  private readonly context = this.canvas.getContext('2d', { willReadFrequently: true })!;
  private copyWorks = true;
  private buffer = new Uint8Array(0);

  async read(frame: VideoFrame | ImageBitmap, box: Box): Promise<RgbaPixels> {
    if (this.copyWorks && 'copyTo' in frame && frame.format !== null) {
      try {
        return await this.copy(frame, box);
      } catch {
        // Some formats (or browsers) cannot convert to RGBA: the canvas gives the same pixels, only slower.
        this.copyWorks = false;
      }
    }
    return this.draw(frame, box);
  }

  /**
   * copyTo snaps a rect's origin to the chroma grid (even pixels for 4:2:0), so copy the even-aligned rect
   * around the box and cut the box out of it: the pixels are then the canvas path's, bit for bit.
   */
  private async copy(frame: VideoFrame, box: Box): Promise<RgbaPixels> {
    const visible = frame.visibleRect ?? { x: 0, y: 0, width: frame.codedWidth, height: frame.codedHeight };
    const x = visible.x + box.x;
    const y = visible.y + box.y;
    const ax = x & ~1;
    const ay = y & ~1;
    const width = Math.min(evenUp(x - ax + box.width), visible.x + visible.width - ax);
    const height = Math.min(evenUp(y - ay + box.height), visible.y + visible.height - ay);
    const bytes = width * height * 4;
    if (this.buffer.length < bytes) this.buffer = new Uint8Array(bytes);
    await frame.copyTo(this.buffer, { rect: { x: ax, y: ay, width, height }, format: 'RGBA' });
    const dx = x - ax;
    const dy = y - ay;
    if (dx === 0 && dy === 0 && width === box.width)
      return { data: this.buffer.subarray(0, box.width * box.height * 4), width: box.width, height: box.height };
    const out = new Uint8Array(box.width * box.height * 4);
    const row = box.width * 4;
    for (let r = 0; r < box.height; r++) {
      const from = ((r + dy) * width + dx) * 4;
      out.set(this.buffer.subarray(from, from + row), r * row);
    }
    return { data: out, width: box.width, height: box.height };
  }

  private draw(frame: VideoFrame | ImageBitmap, box: Box): RgbaPixels {
    if (this.canvas.width !== box.width || this.canvas.height !== box.height) {
      this.canvas.width = box.width;
      this.canvas.height = box.height;
    }
    this.context.drawImage(frame, box.x, box.y, box.width, box.height, 0, 0, box.width, box.height);
    return this.context.getImageData(0, 0, box.width, box.height);
  }
}

const evenUp = (n: number) => n + (n & 1);
