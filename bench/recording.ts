// Bench: a long fake-camera recording at 30 fps through the real UI and services (browser mode, Chromium).
// Targets: no dropped frames, no main-thread long task (> 50 ms) caused by capture, RSS growth < 10 % over
// the run for the services and for Chromium's processes (the first minute is the reference each growth ratio
// is measured against). The page's JS heap is shown beside them, read after a forced GC (what the page keeps).
//
// Method, so the numbers mean what they say:
// - Dropped frames: frames the camera delivered during the session that are not stored. The camera's count
//   is the track's own (MediaStreamTrack.stats.deliveredFrames of the track capture reads, taken in the task
//   where the app begins and ends the session; a frame in flight at either moment makes it exact to ±2);
//   stored frames are counted in SQLite. Independently, gaps in the
//   stored capture times (the camera's clock) give the frames missing inside the session, each gap of k frame
//   intervals counting k − 1. The target is met when both are 0 (the first within its ±2).
//   "Camera delivered / nominal" tells a camera that made fewer frames (a starved machine) from frames the
//   app lost; "made" (the track's totalFrames) against "delivered" shows frames the source made and dropped
//   before delivery (its buffers all held, e.g. by an encoder).
// - Long tasks: PerformanceObserver 'longtask' on the page. Each long task is matched with the long animation
//   frame holding it ('long-animation-frame' entries name the scripts that ran, with their time), so a task
//   that ran capture code is told from one where the page ran little script but did not get the CPU.
// - CPU: the machine's busy time (/proc/stat) split into this bench (services + Chromium, /proc/<pid>/stat
//   of the process tree) and everything else, in cores; and the page main thread's CPU time (CDP
//   Performance.getMetrics ThreadTime) against its task time. Other work on a small machine shows here.
// - A long task's wall time includes time its thread waited for a CPU, and so do the script times in long
//   animation frames. So 30 s in the middle of the first minute are traced (Chromium 'toplevel' trace
//   events carry thread CPU time): each long task there is listed with its wall and CPU time. A task is the
//   page's own work only if its CPU time is long; a long wall time with little CPU is the machine.
// Run: npm run build && node_modules/.bin/node bench/recording.ts [minutes=10]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { startBrowserMode } from '../main/browser-mode.ts';
import { fakeCameraLaunch, pulsingFaceY4m, unpluggableCamera, type CameraSwitch } from '../e2e/fake-camera.ts';
import { RecordPage } from '../e2e/pages/record-page.ts';

const MINUTES = Number(process.argv[2] ?? 10);
const LONG_MS = 50;

interface PageProbe {
  /** Frames the camera had delivered to capture when recording began and when Stop was pressed. */
  delivered: { start: number; stop: number };
  /** Frames the camera's source had made by then (delivered, or dropped before delivery). */
  made: { start: number; stop: number };
  longTasks: Array<{ start: number; duration: number }>;
  frames: Array<{ start: number; duration: number; scripts: Array<{ what: string; ms: number }> }>;
}

