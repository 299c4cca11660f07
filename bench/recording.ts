// Bench: a long fake-camera recording at 30 fps through the real UI and services. Targets: no dropped frames,
// no main-thread long task (> 50 ms) while capturing, services and page memory growth < 10 % over the run.
// The first minute is the reference each growth ratio is measured against.
// Run: npm run build && node_modules/.bin/node bench/recording.ts [minutes=10]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { startBrowserMode } from '../main/browser-mode.ts';
import { fakeCameraLaunch, pulsingFaceY4m } from '../e2e/fake-camera.ts';
import { RecordPage } from '../e2e/pages/record-page.ts';

const MINUTES = Number(process.argv[2] ?? 10);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-rec-'));
const y4m = pulsingFaceY4m(path.resolve('test-results', 'fake-camera'), { bpm: 72, seconds: 10 });
const mode = await startBrowserMode(dataDir, 'bench');
const browser = await chromium.launch(fakeCameraLaunch(y4m));
const page = await browser.newPage();
await page.addInitScript(() => {
  const w = window as unknown as { __longTasks: number[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
});
const cdp = await page.context().newCDPSession(page);
const heapMb = async () => ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / 2 ** 20;
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

await page.goto(mode.server.entryUrl);
const record = new RecordPage(page);
await record.openWithNewSubject('BENCH');
await page.getByRole('button', { name: 'Start recording' }).click();
await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks.length = 0));

const samples: { minute: number; rss: number; heap: number }[] = [];
for (let minute = 1; minute <= MINUTES; minute++) {
  await page.waitForTimeout(60_000);
  samples.push({ minute, rss: rssMb(), heap: await heapMb() });
  console.log(`minute ${minute}: services RSS ${samples.at(-1)!.rss.toFixed(0)} MB, page heap ${samples.at(-1)!.heap.toFixed(1)} MB, ${await page.getByTestId('frame-counts').textContent()}`);
}
const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
const counts = (await page.getByTestId('frame-counts').textContent()) ?? '';
await page.getByRole('button', { name: 'Stop' }).click();
await page.getByTestId('recording-summary').waitFor({ timeout: 120_000 });
const framesCheck = await page.getByTestId('frames-check').textContent();
await browser.close();
await mode.stop();
fs.rmSync(dataDir, { recursive: true, force: true });

const dropped = Number(counts.match(/(\d+) dropped/)?.[1] ?? NaN);
const first = samples[0]!;
const last = samples.at(-1)!;
const rows = [
  ['dropped frames', String(dropped), '0', dropped === 0],
  ['long tasks > 50 ms', `${longTasks.length}${longTasks.length ? ` (max ${Math.max(...longTasks).toFixed(0)} ms)` : ''}`, '0', longTasks.length === 0],
  ['services RSS last/first minute', (last.rss / first.rss).toFixed(3), '< 1.10', last.rss / first.rss < 1.1],
  ['page heap last/first minute', (last.heap / first.heap).toFixed(3), '< 1.10', last.heap / first.heap < 1.1],
] as const;
console.log(`\nRecording bench, ${MINUTES} min at 30 fps (${framesCheck?.trim()})`);
for (const [what, value, target, ok] of rows) console.log(`${what.padEnd(32)} ${value.padStart(14)}   target ${target.padEnd(7)} ${ok ? 'met' : 'NOT MET'}`);
