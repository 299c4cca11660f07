// What the bench's processes cost the machine, read from /proc (Linux): CPU of the whole machine, of this
// process with all its descendants (services run in-process; Chromium is a child tree), and of each of their
// threads, and resident memory.
import fs from 'node:fs';

const HZ = 100; // USER_HZ on Linux

export interface CpuSnapshot {
  /** Busy clock ticks of the whole machine, and of this process with all its descendants. */
  machine: number;
  bench: number;
  at: number;
}

export function cpuSnapshot(): CpuSnapshot {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const machine = cpu.slice(0, 8).reduce((a, v, i) => (i === 3 || i === 4 ? a : a + v), 0);
  const bench = [...processTree().values()].reduce((sum, stat) => sum + stat.ticks, 0);
  return { machine, bench, at: Date.now() };
}

/** Cores used between two snapshots: by the bench's processes, and by everything else. */
export function cpuShare(a: CpuSnapshot, b: CpuSnapshot): { bench: number; others: number } {
  const seconds = (b.at - a.at) / 1000;
  const bench = (b.bench - a.bench) / HZ / seconds;
  return { bench, others: Math.max(0, (b.machine - a.machine) / HZ / seconds - bench) };
}

export interface ThreadSnapshot {
  /** CPU ticks by thread, keyed "process thread-name #tid". */
  ticks: Map<string, number>;
  at: number;
}

/** Every thread of the bench's processes with its CPU ticks so far. */
export function threadSnapshot(): ThreadSnapshot {
  const ticks = new Map<string, number>();
  for (const pid of processTree().keys()) {
    const process = processLabel(pid);
    let tids: string[];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // ended
    }
    for (const tid of tids) {
      const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (stat) ticks.set(`${process} ${stat.name} #${tid}`, stat.ticks);
    }
  }
  return { ticks, at: Date.now() };
}

/** The threads that used the most CPU between two snapshots, in cores, busiest first. */
export function busiestThreads(
  a: ThreadSnapshot,
  b: ThreadSnapshot,
  count: number,
): Array<{ thread: string; cores: number }> {
  const seconds = (b.at - a.at) / 1000;
  return [...b.ticks]
    .map(([thread, ticks]) => ({ thread, cores: (ticks - (a.ticks.get(thread) ?? 0)) / HZ / seconds }))
    .sort((x, y) => y.cores - x.cores)
    .slice(0, count);
}

/** Resident memory of a process, kB (0 once it has ended). */
export function residentKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Resident (RSS) and proportional (PSS: shared pages split among their sharers) memory per Chromium process type, MB.
 */
export function memoryByType(): Map<string, { rssMb: number; pssMb: number }> {
  const byType = new Map<string, { rssMb: number; pssMb: number }>();
  for (const pid of processTree().keys()) {
    if (pid === process.pid) continue;
    const type = processLabel(pid);
    const entry = byType.get(type) ?? { rssMb: 0, pssMb: 0 };
    entry.rssMb += residentKb(pid) / 1024;
    entry.pssMb += proportionalKb(pid) / 1024;
    byType.set(type, entry);
  }
  return byType;
}

function proportionalKb(pid: number): number {
  try {
    return Number(/Pss:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** This process and all its descendants, with their parent pid and CPU ticks. */
export function processTree(): Map<number, { parent: number; ticks: number }> {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(`/proc/${entry}/stat`);
    if (stat) stats.set(Number(entry), stat);
  }
  const ours = (pid: number): boolean =>
    pid === process.pid || (pid > 1 && stats.has(pid) && ours(stats.get(pid)!.parent));
  return new Map([...stats].filter(([pid]) => ours(pid)));
}

/** A process or thread's name, parent pid and CPU ticks (user + system), or null when it has ended. */
function readStat(file: string): { name: string; parent: number; ticks: number } | null {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, close),
      parent: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return null; // it ended while we listed them
  }
}

/** "bench" for this process, Chromium's process type (browser, renderer, gpu-process, utility…) for the others. */
function processLabel(pid: number): string {
  if (pid === process.pid) return 'bench';
  try {
    // Chromium rewrites its process title: its arguments are then split by spaces, not NULs.
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    return args.find((a) => a.startsWith('--type='))?.slice('--type='.length) ?? 'browser';
  } catch {
    return '?';
  }
}
