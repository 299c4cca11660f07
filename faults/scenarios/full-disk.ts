// Runs inside its own mount namespace on a small tmpfs (faults/full-disk.test.ts): records until the disk is
// full, frees space, stops, then restarts the app on a full disk. Prints what the user saw as one JSON line.
import fs from 'node:fs';
import path from 'node:path';
import { AppProcess } from '../app-process.ts';
import { noiseChunk } from '../frames.ts';

const dir = process.argv[2]!;
const filler = path.join(dir, '..', 'filler.bin');
/** Fills the disk with a file that can be removed later; returns its size. */
function fill(file: string): number {
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  try {
    for (;;) bytes += fs.writeSync(fd, Buffer.alloc(64 * 1024));
  } catch {
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

const seen: Record<string, unknown> = {};
fs.mkdirSync(dir);
// Room for the database and a few chunks, with 256 KB held back to free later.
fs.writeFileSync(filler, Buffer.alloc(256 * 1024));
let app = await AppProcess.start(dir);
const subject = await app.value('subjects:create', { studyId: 1, code: 'FULL-1' });
const session = await app.value('recording:start', { subjectId: subject.id, fps: 30 });
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

fill(filler);
try {
  app = await AppProcess.start(dir);
  seen.restart = { started: true, info: await app.call('app:info'), sessions: await app.call('sessions:list', { subjectId: subject.id }) };
  seen.restartOutput = app.output;
  await app.stop();
} catch (error) {
  seen.restart = { started: false, output: (error as { output?: string }).output ?? String(error) };
}
console.log(JSON.stringify(seen));
