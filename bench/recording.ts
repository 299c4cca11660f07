// Bench: a long fake-camera recording at 30 fps through the real UI and services (browser mode, Chromium).
// Targets: no dropped frames, no main-thread long task (> 50 ms) caused by capture, RSS growth < 10 % over
// the run for the services and for Chromium's processes (the first minute is the reference each growth ratio
// is measured against). The page's JS heap is shown beside them, read after a forced GC (what the page keeps).
//
// Method, so the numbers mean what they say:
// - Dropped frames: frames the camera delivered during the session that are not stored. The camera's count
//   is the track's own (MediaStreamTrack.stats.deliveredFrames of the track capture reads, taken in the task
//   where the app begins and ends the session; a frame in flight at either moment makes it exact to ±2);
//   stored frames are counted in SQLite. The stored capture times (the camera's clock) then account for every
//   frame the session should hold: its span at the nominal rate, less what is stored, is the frames missing,
//   and splits into three parts. Made by the camera over the span (the track's totalFrames) short of the
//   span's count: frames the camera never made (a fake camera's thread starved on a loaded machine); made
//   but not delivered (the track's discardedFrames): frames the browser let go before the app saw them;
//   delivered but not stored: frames the app lost. The last two are the app's to keep at 0. A single late
//   frame shows as a gap in the times and is no loss: the span's count is what is judged, gaps are listed.
//   Inside the edges (±2), loss is also tracked through the session, which shows when frames went: the
//   track's delivered count polled every 100 ms against the frames stored with a capture time up to then.
// - Long tasks: PerformanceObserver 'longtask' on the page. Each long task is matched with the long animation
//   frame holding it ('long-animation-frame' entries name the scripts that ran, with their time), so a task
//   that ran capture code is told from one where the page ran little script but did not get the CPU.
// - CPU: the machine's busy time (/proc/stat) split into this bench (services + Chromium, /proc/<pid>/stat
//   of the process tree) and everything else, in cores; and the page main thread's CPU time (CDP
//   Performance.getMetrics ThreadTime) against its task time. Other work on a small machine shows here.
// - A long task's wall time includes time its thread waited for a CPU, and so do the script times in long
//   animation frames. So the last 30 s before Stop are traced (Chromium 'toplevel' trace events carry
//   thread CPU time): each long task there is listed with its wall and CPU time. A task is the page's own
//   work only if its CPU time is long; a long wall time with little CPU is the machine.
// - Memory: per Chromium process type too, as RSS and as PSS (a page shared by processes, such as the
//   camera's frame buffers, counts once in PSS and in every sharer's RSS). DevTools (Playwright) keeps
//   request bodies up to a fixed buffer, filled before Start so that it is in the reference (devtools-buffer.ts).
// Run: npm run build && node_modules/.bin/node bench/recording.ts [minutes=10]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { startBrowserMode } from '../main/browser-mode.ts';
import { fakeCameraLaunch, pulsingFaceY4m, unpluggableCamera, type CameraSwitch } from '../e2e/fake-camera.ts';
import { RecordPage } from '../e2e/pages/record-page.ts';
import { fillDevtoolsBuffer } from './devtools-buffer.ts';
import {
  busiestThreads,
  cpuShare,
  cpuSnapshot,
  memoryByType,
  processTree,
  residentKb,
  threadSnapshot,
} from './proc-stats.ts';

const MINUTES = Number(process.argv[2] ?? 10);
const LONG_MS = 50;

interface PageProbe {
  /** Frames the camera had delivered to capture when recording began and when Stop was pressed. */
  delivered: { start: number; stop: number };
  /** Frames the camera's source had made by then (delivered, or dropped before delivery). */
  made: { start: number; stop: number };
  /** The track's delivered count sampled every POLL_MS: [time on the capture clock, ms; frames delivered]. */
  polls: Array<[number, number]>;
  longTasks: Array<{ start: number; duration: number }>;
  frames: Array<{ start: number; duration: number; scripts: Array<{ what: string; ms: number }> }>;
}

