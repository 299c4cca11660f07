// Benchmarks SSPD inference on 2 threads: ORT vs PyTorch, streaming overhead, latency, real time, memory.
// The app runs the streaming form (per-layer state, chunks of new steps only); the whole form (one
// call per window, streamed by overlap-save) is what other tools exchange, and is timed beside it.
// Run: cd /work/main && node_modules/.bin/node bench/inference.ts [--seconds 20] [--row-tiles N]

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AUTHORS_CHECKPOINT, PYTHON, exportSspd, sharedAvailable } from '../testing/dev-export.ts';
import { InferenceWorker } from '../main/inference/inference-client.ts';
import { loadSspdModel, type LoadedModel } from '../main/inference/model-loader.ts';
import { frameDiffTensor } from '../main/inference/preprocess.ts';
import { StatefulStream } from '../main/inference/stateful-stream.ts';
import { FIXTURE_DIR, readParityFixture, toRgb } from '../testing/parity-fixture.ts';
import { BYTES_PER_FRAME, TRAINED_FPS } from '../main/inference/sspd-contract.ts';
import type { WorkerStats } from '../main/inference/worker-protocol.ts';

const THREADS = 2;
const WINDOW_FRAMES = 10 * TRAINED_FPS; // the authors' 10 s window: 300 frames → 299 steps
const ROUNDS = 4;
const TARGETS = { ortVsTorch: 6, streamingOverWhole: 1.5, realTimeFactor: 5, peakMb: 400, latencyS: 2 };
const MB = 1024 * 1024;
const FIXTURE_FRAMES = join(FIXTURE_DIR, 'parity-frames.u8.gz');

type Clip = (k: number) => Uint8Array;
type Timed = WorkerStats & { readonly wallMs: number };
interface StreamingResult {
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly live: readonly Timed[];
  readonly whole: readonly number[];
  readonly backlog: Timed & { readonly backlogPeak: number };
}

/**
 * Frame k of the bench clip, RGB: the parity clip played forwards and backwards when ../shared is
 * there (real-looking content), otherwise noise. Holds one 151-frame clip, not the recording.
 */
async function clipSource(): Promise<Clip> {
  if (existsSync(FIXTURE_FRAMES)) {
    const clip = toRgb((await readParityFixture()).framesBgr);
    const n = clip.length / BYTES_PER_FRAME;
    const period = 2 * (n - 1);
    return (k) => {
      const p = k % period;
      const i = p < n ? p : period - p;
      return clip.subarray(i * BYTES_PER_FRAME, (i + 1) * BYTES_PER_FRAME);
    };
  }
  const noise = new Uint8Array(61 * BYTES_PER_FRAME);
  let s = 12345;
  for (let i = 0; i < noise.length; i++) noise[i] = 100 + ((s = (s * 1103515245 + 12345) & 0x7fffffff) >> 27);
  return (k) => noise.subarray((k % 61) * BYTES_PER_FRAME, ((k % 61) + 1) * BYTES_PER_FRAME);
}

/** Frames [from, to) of the clip in a fresh buffer, as a capture callback would deliver them. */
function framesOf(clip: Clip, from: number, to: number): Uint8Array {
  const out = new Uint8Array((to - from) * BYTES_PER_FRAME);
  for (let k = from; k < to; k++) out.set(clip(k), (k - from) * BYTES_PER_FRAME);
  return out;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Seconds for one whole window through a whole-form `model`: one call. */
async function timeWindow(model: LoadedModel, input: Float32Array): Promise<number> {
  const started = performance.now();
  await model.run(input, WINDOW_FRAMES - 1);
  return (performance.now() - started) / 1000;
}

/** Seconds for one window through a streaming-form `model` as the app computes it: chunk by chunk. */
async function timeStreamedWindow(model: LoadedModel, frames: Uint8Array): Promise<number> {
  const stream = new StatefulStream(model.step!, { order: 'rgb' });
  const started = performance.now();
  stream.push(frames);
  await stream.drain(true, () => {});
  return (performance.now() - started) / 1000;
}

/** A PyTorch process that runs one window per request, so its runs can alternate with ORT's. */
async function startTorch(): Promise<{ run(): Promise<number>; stop(): void }> {
  const args = [
    join(import.meta.dirname, '..', 'models', 'python', 'bench_torch.py'),
    '--steps',
    String(WINDOW_FRAMES - 1),
    '--threads',
    String(THREADS),
  ];
  if (sharedAvailable()) args.push('--checkpoint', AUTHORS_CHECKPOINT, '--fixture-frames', FIXTURE_FRAMES);
  const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error('bench_torch.py exited');
    return line.value;
  };
  if ((await next()) !== 'ready') throw new Error('bench_torch.py did not start');
  return {
    run: async () => {
      child.stdin.write('run\n');
      return (JSON.parse(await next()) as { s: number }).s;
    },
    stop: () => child.stdin.end(),
  };
}

