// Test fixture: a local server in its own process (so a test can see whether a request ends it); prints its address.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ok } from '../common/ipc/result.ts';
import { startLocalServer } from '../main/server/local-server.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-server-child-'));
fs.writeFileSync(path.join(dir, 'index.html'), '<html><head></head></html>');
fs.writeFileSync(path.join(dir, 'bridge.js'), '');
const server = await startLocalServer({
  rendererDir: dir,
  api: { bridgeFile: path.join(dir, 'bridge.js'), dispatch: async () => ok('alive') },
});
process.stdout.write(`${JSON.stringify({ url: server.url, token: server.token, cookie: server.mediaCookie })}\n`);
process.on('SIGTERM', () => void server.close().then(() => fs.rmSync(dir, { recursive: true, force: true })));
