// Test fixture: ends its own process while SSPD is mid-run, with the model in a worker thread (how the app ran it,
// which aborts the whole process) or in an inference process (how it runs now). Prints the inference pid first.
import { Worker } from 'node:worker_threads';
import { pulsingChunk } from './frames.ts';
import { InferenceWorker } from '../main/inference/inference-client.ts';

const [mode, modelPath] = process.argv.slice(2) as ['thread' | 'process', string];

/** Runs the model over and over in a worker thread, as the old in-process worker did during a long recording. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
(async () => {
  const session = await ort.InferenceSession.create(workerData.modelPath, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  const feeds = {};
  for (const m of session.inputMetadata) {
    const shape = m.shape.map((d) => (typeof d === 'string' ? 8 : d));
    feeds[m.name] = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  }
  parentPort.postMessage('running');
  for (;;) await session.run(feeds);
})();`;

async function busyInference(): Promise<void> {
  if (mode === 'thread') {
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { modelPath, ort: import.meta.resolve('onnxruntime-node').replace('file://', '') },
    });
    await new Promise((resolve) => worker.once('message', resolve));
    process.stdout.write(`${process.pid}\n`);
    return;
  }
  const inference = new InferenceWorker();
  await inference.loadModel({ modelPath, providers: ['cpu'], intraOpThreads: 1 });
  for (let f = 0; f < 120; f += 30) inference.pushFrames(pulsingChunk(f, 30, 70).crops);
  while (!(await inference.stats()).busy);
  process.stdout.write(`${inference.pid}\n`);
}

await busyInference();
// What an aborted upload did to browser mode before it was caught: an unhandled rejection ends the process.
setTimeout(() => void Promise.reject(new Error('the process ends mid-run')), 300);