/**
 * Child process: the inference worker, plus (after the memory reading) a main-thread session for
 * whole windows interleaved with live passes, so the streaming ratio meets the same load.
 */
async function streamingChild(modelPath: string, wholePath: string, seconds: number): Promise<void> {
  const baselineRssMb = process.memoryUsage.rss() / MB;
  const worker = new InferenceWorker();
  await worker.loadModel({ modelPath, providers: ['cpu'], intraOpThreads: THREADS, order: 'rgb' });
  const clip = await clipSource();
  const second = (s: number): Uint8Array => framesOf(clip, s * TRAINED_FPS, (s + 1) * TRAINED_FPS);

  // Live pacing: one second of frames per push, the next once the worker has caught up, so the
  // chunks are what a camera produces (minus the waiting for real time).
  const livePass = async (): Promise<Timed> => {
    await worker.reset();
    const started = performance.now();
    for (let s = 0; s < seconds; s++) {
      worker.pushFrames(second(s), { transfer: true });
      // Coarse polling: each stats call wakes the worker thread, which competes for the 2 cores.
      while ((await worker.stats()).busy) await sleep(10);
    }
    return { ...(await worker.flush()), wallMs: performance.now() - started };
  };
  const live = [await livePass()];

  // Falling behind: every second pushed at once; chunks grow to the cap, the backlog shows in
  // stats, and no frame is dropped.
  await worker.reset();
  const started = performance.now();
  for (let s = 0; s < seconds; s++) worker.pushFrames(second(s), { transfer: true });
  const backlogPeak = (await worker.stats()).backlogFrames;
  const backlog = { ...(await worker.flush()), wallMs: performance.now() - started, backlogPeak };
  const peakRssMb = (await worker.stats()).peakRssBytes / MB;

  const model = await loadSspdModel(wholePath, { providers: ['cpu'], intraOpThreads: THREADS });
  const input = frameDiffTensor(framesOf(clip, 0, WINDOW_FRAMES), 0, WINDOW_FRAMES, 'rgb');
  await timeWindow(model, input); // first full-size call: allocation, page faults
  const whole: number[] = [];
  for (let round = 0; round < 2; round++) {
    whole.push(await timeWindow(model, input));
    live.push(await livePass());
  }
  await model.release();
  await worker.close();
  const result: StreamingResult = { baselineRssMb, peakRssMb, live, whole, backlog };
  console.log(JSON.stringify(result));
}

function runStreamingChild(modelPath: string, wholePath: string, seconds: number): Promise<StreamingResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--no-warnings', import.meta.filename, '--streaming-child', modelPath, wholePath, String(seconds)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as StreamingResult)
        : reject(new Error(`streaming child exited with ${code}`)),
    );
  });
}