/** Span of the missing-frames profile, s: when in the session frames went missing (start-up or steady). */
const MISSING_PROFILE_S = 30;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-rec-'));
const y4m = pulsingFaceY4m(path.resolve('test-results', 'fake-camera'), { bpm: 72, seconds: 10 });
const mode = await startBrowserMode(dataDir, 'bench');
const browser = await chromium.launch(fakeCameraLaunch(y4m));
const page = await browser.newPage();
await page.addInitScript(unpluggableCamera);
await page.addInitScript((longMs) => {
  const probe: PageProbe = { delivered: { start: NaN, stop: NaN }, made: { start: NaN, stop: NaN }, longTasks: [], frames: [] };
  (window as unknown as { __probe: PageProbe }).__probe = probe;
  // The app marks the session's first and last frame by the clock when its phase changes; the Stop button
  // shows (or goes) in the same task, so reading the track's count then is exact to a frame in flight.
  let recording = false;
  new MutationObserver(() => {
    const now = document.querySelector('button[title^="Stop"]') !== null;
    if (now === recording) return;
    recording = now;
    // Capture reads the last clone of the camera track: its stats count the frames handed to capture.
    const tracks = (window as unknown as { __camera: CameraSwitch }).__camera.tracks;
    const track = tracks.filter((t) => t.readyState === 'live').at(-1);
    const stats = (track as unknown as { stats?: { deliveredFrames: number; totalFrames: number } } | undefined)?.stats;
    probe.delivered[now ? 'start' : 'stop'] = stats?.deliveredFrames ?? NaN;
    probe.made[now ? 'start' : 'stop'] = stats?.totalFrames ?? NaN;
  }).observe(document, { childList: true, subtree: true });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => probe.longTasks.push({ start: e.startTime, duration: e.duration }))).observe({ type: 'longtask', buffered: true });
  type Script = { invoker: string; sourceURL: string; sourceFunctionName: string; duration: number };
  new PerformanceObserver((list) =>
    list.getEntries().forEach((e) => {
      if (e.duration <= longMs) return;
      const scripts = ((e as unknown as { scripts: Script[] }).scripts ?? []).map((s) => ({ what: `${s.invoker} ${s.sourceFunctionName}@${s.sourceURL.split('/').pop()}`, ms: s.duration }));
      probe.frames.push({ start: e.startTime, duration: e.duration, scripts });
    }),
  ).observe({ type: 'long-animation-frame', buffered: true });
}, LONG_MS);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
// After a full GC: the heap that is kept, not garbage that happens to be waiting for the collector.
const heapMb = async () => {
  await cdp.send('HeapProfiler.collectGarbage');
  return ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / 2 ** 20;
};
const mainThread = async () => {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { cpuS: get('ThreadTime'), taskS: get('TaskDuration') };
};
const rssMb = () => process.memoryUsage().rss / 2 ** 20;
/** Resident memory of all Chromium's processes (browser, renderer, GPU, utilities): what the page costs the machine. */
const chromiumRssMb = () => [...processTree().keys()].reduce((sum, pid) => sum + (pid === process.pid ? 0 : residentKb(pid)), 0) / 1024;
await page.goto(mode.server.entryUrl);
const record = new RecordPage(page);
await record.openWithNewSubject('BENCH');
await page.getByRole('button', { name: 'Start recording' }).click();
await page.evaluate(() => {
  const probe = (window as unknown as { __probe: PageProbe }).__probe;
  probe.longTasks.length = 0;
  probe.frames.length = 0;
});
const cpuAtStart = cpuSnapshot();
const threadAtStart = await mainThread();
const startedAt = Date.now();

const samples: { minute: number; rss: number; chromiumRss: number; heap: number }[] = [];
let cpuMark = cpuAtStart;
let traced: Array<{ wallMs: number; cpuMs: number }> = [];
for (let minute = 1; minute <= MINUTES; minute++) {
  // Traced inside the first minute: the bench process parses the trace, and the memory that takes must
  // be in the reference sample, not read as growth of the services sharing this process.
  if (minute === 1) {
    await page.waitForTimeout(15_000);
    traced = await traceLongTasks(30_000);
  }
  await page.waitForTimeout(minute === 1 ? 15_000 : 60_000);
  const cpu = cpuSnapshot();
  const share = cpuShare(cpuMark, cpu);
  cpuMark = cpu;
  samples.push({ minute, rss: rssMb(), chromiumRss: chromiumRssMb(), heap: await heapMb() });
  const s = samples.at(-1)!;
  console.log(`minute ${minute}: services RSS ${s.rss.toFixed(0)} MB, Chromium RSS ${s.chromiumRss.toFixed(0)} MB, page heap ${s.heap.toFixed(1)} MB, CPU cores: bench ${share.bench.toFixed(2)}, others ${share.others.toFixed(2)} of ${os.cpus().length}; ${await page.getByTestId('frame-counts').textContent()}`);
}
const cpuAtEnd = cpuSnapshot();
const threadAtEnd = await mainThread();
const probe = await page.evaluate(() => {
  const p = (window as unknown as { __probe: PageProbe }).__probe;
  return { longTasks: p.longTasks, frames: p.frames };
});
await page.getByRole('button', { name: 'Stop' }).click();
const recordedS = (Date.now() - startedAt) / 1000;
await page.getByTestId('recording-summary').waitFor({ timeout: 120_000 });
const framesCheck = await page.getByTestId('frames-check').textContent();
const counts = await page.evaluate(() => {
  const { delivered, made } = (window as unknown as { __probe: PageProbe }).__probe;
  return { delivered: delivered.stop - delivered.start, made: made.stop - made.start };
});
const stored = storedFrames();
await browser.close();
await mode.stop();
fs.rmSync(dataDir, { recursive: true, force: true });

