// Streams the frames of any video ffmpeg can read as RGB with each frame's own presentation time, so
// variable-frame-rate files (phones, screen recorders, dropped frames) keep their real timing.
//
// How the timing is read: `-vsync passthrough` hands every decoded frame on as it is (no duplicates, no
// drops), and the `showinfo` filter logs each frame's pts_time to stderr before it is converted. Frame n
// on stdout pairs with showinfo line n. The frames are pulled from stdout on demand, so a long video is
// never held in memory: while the consumer is busy, the pipe fills and ffmpeg waits.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { AnalysisError } from './errors.ts';
import { ffmpegPath } from './ffmpeg.ts';

export interface VideoInfo {
  width: number;
  height: number;
  /** From the container; null when it does not say (live streams, some AVIs). */
  durationS: number | null;
  /** The container's nominal rate; the frame times are what counts. */
  nominalFps: number | null;
  codec: string;
}

export interface DecodedFrame {
  index: number;
  /** Presentation time in ms from the stream's start. */
  tMs: number;
  /** width × height × 3 bytes, RGB interleaved; owned by the consumer. */
  rgb: Uint8Array;
  /** Whether the encoder stored this frame as a keyframe (compression shifts colours in step with them). */
  key: boolean;
}

export interface VideoStream {
  readonly file: string;
  readonly info: Promise<VideoInfo>;
  /** ffmpeg's complaints about a damaged stream it decoded past. */
  readonly warnings: string[];
  frames(): AsyncGenerator<DecodedFrame, void, undefined>;
  close(): void;
}

const SHOWINFO = /n:\s*(\d+)\s+pts:\s*(\S+)\s+pts_time:(\S+)(?:.*?\biskey:(\d))?/;
const DURATION = /Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)/;
const VIDEO_STREAM = /Stream #\d+:\d+.*?: Video: (\w+)/;
const SIZE = /(?<!\w)(\d{1,5})x(\d{1,5})(?!\w)/;
const FPS = /,\s*(\d+(?:\.\d+)?)\s*fps/;
const WARNING = /error|corrupt|invalid|truncat|missing/i;

type Ffmpeg = ChildProcessByStdio<null, Readable, Readable>;

/** Checks the file before ffmpeg sees it, for messages that name the actual problem. */
function checkFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AnalysisError('not-found', `${file}: no such file`);
    throw new AnalysisError('unreadable', `${file}: cannot read it (${code ?? String(error)})`);
  }
  if (stat.isDirectory()) throw new AnalysisError('unreadable', `${file} is a folder, not a video file`);
  if (stat.size === 0) throw new AnalysisError('empty-file', `${file} is empty (0 bytes)`);
}

/** Turns ffmpeg's last words into one of our error codes and a sentence. */
function failure(file: string, stderr: string[]): AnalysisError {
  const text = stderr.join('\n');
  if (/matches no streams|does not contain any stream|Output file .* does not contain/i.test(text)) {
    return new AnalysisError('no-video-stream', `${file} has no video stream (audio only or data only?)`);
  }
  if (/Invalid data found|moov atom not found|could not find codec parameters|End of file/i.test(text)) {
    return new AnalysisError('unreadable', `${file} is not a readable video (ffmpeg: ${lastLine(stderr)})`);
  }
  return new AnalysisError('unreadable', `${file}: ffmpeg could not decode it (${lastLine(stderr)})`);
}

function lastLine(lines: string[]): string {
  return (
    lines
      .filter((l) => l.trim() && !SHOWINFO.test(l))
      .at(-1)
      ?.trim() ?? 'no message'
  );
}