const verdict = (ok: boolean, target: string): string => `${ok ? 'meets' : 'MISSES'} target (${target})`;
const stat = (xs: readonly number[]): string => `best ${Math.min(...xs).toFixed(3)}, median ${median(xs).toFixed(3)}`;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--streaming-child') return streamingChild(argv[1]!, argv[2]!, Number(argv[3]));
  const seconds = option('--seconds', 20);
  const rowTiles = option('--row-tiles', 4);

  const shared = sharedAvailable();
  const weights = shared ? { checkpoint: AUTHORS_CHECKPOINT } : { randomSeed: 0 };
  const modelPath = await exportSspd({ ...weights, form: 'streaming' });
  const wholePath = await exportSspd({ ...weights, form: 'whole', rowTiles });
  console.log(
    `model: ${shared ? 'authors’ checkpoint (../shared)' : 'random-init (seed 0): ../shared is absent'}; streaming form ${modelPath}, whole form (${rowTiles} row band(s)) ${wholePath}`,
  );
  console.log(
    `input: ${shared ? 'parity clip played back and forth' : 'noise frames'}; ${THREADS} threads (ORT intra-op, torch.set_num_threads); window ${WINDOW_FRAMES} frames = 10 s at ${TRAINED_FPS} fps`,
  );
  console.log(
    `ORT and PyTorch windows alternate (${ROUNDS} rounds after a first call each), as do whole windows and live passes, so both sides of each ratio meet the same load on the shared cores\n`,
  );

  const model = await loadSspdModel(modelPath, { providers: ['cpu'], intraOpThreads: THREADS });
  const wholeModel = await loadSspdModel(wholePath, { providers: ['cpu'], intraOpThreads: THREADS });
  const frames = framesOf(await clipSource(), 0, WINDOW_FRAMES);
  const input = frameDiffTensor(frames, 0, WINDOW_FRAMES, 'rgb');
  const torch = await startTorch();
  const first = {
    ort: await timeStreamedWindow(model, frames),
    ortWhole: await timeWindow(wholeModel, input),
    torch: await torch.run(),
  };
  const ort: number[] = [];
  const ortWhole: number[] = [];
  const pt: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ort.push(await timeStreamedWindow(model, frames));
    ortWhole.push(await timeWindow(wholeModel, input));
    pt.push(await torch.run());
  }
  torch.stop();
  await model.release();
  await wholeModel.release();
  const stream = await runStreamingChild(modelPath, wholePath, seconds);

  const speedup = median(pt) / median(ort);
  const live = stream.live.map((pass) => pass.computeMs / 1000 / (pass.samplesEmitted / TRAINED_FPS));
  const wholePerSecond = stream.whole.map((s) => s / 10);
  const overWhole = median(live) / median(wholePerSecond);
  const video = stream.live[0]!.samplesEmitted / TRAINED_FPS;
  const rtf = Math.max(...stream.live.map((pass) => video / (pass.wallMs / 1000)));
  const backlogRtf = video / (stream.backlog.wallMs / 1000);
  const pass = stream.live[0]!;
  const slowestChunkS = Math.max(...stream.live.map((p) => p.slowestChunkMs)) / 1000;
  const latencyS = pass.latencyFrames / TRAINED_FPS + slowestChunkS;

  const rows: Array<[string, string, string]> = [
    [
      'ORT window, streaming form (s)',
      median(ort).toFixed(3),
      `${stat(ort)}; first ${first.ort.toFixed(3)}; chunks of ≤ ${model.step ? new StatefulStream(model.step, { order: 'rgb' }).policy.maxNew : '?'} steps, as the app runs it`,
    ],
    [
      'ORT window, whole form, one call (s)',
      median(ortWhole).toFixed(3),
      `${stat(ortWhole)}; first call ${first.ortWhole.toFixed(3)}`,
    ],
    [
      'PyTorch window (s)',
      median(pt).toFixed(3),
      `${stat(pt)}; first call ${first.torch.toFixed(3)}; our module, one call, torch.no_grad`,
    ],
    [
      'ORT speed-up over PyTorch',
      `${speedup.toFixed(2)}×`,
      `${verdict(speedup >= TARGETS.ortVsTorch, `≥ ${TARGETS.ortVsTorch}×`)}; streaming form, median ÷ median; best ÷ best ${(Math.min(...pt) / Math.min(...ort)).toFixed(2)}×; whole form ${(median(pt) / median(ortWhole)).toFixed(2)}×`,
    ],
    [
      'streaming compute per video second (s)',
      median(live).toFixed(3),
      `${stat(live)}; ${pass.chunksRun} chunks of ≤ ${pass.largestChunkSteps} steps`,
    ],
    [
      'whole-window compute per video second (s)',
      median(wholePerSecond).toFixed(3),
      `${stat(wholePerSecond)}; whole form, one call per 10 s window`,
    ],
    [
      'streaming ÷ whole-window compute',
      `${overWhole.toFixed(2)}×`,
      `${verdict(overWhole <= TARGETS.streamingOverWhole, `≤ ${TARGETS.streamingOverWhole}×`)}; median ÷ median; steps recomputed ${pass.recomputeRatio.toFixed(2)}×`,
    ],
    [
      'streaming real-time factor (live pacing)',
      rtf.toFixed(2),
      `${verdict(rtf >= TARGETS.realTimeFactor, `≥ ${TARGETS.realTimeFactor}`)}; best of ${stream.live.length} passes`,
    ],
    [
      'latency behind the camera (s)',
      latencyS.toFixed(2),
      `${verdict(latencyS <= TARGETS.latencyS, `≤ ${TARGETS.latencyS} s`)}; ${pass.latencyFrames} frames held back (hop, one per backbone conv, predictor context) + the largest live chunk's compute ${slowestChunkS.toFixed(2)} s`,
    ],
    [
      'real-time factor, all frames at once',
      backlogRtf.toFixed(2),
      `backlog ${stream.backlog.backlogPeak} frames; chunks grew to ${stream.backlog.largestChunkSteps} steps; ${stream.backlog.samplesEmitted} samples from ${stream.backlog.framesReceived} frames`,
    ],
    [
      'inference worker peak RSS (MB)',
      stream.peakRssMb.toFixed(0),
      `${verdict(stream.peakRssMb <= TARGETS.peakMb, `≤ ${TARGETS.peakMb}`)}; whole process while streaming, of which Node's baseline ${stream.baselineRssMb.toFixed(0)} MB`,
    ],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(8)}  ${note}`);
  console.log(
    `\n${seconds} s of video streamed per pass; every ratio above comes from this run. Load average ${(
      await import('node:os')
    )
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}.`,
  );
}

await main();