/** Span of the missing-frames profile, s: when in the session frames went missing (start-up or steady). */
const MISSING_PROFILE_S = 30;
const POLL_MS = 100;
const TRACE_MS = 30_000;
const SETTLE_MS = 1000;
/** Seconds of polls whose lowest difference counts as settled (lost frames) in lostOverTime. */
const SETTLED_S = 3;
/** A performance mark the page sets just before Stop: the traced tasks judged are those before it. */
const STOP_MARK = 'bench-stop';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-rec-'));
const y4m = pulsingFaceY4m(path.resolve('test-results', 'fake-camera'), { bpm: 72, seconds: 10 });
const mode = await startBrowserMode(dataDir, 'bench');
const browser = await chromium.launch(fakeCameraLaunch(y4m));
const page = await browser.newPage();
await page.addInitScript(unpluggableCamera);
await page.addInitScript(
  ({ longMs, pollMs }) => {
    const probe: PageProbe = {
      delivered: { start: NaN, stop: NaN },
      made: { start: NaN, stop: NaN },
      polls: [],
      longTasks: [],
      frames: [],
    };
    (window as unknown as { __probe: PageProbe }).__probe = probe;
    // Capture reads the last clone of the camera track: its stats count the frames handed to capture.
    const cameraCounts = () => {
      const tracks = (window as unknown as { __camera: CameraSwitch }).__camera.tracks;
      const track = tracks.filter((t) => t.readyState === 'live').at(-1);
      const stats = (track as unknown as { stats?: { deliveredFrames: number; totalFrames: number } } | undefined)
        ?.stats;
      return { delivered: stats?.deliveredFrames ?? NaN, made: stats?.totalFrames ?? NaN };
    };
    (window as unknown as { __cameraCounts: typeof cameraCounts }).__cameraCounts = cameraCounts;
    // The app marks the session's first and last frame by the clock when its phase changes; the Stop button
    // shows (or goes) in the same task, so reading the track's count then is exact to a frame in flight.
    let recording = false;
    new MutationObserver(() => {
      const now = document.querySelector('button[title^="Stop"]') !== null;
      if (now === recording) return;
      recording = now;
      const counts = cameraCounts();
      probe.delivered[now ? 'start' : 'stop'] = counts.delivered;
      probe.made[now ? 'start' : 'stop'] = counts.made;
    }).observe(document, { childList: true, subtree: true });
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => probe.longTasks.push({ start: e.startTime, duration: e.duration })),
    ).observe({ type: 'longtask', buffered: true });
    type Script = { invoker: string; sourceURL: string; sourceFunctionName: string; duration: number };
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => {
        if (e.duration <= longMs) return;
        const scripts = ((e as unknown as { scripts: Script[] }).scripts ?? []).map((s) => ({
          what: `${s.invoker} ${s.sourceFunctionName}@${s.sourceURL.split('/').pop()}`,
          ms: s.duration,
        }));
        probe.frames.push({ start: e.startTime, duration: e.duration, scripts });
      }),
    ).observe({ type: 'long-animation-frame', buffered: true });
    // On the clock capture stamps frames with (timeOrigin + now, as the capture worker maps the camera's).
    setInterval(() => {
      const { delivered } = cameraCounts();
      if (Number.isFinite(delivered)) probe.polls.push([performance.timeOrigin + performance.now(), delivered]);
    }, pollMs);
  },
  { longMs: LONG_MS, pollMs: POLL_MS },
);
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
const chromiumRssMb = () =>
  [...processTree().keys()].reduce((sum, pid) => sum + (pid === process.pid ? 0 : residentKb(pid)), 0) / 1024;
await page.goto(mode.server.entryUrl);
const record = new RecordPage(page);
await record.openWithNewSubject('BENCH');
await fillDevtoolsBuffer(page, mode.server);
await page.getByRole('button', { name: 'Start recording' }).click();
await page.evaluate(() => {
  const probe = (window as unknown as { __probe: PageProbe }).__probe;
  probe.longTasks.length = 0;
  probe.frames.length = 0;
});
const cpuAtStart = cpuSnapshot();
const threadsAtStart = threadSnapshot();
const threadAtStart = await mainThread();
const startedAt = Date.now();

