// Runs inside its own mount namespace on a tmpfs (faults/full-disk.test.ts): starts a recording, lets another
// file take the disk, records until it is full, frees space, stops, then restarts the app on a full disk. Prints what
// the user saw as one JSON line.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AppProcess } from '../app-process.ts';
import { noiseChunk } from '../frames.ts';

const dir = process.argv[2]!;
const filler = path.join(dir, '..', 'filler.bin');
/** Takes all but `leave` bytes of the disk with one file (fallocate: no time spent writing). */
function fill(leave: number): void {
  const { bavail, bsize } = fs.statfsSync(path.dirname(filler));
  execFileSync('fallocate', ['-l', String(Math.max(4096, bavail * bsize - leave)), filler]);
}

const seen: Record<string, unknown> = {};
fs.mkdirSync(dir);
let app = await AppProcess.start(dir);
const subject = await app.value('subjects:create', { studyId: 1, code: 'FULL-1' });
// Start checks for room (several minutes of recording); then something else takes the disk but 3 MB.
const session = await app.value('recording:start', { subjectId: subject.id, fps: 30 });
fill(3 * 1024 ** 2);
let acknowledged = 0;
for (let f = 0; ; f += 30) {
  const stored = await app.call('recording:append-frames', { sessionId: session.id, ...noiseChunk(f, 30) });
  if (!stored.ok) {
    seen.appendError = stored.error;
    break;
  }
  acknowledged = stored.value.frameCount;
}
seen.acknowledged = acknowledged;
seen.stopOnFullDisk = await app.call('recording:stop', { sessionId: session.id });
fs.rmSync(filler);
seen.stopAfterFreeing = await app.call('recording:stop', { sessionId: session.id });
seen.session = await app.call('sessions:get', { id: session.id });
await app.kill9();

fill(0);
try {
  app = await AppProcess.start(dir);
  seen.restart = {
    started: true,
    info: await app.call('app:info'),
    sessions: await app.call('sessions:list', { subjectId: subject.id }),
  };
  seen.restartOutput = app.output;
  await app.stop();
} catch (error) {
  seen.restart = { started: false, output: (error as { output?: string }).output ?? String(error) };
}
console.log(JSON.stringify(seen));