const { delivered, made } = counts;
const lostByCount = delivered - stored.count;
const share = cpuShare(cpuAtStart, cpuAtEnd);
const threadCpu = (threadAtEnd.cpuS - threadAtStart.cpuS) / recordedS;
const threadTask = (threadAtEnd.taskS - threadAtStart.taskS) / recordedS;
const attributed = probe.longTasks.map((task) => {
  const frame = probe.frames.find((f) => task.start >= f.start - 1 && task.start < f.start + f.duration);
  const scriptMs = frame?.scripts.reduce((a, s) => a + s.ms, 0) ?? 0;
  const top = frame?.scripts.reduce((a, s) => (s.ms > a.ms ? s : a), { what: '-', ms: 0 });
  return { ...task, scriptMs, top };
});
// Script (wall) time in a long task: an upper bound on what the page ran, preemption included.
const withScript = attributed.filter((t) => t.scriptMs > LONG_MS / 2);
const longest = (a: number[]) => (a.length ? ` (max ${Math.max(...a).toFixed(0)} ms)` : '');

console.log(`\nRecording bench, ${MINUTES} min at 30 fps: ${recordedS.toFixed(0)} s recorded (${framesCheck?.trim()})`);
console.log(`camera made ${made} frames and delivered ${delivered} (${(delivered / recordedS).toFixed(1)} fps; nominal ${Math.round(recordedS * 30)}), stored ${stored.count}, missing inside the stored timeline ${stored.missing}`);
console.log(`missing frames per ${MISSING_PROFILE_S} s of the session: ${stored.profile.join(' ')}`);
console.log(`CPU over the run: bench (services + Chromium) ${share.bench.toFixed(2)} cores, other processes ${share.others.toFixed(2)} cores, of ${os.cpus().length}`);
console.log(`page main thread: CPU ${(threadCpu * 100).toFixed(1)} % of one core, in tasks ${(threadTask * 100).toFixed(1)} % of the time`);
console.log(`traced 30 s: ${traced.length} long tasks${traced.map((t) => ` ${t.wallMs.toFixed(0)} ms wall / ${t.cpuMs.toFixed(0)} ms CPU`).join(',')}`);
for (const t of attributed) console.log(`  long task ${t.duration.toFixed(0)} ms at ${(t.start / 1000).toFixed(0)} s: script ${t.scriptMs.toFixed(0)} ms${t.top && t.top.ms > 0 ? `, most in ${t.top.what} (${t.top.ms.toFixed(0)} ms)` : ''}`);
const first = samples[0]!;
const last = samples.at(-1)!;
const rows = [
  ['dropped frames (delivered−stored)', String(lostByCount), '0 (±2)', Math.abs(lostByCount) <= 2],
  ['frames missing in timeline', String(stored.missing), '0', stored.missing === 0],
  ['long tasks > 50 ms, all', `${attributed.length}${longest(attributed.map((t) => t.duration))}`, '-', true],
  ['… of them running script > 25 ms', `${withScript.length}${longest(withScript.map((t) => t.duration))}`, '-', true],
  ['traced long tasks with CPU > 50 ms', String(traced.filter((t) => t.cpuMs > LONG_MS).length), '0', traced.every((t) => t.cpuMs <= LONG_MS)],
  ['services RSS last/first minute', (last.rss / first.rss).toFixed(3), '< 1.10', last.rss / first.rss < 1.1],
  ['Chromium RSS last/first minute', (last.chromiumRss / first.chromiumRss).toFixed(3), '< 1.10', last.chromiumRss / first.chromiumRss < 1.1],
  // A few MB of JS heap: a ratio of it magnifies noise, so it is shown (and watched for a trend), not judged.
  ['page heap first → last minute', `${first.heap.toFixed(1)} → ${last.heap.toFixed(1)} MB`, '-', true],
] as const;
for (const [what, value, target, ok] of rows) console.log(`${what.padEnd(34)} ${value.padStart(14)}   target ${target.padEnd(7)} ${ok ? 'met' : 'NOT MET'}`);