const samples: { minute: number; rss: number; chromiumRss: number; heap: number }[] = [];
let cpuMark = cpuAtStart;
let memoryAtFirst = memoryByType();
for (let minute = 1; minute <= MINUTES; minute++) {
  await page.waitForTimeout(60_000);
  const cpu = cpuSnapshot();
  const share = cpuShare(cpuMark, cpu);
  cpuMark = cpu;
  // Memory is read after a full GC of the page and a moment to settle: what is kept, not garbage waiting for
  // the collector.
  const heap = await heapMb();
  await page.waitForTimeout(SETTLE_MS);
  samples.push({ minute, rss: rssMb(), chromiumRss: chromiumRssMb(), heap });
  if (minute === 1) memoryAtFirst = memoryByType();
  const s = samples.at(-1)!;
  // Since Start: what the camera made and delivered against its nominal rate, beside what the app shows.
  const camera = await page.evaluate(() => {
    const { delivered, made } = (window as unknown as { __probe: PageProbe }).__probe;
    const now = (window as unknown as { __cameraCounts: () => { delivered: number; made: number } }).__cameraCounts();
    return { delivered: now.delivered - delivered.start, made: now.made - made.start };
  });
  const nominal = Math.round(((Date.now() - startedAt) / 1000) * 30);
  console.log(
    `minute ${minute}: services RSS ${s.rss.toFixed(0)} MB, Chromium RSS ${s.chromiumRss.toFixed(0)} MB, page heap ${s.heap.toFixed(1)} MB, CPU cores: bench ${share.bench.toFixed(2)}, others ${share.others.toFixed(2)} of ${os.cpus().length}; camera made ${camera.made}, delivered ${camera.delivered} of nominal ${nominal}; ${await page.getByTestId('frame-counts').textContent()}`,
  );
}
const memoryAtLast = memoryByType();
// The session's last TRACE_MS are traced, after the last sample and across Stop: ending a trace is a burst
// of CPU (Chromium flushes every thread's buffer, this process parses the file) that on a small machine
// starves the camera's and capture's threads, so it must come after the session's last frame.
const traceFile = path.join(dataDir, 'trace.json');
await browser.startTracing(page, { path: traceFile, categories: ['toplevel', 'blink.user_timing'] });
await page.waitForTimeout(TRACE_MS);
const cpuAtEnd = cpuSnapshot();
const threadsAtEnd = threadSnapshot();
const threadAtEnd = await mainThread();
const probe = await page.evaluate((mark) => {
  const p = (window as unknown as { __probe: PageProbe }).__probe;
  performance.mark(mark);
  return { longTasks: p.longTasks, frames: p.frames };
}, STOP_MARK);
await page.getByRole('button', { name: 'Stop' }).click();
const recordedS = (Date.now() - startedAt) / 1000;
await page.getByTestId('recording-summary').waitFor({ timeout: 120_000 });
await browser.stopTracing();
const traced = tracedLongTasks(traceFile);
const framesCheck = await page.getByTestId('frames-check').textContent();
const counts = await page.evaluate(() => {
  const { delivered, made, polls } = (window as unknown as { __probe: PageProbe }).__probe;
  return { delivered: delivered.stop - delivered.start, made: made.stop - made.start, polls };
});
const stored = storedFrames();
const tracked = lostOverTime(counts.polls, stored.times);
await browser.close();
await mode.stop();
fs.rmSync(dataDir, { recursive: true, force: true });

const { delivered, made } = counts;
const lostByCount = delivered - stored.count;
const discarded = made - delivered;
const neverMade = stored.spanFrames - made;
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
console.log(
  `the stored timeline spans ${stored.spanFrames} frame times at 30 fps; the camera made ${made} (${(made / recordedS).toFixed(1)} fps) and delivered ${delivered}; ${stored.count} are stored`,
);
console.log(
  `frames missing: ${stored.missing} = never made ${neverMade} + discarded by the browser ${discarded} + lost by the app ${lostByCount}`,
);
console.log(`missing frames per ${MISSING_PROFILE_S} s of the session: ${stored.profile.join(' ')}`);
console.log(
  `lost by the app, tracked every ${POLL_MS} ms (the track's delivered count less the frames stored up to then, Start's and Stop's second left out): ${tracked.lost}; per ${MISSING_PROFILE_S} s: ${tracked.profile.join(' ')}; raised to a new height (by a loss, or a while by a frame in flight) at ${tracked.steps.map((s) => `${s.atS} s +${s.frames}`).join(', ') || '-'}`,
);
console.log(
  `gaps in the frame times (a late frame or a missing one; session time, frame intervals skipped): ${
    stored.gaps
      .slice(0, 40)
      .map((g) => `${g.atS.toFixed(1)} s ×${g.frames}`)
      .join(', ') || 'none'
  }${stored.gaps.length > 40 ? ` and ${stored.gaps.length - 40} more` : ''}`,
);
console.log(
  `CPU over the run: bench (services + Chromium) ${share.bench.toFixed(2)} cores, other processes ${share.others.toFixed(2)} cores, of ${os.cpus().length}`,
);
console.log(
  `busiest threads (cores):${busiestThreads(threadsAtStart, threadsAtEnd, 16)
    .map((t) => `\n  ${t.cores.toFixed(3)}  ${t.thread}`)
    .join('')}`,
);
const types = [...new Set([...memoryAtFirst.keys(), ...memoryAtLast.keys()])].sort();
const mb = (m: { rssMb: number; pssMb: number } | undefined) =>
  m ? `${m.rssMb.toFixed(0)}/${m.pssMb.toFixed(0)}` : '-';
