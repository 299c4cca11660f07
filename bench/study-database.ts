// Bench: the central study database on a throwaway PostgreSQL on this machine — sync throughput (sessions/s, MB/s)
// for synthetic stations of 1,000 and 10,000 session records (first sync, then a sync that finds nothing new), and
// re-analysis jobs/s with 1, 2 and 4 worker processes, all measured in one run.
// Run: node_modules/.bin/node bench/study-database.ts [--sessions 10000] [--jobs 24] [--crop-seconds 10]
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { queueReanalyses, openQueue, sessionsWithCrops } from '../main/central/analysis-queue.ts';
import { syncStation } from '../main/central/sync.ts';
import { openStore } from '../main/store/index.ts';
import { analysisSettings } from '../common/sessions.ts';
import { startTestPostgres } from '../scripts/throwaway-postgres.ts';
import { fillStation, writeSessionCrops } from '../scripts/synth/station.ts';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    jobs: { type: 'string', default: '24' },
    'crop-seconds': { type: 'string', default: '10' },
  },
});
const SESSIONS = Number(values.sessions);
const JOBS = Number(values.jobs);
const CROP_SECONDS = Number(values['crop-seconds']);
/** Per session: 20 s of frame index at 30 frames/s, its analysis (HR series, waveform), a marker and a 16 kB video. */
const PER_SESSION = { framesPerSession: 600, mediaBytes: 16_000 };
const CLI = path.resolve(import.meta.dirname, '..', 'main', 'cli', 'pulse-studio.ts');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-db-'));
const server = await startTestPostgres();
const seconds = (t0: number) => (performance.now() - t0) / 1000;

async function syncScale(sessions: number): Promise<void> {
  const url = await server.createDatabase(`sync_${sessions}`);
  const store = openStore(path.join(root, `station-${sessions}`));
  store.db.pragma('synchronous = OFF'); // filling only: the bench's data need not survive a power cut
  let t0 = performance.now();
  await fillStation(store, {
    study: 'Bench',
    prefix: 'S',
    subjects: Math.ceil(sessions / 10),
    sessionsPerSubject: 10,
    ...PER_SESSION,
  });
  const fillS = seconds(t0);
  store.db.pragma('synchronous = FULL');
  const dbMb = fs.statSync(path.join(store.dataDir, 'pulse-studio.db')).size / 1e6;
  const media = fs.mkdtempSync(path.join(root, 'media-'));
  t0 = performance.now();
  const first = await syncStation(store, { url, mediaRoot: media, appVersion: 'bench' });
  const firstS = seconds(t0);
  t0 = performance.now();
  await syncStation(store, { url, mediaRoot: media, appVersion: 'bench' });
  const againS = seconds(t0);
  const sent = first.units.session.new;
  console.log(
    `sync ${sent} sessions (${sessions * PER_SESSION.framesPerSession} frame rows, ${first.logEntries} audit entries, station db ${dbMb.toFixed(0)} MB, media ${(first.mediaBytes / 1e6).toFixed(0)} MB; filled in ${fillS.toFixed(0)} s): ` +
      `first sync ${firstS.toFixed(1)} s = ${(sent / firstS).toFixed(0)} sessions/s, ${((dbMb + first.mediaBytes / 1e6) / firstS).toFixed(1)} MB/s (db + media); ` +
      `sync with nothing new ${againS.toFixed(2)} s`,
  );
  store.close();
}

function startWorker(url: string, media: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', '--db', url, '--media', media, '--model', 'none'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (b: Buffer) => {
      err += b;
      if (/waiting for jobs/.test(err)) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
  });
}

async function jobsPerSecond(): Promise<void> {
  const url = await server.createDatabase('jobs');
  const store = openStore(path.join(root, 'station-jobs'));
  const ids = await fillStation(store, {
    study: 'Jobs',
    prefix: 'J',
    subjects: 1,
    sessionsPerSubject: JOBS,
    framesPerSession: 30,
    mediaBytes: 0,
  });
  for (const id of ids) await writeSessionCrops(store, id, CROP_SECONDS);
  const media = fs.mkdtempSync(path.join(root, 'media-'));
  await syncStation(store, { url, mediaRoot: media, appVersion: 'bench' });
  store.close();
  const client = new pg.Client(url);
  await client.connect();
  const sessions = await sessionsWithCrops(client);
  const boss = await openQueue(url, { supervise: false });
  const rates: string[] = [];
  for (const workers of [1, 2, 4]) {
    const children = await Promise.all(Array.from({ length: workers }, () => startWorker(url, media)));
    const before = Number(
      (await client.query(`SELECT count(*) AS n FROM pg_tables WHERE tablename = 'reanalyses'`)).rows[0].n,
    )
      ? Number((await client.query('SELECT count(*) AS n FROM reanalyses')).rows[0].n)
      : 0;
    const t0 = performance.now();
    await queueReanalyses(boss, sessions, analysisSettings.parse({ method: 'pos' }));
    while (Number((await client.query('SELECT count(*) AS n FROM reanalyses')).rows[0].n) < before + sessions.length)
      await new Promise((r) => setTimeout(r, 100));
    const s = seconds(t0);
    rates.push(`${workers} worker${workers > 1 ? 's' : ''}: ${(sessions.length / s).toFixed(2)} jobs/s`);
    await Promise.all(children.map((c) => new Promise((r) => (c.on('exit', r), c.kill('SIGINT')))));
  }
  await boss.stop({ graceful: false, close: true });
  await client.end();
  console.log(
    `re-analysis jobs (${sessions.length} jobs of ${CROP_SECONDS} s of face crops, POS, one job at a time per worker process; ${os.cpus().length} cores): ${rates.join(', ')}`,
  );
}

try {
  for (const n of [Math.round(SESSIONS / 10), SESSIONS]) await syncScale(n);
  if (JOBS > 0) await jobsPerSecond();
} finally {
  server.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
