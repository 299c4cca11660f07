// Benchmarks SSPD inference on 2 threads: ORT vs PyTorch, streaming overhead, real time, memory.
// Run: cd /work/main && node_modules/.bin/node bench/inference.ts [--seconds 20]

import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AUTHORS_CHECKPOINT, PYTHON, exportSspd, sharedAvailable } from '../main/inference/dev-export.ts';
import { InferenceWorker } from '../main/inference/inference-client.ts';
import { loadSspdModel } from '../main/inference/model-loader.ts';
import { BYTES_PER_FRAME, CHANNELS, PIXELS_PER_FRAME, TRAINED_FPS } from '../main/inference/sspd-contract.ts';
import type { WorkerStats } from '../main/inference/worker-protocol.ts';

const THREADS = 2;
const WINDOW_FRAMES = 10 * TRAINED_FPS; // the authors' 10 s window: 300 frames → 299 steps
const TARGETS = { ortVsTorch: 6, streamingOverWhole: 1.5, realTimeFactor: 5, peakMb: 400 };
const MB = 1024 * 1024;

interface StreamingResult {
  readonly baselineRssMb: number;
  readonly live: WorkerStats & { wallMs: number };
  readonly backlog: WorkerStats & { wallMs: number };
  readonly peakRssMb: number;
}

/** Deterministic frames with noise and a slow drift: values do not change the cost. */
function syntheticFrames(count: number): Uint8Array {
  const frames = new Uint8Array(count * BYTES_PER_FRAME);
  let s = 12345;
  for (let i = 0; i < frames.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    frames[i] = 100 + (s >> 27) + Math.floor(i / BYTES_PER_FRAME / 10);
  }
  return frames;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function torchWindowSeconds(): Promise<number> {
  const args = [join(import.meta.dirname, '..', 'models', 'python', 'bench_torch.py'), '--steps', String(WINDOW_FRAMES - 1), '--threads', String(THREADS)];
  if (sharedAvailable()) args.push('--checkpoint', AUTHORS_CHECKPOINT);
  const { stdout } = await promisify(execFile)(PYTHON, args, { timeout: 300_000 });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { median_s: number }).median_s;
}

async function ortWindowSeconds(modelPath: string): Promise<number> {
  const model = await loadSspdModel(modelPath, { providers: ['cpu'], intraOpThreads: THREADS });
  const steps = WINDOW_FRAMES - 1;
  const input = new Float32Array(CHANNELS * steps * PIXELS_PER_FRAME).map((_, i) => ((i * 7919) % 31) - 15);
  await model.run(input.subarray(0, CHANNELS * 16 * PIXELS_PER_FRAME), 16); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await model.run(input, steps);
    times.push((performance.now() - started) / 1000);
  }
  await model.release();
  return median(times);
}

/**
 * Child process: only the inference worker lives here, so its peak RSS is the worker's cost
 * (plus Node's own baseline, printed separately).
 */
async function streamingChild(modelPath: string, seconds: number): Promise<void> {
  const baselineRssMb = process.memoryUsage.rss() / MB;
  const worker = new InferenceWorker();
  await worker.loadModel({ modelPath, providers: ['cpu'], intraOpThreads: THREADS, order: 'rgb' });
  const frames = syntheticFrames(seconds * TRAINED_FPS);
  const perSecond = TRAINED_FPS * BYTES_PER_FRAME;

  // Live pacing: one second of frames per push, the next push once the worker has caught up,
  // so chunks are hop-sized as with a camera (minus the waiting for real time).
  let started = performance.now();
  for (let s = 0; s < seconds; s++) {
    worker.pushFrames(frames.subarray(s * perSecond, (s + 1) * perSecond));
    while ((await worker.stats()).busy) await sleep(2);
  }
  const live = { ...(await worker.flush()), wallMs: performance.now() - started };

  // Falling behind: a second of frames per push, all pushed at once; chunks grow to the cap,
  // the backlog shows in stats and no frame is dropped.
  await worker.reset();
  started = performance.now();
  for (let s = 0; s < seconds; s++) worker.pushFrames(frames.subarray(s * perSecond, (s + 1) * perSecond));
  const backlogFrames = (await worker.stats()).backlogFrames;
  const backlog = { ...(await worker.flush()), wallMs: performance.now() - started };
  const peakRssMb = (await worker.stats()).peakRssBytes / MB;
  await worker.close();
  const result: StreamingResult = { baselineRssMb, live, backlog: { ...backlog, backlogFrames }, peakRssMb };
  console.log(JSON.stringify(result));
}