console.log(
  `Chromium memory by process type, RSS/PSS MB (PSS: shared pages split among their sharers), first → last minute:${types.map((t) => `\n  ${t.padEnd(12)} ${mb(memoryAtFirst.get(t))} → ${mb(memoryAtLast.get(t))}`).join('')}`,
);
console.log(
  `page main thread: CPU ${(threadCpu * 100).toFixed(1)} % of one core, in tasks ${(threadTask * 100).toFixed(1)} % of the time`,
);
console.log(
  `traced the last ${TRACE_MS / 1000} s before Stop: ${traced.length} long tasks${traced.map((t) => ` ${t.wallMs.toFixed(0)} ms wall / ${t.cpuMs.toFixed(0)} ms CPU`).join(',')}`,
);
for (const t of attributed)
  console.log(
    `  long task ${t.duration.toFixed(0)} ms at ${(t.start / 1000).toFixed(0)} s: script ${t.scriptMs.toFixed(0)} ms${t.top && t.top.ms > 0 ? `, most in ${t.top.what} (${t.top.ms.toFixed(0)} ms)` : ''}`,
  );
const first = samples[0]!;
const last = samples.at(-1)!;
const rows = [
  ['dropped frames (delivered−stored)', String(lostByCount), '0 (±2)', Math.abs(lostByCount) <= 2],
  ['… tracked over the session', String(tracked.lost), '0 (±1)', Math.abs(tracked.lost) <= 1],
  ['discarded by the browser (made−delivered)', String(discarded), '0 (±2)', Math.abs(discarded) <= 2],
  // The camera's own shortfall: a fake camera on a machine this loaded makes frames late, and skips one now and then.
  ['never made by the camera', String(neverMade), '-', true],
  ['long tasks > 50 ms, all', `${attributed.length}${longest(attributed.map((t) => t.duration))}`, '-', true],
  ['… of them running script > 25 ms', `${withScript.length}${longest(withScript.map((t) => t.duration))}`, '-', true],
  [
    'traced long tasks with CPU > 50 ms',
    String(traced.filter((t) => t.cpuMs > LONG_MS).length),
    '0',
    traced.every((t) => t.cpuMs <= LONG_MS),
  ],
  ['services RSS last/first minute', (last.rss / first.rss).toFixed(3), '< 1.10', last.rss / first.rss < 1.1],
  [
    'Chromium RSS last/first minute',
    (last.chromiumRss / first.chromiumRss).toFixed(3),
    '< 1.10',
    last.chromiumRss / first.chromiumRss < 1.1,
  ],
  // A few MB of JS heap: a ratio of it magnifies noise, so it is shown (and watched for a trend), not judged.
  ['page heap first → last minute', `${first.heap.toFixed(1)} → ${last.heap.toFixed(1)} MB`, '-', true],
] as const;
for (const [what, value, target, ok] of rows)
  console.log(`${what.padEnd(42)} ${value.padStart(14)}   target ${target.padEnd(7)} ${ok ? 'met' : 'NOT MET'}`);

/**
 * The page main thread's long tasks in a trace, before the Stop mark (all, if it is
 * missing), with their wall and CPU time.
 */
