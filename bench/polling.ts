// Bench (#22 item 7): what the UI's polling of job and stop progress costs the main process, to decide whether a
// main → renderer event channel is worth having. One status call (contract check, service, wire encoding) against
// the renderer's poll interval; target: under 0.1 % of one core while a job runs.
// Run: node_modules/.bin/node bench/polling.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeWire } from '../common/ipc/wire.ts';
import { openServices } from '../main/services.ts';

/** The shortest poll interval in the renderer (renderer/src/lib/jobs.ts). */
const POLL_MS = 250;
const CALLS = 20_000;
const TARGET_SHARE = 0.001;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-polling-'));
const services = openServices(dir, { version: 'bench', platform: 'linux', shell: 'browser' });
try {
  const polls: [string, unknown][] = [
    ['exports:status', { jobId: 'no-such-job' }],
    ['imports:status', { jobId: 'no-such-job' }],
    ['recording:stop-progress', { sessionId: 1 }],
    ['encryption:status', undefined],
  ];
  for (const [channel, input] of polls) {
    for (let i = 0; i < 500; i++) encodeWire(await services.dispatch(channel, input)); // warm-up
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) encodeWire(await services.dispatch(channel, input));
    const us = ((performance.now() - start) / CALLS) * 1000;
    const share = us / 1000 / POLL_MS;
    console.log(
      `${channel.padEnd(24)} ${us.toFixed(1).padStart(6)} µs a call → ${(share * 100).toFixed(4)} % of a core at one ` +
        `call per ${POLL_MS} ms (target < ${TARGET_SHARE * 100} %): ${share < TARGET_SHARE ? 'met' : 'NOT met'}`,
    );
  }
} finally {
  services.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