function runStreamingChild(modelPath: string, seconds: number): Promise<StreamingResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', import.meta.filename, '--streaming-child', modelPath, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as StreamingResult) : reject(new Error(`streaming child exited with ${code}`))));
  });
}

function verdict(ok: boolean): string {
  return ok ? 'meets target' : 'MISSES target';
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--streaming-child') return streamingChild(argv[1]!, Number(argv[2]));
  const seconds = Number(argv[argv.indexOf('--seconds') + 1] || 20);

  const source = sharedAvailable() ? { checkpoint: AUTHORS_CHECKPOINT } : { randomSeed: 0 };
  const modelPath = await exportSspd(source);
  console.log(`model: ${sharedAvailable() ? 'authors’ checkpoint (../shared) exported as-is' : 'random-init (seed 0) export: ../shared is absent'}; ${modelPath}`);
  console.log(`threads: ${THREADS} intra-op (ORT) / torch.set_num_threads(${THREADS}); window ${WINDOW_FRAMES} frames = 10 s at ${TRAINED_FPS} fps\n`);

  const ortS = await ortWindowSeconds(modelPath);
  const torchS = await torchWindowSeconds();
  const stream = await runStreamingChild(modelPath, seconds);

  const wholePerSecond = ortS / 10;
  const video = stream.live.samplesEmitted / TRAINED_FPS;
  const livePerSecond = stream.live.computeMs / 1000 / video;
  const streamingOverWhole = livePerSecond / wholePerSecond;
  const rtf = video / (stream.live.wallMs / 1000);
  const backlogRtf = video / (stream.backlog.wallMs / 1000);

  const rows: Array<[string, string, string]> = [
    ['ORT whole window (s)', ortS.toFixed(3), ''],
    ['PyTorch whole window (s)', torchS.toFixed(3), ''],
    ['ORT speed-up over PyTorch', `${(torchS / ortS).toFixed(2)}×`, `${verdict(torchS / ortS >= TARGETS.ortVsTorch)} (≥ ${TARGETS.ortVsTorch}×)`],
    ['streaming compute per video second (s)', livePerSecond.toFixed(3), `${stream.live.chunksRun} chunks, largest ${stream.live.largestChunkSteps} steps`],
    ['whole-window compute per video second (s)', wholePerSecond.toFixed(3), ''],
    ['streaming ÷ whole-window compute', `${streamingOverWhole.toFixed(2)}×`, `${verdict(streamingOverWhole <= TARGETS.streamingOverWhole)} (≤ ${TARGETS.streamingOverWhole}×); recomputed steps ${stream.live.recomputeRatio.toFixed(2)}×`],
    ['streaming real-time factor (live pacing)', rtf.toFixed(2), `${verdict(rtf >= TARGETS.realTimeFactor)} (≥ ${TARGETS.realTimeFactor}); latency ${stream.live.latencyFrames} frames + compute`],
    ['real-time factor, all frames at once', backlogRtf.toFixed(2), `backlog reached ${stream.backlog.backlogFrames} frames; chunks grew to ${stream.backlog.largestChunkSteps} steps; ${stream.backlog.samplesEmitted} samples from ${stream.backlog.framesReceived} frames`],
    ['inference worker peak RSS (MB)', stream.peakRssMb.toFixed(0), `${verdict(stream.peakRssMb <= TARGETS.peakMb)} (≤ ${TARGETS.peakMb}); Node baseline ${stream.baselineRssMb.toFixed(0)} MB`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(8)}  ${note}`);
  console.log(`\n${seconds} s of synthetic video streamed; ratios above are from this run only.`);
}

await main();
