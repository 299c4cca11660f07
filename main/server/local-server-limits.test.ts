// The loopback server under a local flood: a connection cap, and framing forbidden by headers.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MAX_CONNECTIONS, startLocalServer, type LocalServer } from './local-server.ts';

let dir: string;
let server: LocalServer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-limits-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<html><head></head></html>');
  server = await startLocalServer({ rendererDir: dir });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const connect = async () => {
  const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
  await once(socket, 'connect');
  return socket;
};

test(`refuses connections past ${MAX_CONNECTIONS}, and serves again once they close`, async () => {
  const held = [];
  for (let i = 0; i < MAX_CONNECTIONS; i++) held.push(await connect());
  const extra = await connect();
  await once(extra, 'close'); // the server drops it at once
  for (const socket of held) socket.destroy();
  // The server counts the closed sockets as it learns of them: ask until it answers.
  let page: Response | null = null;
  for (let attempt = 0; attempt < 50 && !page; attempt++)
    page = await fetch(`${server.url}/`).catch(
      () => new Promise<null>((resolve) => setTimeout(() => resolve(null), 20)),
    );
  if (!page) throw new Error('the server did not answer after the held connections closed');
  expect(page.status).toBe(200);
  expect(page.headers.get('x-frame-options')).toBe('DENY');
  expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
});