export function openVideo(file: string, options: { signal?: AbortSignal } = {}): VideoStream {
  checkFile(file);
  const args = [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info',
    '-i',
    file,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    'showinfo',
    '-vsync',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  const proc: Ffmpeg = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderrTail: string[] = [];
  const warnings: string[] = [];
  const pts: number[] = [];
  const keys: boolean[] = [];
  let ptsWaiter: (() => void) | null = null;
  let inOutput = false;
  const partial: { durationS: number | null; nominalFps: number | null; codec: string } = {
    durationS: null,
    nominalFps: null,
    codec: 'unknown',
  };
  let resolveInfo!: (info: VideoInfo) => void;
  let rejectInfo!: (error: Error) => void;
  const info = new Promise<VideoInfo>((resolve, reject) => {
    resolveInfo = resolve;
    rejectInfo = reject;
  });
  info.catch(() => undefined); // read by frames(); an unread rejection must not crash the process
  const exited = new Promise<number | null>((resolve) => {
    proc.on('close', (code) => resolve(code));
    proc.on('error', (error) => {
      stderrTail.push(`cannot start ffmpeg: ${error.message}`);
      resolve(-1);
    });
  });

  const onLine = (line: string): void => {
    const shown = SHOWINFO.exec(line);
    if (shown) {
      const t = Number.parseFloat(shown[3]!);
      pts[Number(shown[1])] = Number.isFinite(t) ? t * 1000 : Number.NaN;
      keys[Number(shown[1])] = shown[4] === '1';
      ptsWaiter?.();
      return;
    }
    stderrTail.push(line);
    if (stderrTail.length > 40) stderrTail.shift();
    if (line.startsWith('Output #0')) inOutput = true;
    const duration = DURATION.exec(line);
    if (duration && !inOutput)
      partial.durationS = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
    const stream = VIDEO_STREAM.exec(line);
    if (stream && !inOutput && partial.codec === 'unknown') {
      partial.codec = stream[1]!;
      const fps = FPS.exec(line);
      partial.nominalFps = fps ? Number(fps[1]) : null;
    }
    if (stream && inOutput) {
      const size = SIZE.exec(line.slice(line.indexOf('Video:')));
      if (size) resolveInfo({ ...partial, width: Number(size[1]), height: Number(size[2]) });
    } else if (inOutput && WARNING.test(line)) warnings.push(line.trim());
    else if (!inOutput && /\berror\b|corrupt/i.test(line) && warnings.length < 20) warnings.push(line.trim());
  };
  let carry = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (text: string) => {
    const lines = (carry + text).split(/\r?\n|\r/);
    carry = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  void exited.then((code) => {
    if (carry) onLine(carry);
    rejectInfo(
      code === 0 ? new AnalysisError('no-frames', `${file} holds no video frames`) : failure(file, stderrTail),
    );
    ptsWaiter?.();
  });
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  const onAbort = (): void => close();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  /** The pts of frame n: waits for its showinfo line, which travels on the other pipe. */
  async function timeOf(n: number): Promise<number> {
    let done = false;
    void exited.then(() => (done = true));
    while (pts[n] === undefined && !done) {
      await new Promise<void>((resolve) => {
        ptsWaiter = resolve;
        setTimeout(resolve, 200);
      });
      ptsWaiter = null;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return pts[n] ?? Number.NaN;
  }

  async function* frames(): AsyncGenerator<DecodedFrame, void, undefined> {
    try {
      const { width, height } = await info;
      const size = width * height * 3;
      let frame = new Uint8Array(size);
      let filled = 0;
      let index = 0;
      let lastT = Number.NEGATIVE_INFINITY;
      for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
        let offset = 0;
        while (offset < chunk.length) {
          const take = Math.min(size - filled, chunk.length - offset);
          frame.set(chunk.subarray(offset, offset + take), filled);
          filled += take;
          offset += take;
          if (filled < size) continue;
          let tMs = await timeOf(index);
          // A frame without a usable time is placed just after the previous one, never before it.
          if (!Number.isFinite(tMs) || tMs <= lastT) tMs = Number.isFinite(lastT) ? lastT + 1e-3 : 0;
          lastT = tMs;
          yield { index, tMs, rgb: frame, key: keys[index] ?? false };
          index++;
          frame = new Uint8Array(size);
          filled = 0;
        }
      }
      const code = await exited;
      if (options.signal?.aborted) throw new AnalysisError('cancelled', `Decoding ${file} was cancelled`);
      if (index === 0)
        throw code === 0
          ? new AnalysisError('no-frames', `${file} holds no video frames (zero length)`)
          : failure(file, stderrTail);
      if (code !== 0) warnings.push(`ffmpeg stopped with code ${code} after ${index} frames: ${lastLine(stderrTail)}`);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      close();
    }
  }

  return { file, info, warnings, frames, close };
}