/** Traces the page for `ms` and returns its main thread's long tasks with their wall and CPU time. */
async function traceLongTasks(ms: number): Promise<Array<{ wallMs: number; cpuMs: number }>> {
  const file = path.join(dataDir, 'trace.json');
  await browser.startTracing(page, { path: file, categories: ['toplevel'] });
  await page.waitForTimeout(ms);
  await browser.stopTracing();
  type TraceEvent = { ph: string; name: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } };
  const events = (JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  fs.rmSync(file);
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return [];
  return events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && (e.dur ?? 0) > LONG_MS * 1000)
    .map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
}

/**
 * Stored frames of the bench's one session, the frames missing between them by their capture times, and
 * those per MISSING_PROFILE_S seconds of the session.
 */
function storedFrames(): { count: number; missing: number; profile: number[] } {
  const db = mode.services.store.db;
  const session = db.prepare('SELECT id, fps FROM sessions').get() as { id: number; fps: number };
  const times = (db.prepare('SELECT t_ms AS t FROM frames WHERE session_id = ? ORDER BY idx').all(session.id) as { t: number }[]).map((r) => r.t);
  const interval = 1000 / (session.fps || 30);
  let missing = 0;
  const profile: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const gap = Math.max(0, Math.round((times[i]! - times[i - 1]!) / interval) - 1);
    missing += gap;
    const span = Math.floor((times[i]! - times[0]!) / 1000 / MISSING_PROFILE_S);
    while (profile.length <= span) profile.push(0);
    profile[span]! += gap;
  }
  return { count: times.length, missing, profile };
}

interface CpuSnapshot {
  /** Busy clock ticks of the whole machine, and of this process with all its descendants. */
  machine: number;
  bench: number;
  at: number;
}

function cpuSnapshot(): CpuSnapshot {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const machine = cpu.slice(0, 8).reduce((a, v, i) => (i === 3 || i === 4 ? a : a + v), 0);
  const bench = [...processTree().values()].reduce((sum, stat) => sum + stat.ticks, 0);
  return { machine, bench, at: Date.now() };
}

/** Parent pid and CPU ticks (user + system) of a process, or null when it has ended. */
function procStat(pid: number): { parent: number; ticks: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null; // the process ended while we listed them
  }
}

/** This process and all its descendants (services run in-process; Chromium is a child tree), with their stats. */
function processTree(): Map<number, { parent: number; ticks: number }> {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  const ours = (pid: number): boolean => pid === process.pid || (pid > 1 && stats.has(pid) && ours(stats.get(pid)!.parent));
  return new Map([...stats].filter(([pid]) => ours(pid)));
}

function residentKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Cores used between two snapshots: by the bench's processes, and by everything else. */
function cpuShare(a: CpuSnapshot, b: CpuSnapshot): { bench: number; others: number } {
  const hz = 100; // USER_HZ on Linux
  const seconds = (b.at - a.at) / 1000;
  const bench = (b.bench - a.bench) / hz / seconds;
  return { bench, others: Math.max(0, (b.machine - a.machine) / hz / seconds - bench) };
}