function tracedLongTasks(file: string): Array<{ wallMs: number; cpuMs: number }> {
  type TraceEvent = {
    ph: string;
    name: string;
    pid: number;
    tid: number;
    ts: number;
    dur?: number;
    tdur?: number;
    args?: { name?: string };
  };
  const events = (JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  fs.rmSync(file);
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return [];
  const stopTs = events.find((e) => e.name === STOP_MARK)?.ts ?? Infinity;
  return events
    .filter(
      (e) =>
        e.pid === main.pid &&
        e.tid === main.tid &&
        e.ph === 'X' &&
        e.name === 'ThreadControllerImpl::RunTask' &&
        e.ts < stopTs &&
        (e.dur ?? 0) > LONG_MS * 1000,
    )
    .map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
}

/**
 * Stored frames of the bench's one session; the frames missing from them, by their capture times (the span's
 * count at the session's rate, less those stored) over the session and per MISSING_PROFILE_S seconds of it;
 * and the gaps between frames (a late frame makes one, a lost frame too).
 */
function storedFrames(): {
  times: number[];
  count: number;
  spanFrames: number;
  missing: number;
  profile: number[];
  gaps: Array<{ atS: number; frames: number }>;
} {
  const db = mode.services.store.db;
  const session = db.prepare('SELECT id, fps FROM sessions').get() as { id: number; fps: number };
  const times = (
    db.prepare('SELECT t_ms AS t FROM frames WHERE session_id = ? ORDER BY idx').all(session.id) as { t: number }[]
  ).map((r) => r.t);
  const interval = 1000 / (session.fps || 30);
  const framesBy = (i: number) => Math.round((times[i]! - times[0]!) / interval) + 1;
  const gaps: Array<{ atS: number; frames: number }> = [];
  /** Per span: frames missing up to its last frame (a span without frames keeps the count before it). */
  const missingBy: number[] = [];
  for (let i = 0; i < times.length; i++) {
    const gap = i > 0 ? Math.round((times[i]! - times[i - 1]!) / interval) - 1 : 0;
    if (gap > 0) gaps.push({ atS: (times[i - 1]! - times[0]!) / 1000, frames: gap });
    const span = Math.floor((times[i]! - times[0]!) / 1000 / MISSING_PROFILE_S);
    while (missingBy.length < span) missingBy.push(missingBy.at(-1) ?? 0);
    missingBy[span] = framesBy(i) - (i + 1);
  }
  const profile = increments(missingBy);
  const spanFrames = times.length ? framesBy(times.length - 1) : 0;
  return { times, count: times.length, spanFrames, missing: spanFrames - times.length, profile, gaps };
}

/**
 * Frames the app lost, over time: at each poll, the frames the track had delivered less those stored with a
 * capture time up to then. That difference holds still but for a frame or two in flight, and a frame lost
 * raises it for good; so its floor over a few seconds, against the first seconds', is what was lost by then. The
 * first and last second of the session (Start and Stop, where capture's cut-off and the count differ by
 * what is in flight) are left out: the count from Start to Stop covers them, to ±2.
 */
function lostOverTime(
  polls: Array<[number, number]>,
  times: number[],
): { lost: number; profile: number[]; steps: Array<{ atS: number; frames: number }> } {
  const [first, last] = [times[0] ?? 0, times.at(-1) ?? 0];
  const floors: number[] = [];
  let stored = 0;
  for (const [t, delivered] of polls) {
    while (stored < times.length && times[stored]! <= t) stored++;
    if (t < first + 1000 || t > last - 1000) continue;
    const second = Math.floor((t - first - 1000) / 1000);
    floors[second] = Math.min(floors[second] ?? Infinity, delivered - stored);
  }
  // A frame in flight lifts a second's floor now and then; a loss lifts every floor after it.
  const settled = floors.map((_, k) => Math.min(...floors.slice(k, k + SETTLED_S).filter((f) => f !== undefined)));
  const base = settled.find((f) => Number.isFinite(f)) ?? 0;
  /** Lost by the end of each second (a second without polls keeps the count before it). */
  const lostBy: number[] = [];
  for (let k = 0; k < settled.length; k++)
    lostBy.push(Number.isFinite(settled[k]) ? settled[k]! - base : (lostBy.at(-1) ?? 0));
  // Where the count first reaches a new height: a frame in flight for long can still lift it for a while.
  const steps: Array<{ atS: number; frames: number }> = [];
  let high = 0;
  lostBy.forEach((n, k) => {
    if (n <= high) return;
    steps.push({ atS: k + 1, frames: n - high });
    high = n;
  });
  const windowEnds = lostBy.filter((_, k) => (k + 1) % MISSING_PROFILE_S === 0 || k === lostBy.length - 1);
  return { lost: lostBy.at(-1) ?? 0, profile: increments(windowEnds), steps };
}

/** What a running total added at each step. */
function increments(totals: number[]): number[] {
  return totals.map((n, k) => n - (totals[k - 1] ?? 0));
}
