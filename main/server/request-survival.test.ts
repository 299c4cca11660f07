// No request, however malformed or cut short, ends the browser-mode server: each is sent
// to a server in a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import readline from 'node:readline';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { encodeWire } from '../../common/ipc/wire.ts';
import { TOKEN_HEADER, tokenMatches } from './local-server.ts';

let child: ChildProcess;
let server: { url: string; token: string; cookie: { name: string; value: string } };
let exitedWith: string | null = null;

beforeAll(async () => {
  child = spawn(process.execPath, [new URL('../../testing/server-child.ts', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.on('exit', (code, signal) => (exitedWith = `code ${code}, signal ${signal}`));
  const lines = readline.createInterface({ input: child.stdout! });
  const [line] = await lines[Symbol.asyncIterator]()
    .next()
    .then((r) => [r.value as string]);
  server = JSON.parse(line!);
});
afterAll(() => void child.kill('SIGTERM'));

/** Raw bytes on a socket: no client-side header checks, and the connection can be dropped at any point. */
function send(head: string, body: Uint8Array = new Uint8Array(0), dropAfterBody = false): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(Buffer.from(head, 'latin1'));
      socket.write(body);
      // Half-close: the server sees the body end early, and our 'close' waits for its reaction.
      if (dropAfterBody) socket.end();
    });
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('close', () => resolve(reply));
    socket.on('error', () => resolve(reply));
  });
}

const host = () => `Host: ${new URL(server.url).host}\r\n`;
const post = (headers: string, length: number) =>
  `POST /api/studies%3Alist HTTP/1.1\r\n${host()}${headers}Content-Length: ${length}\r\nConnection: close\r\n\r\n`;

/** A whole, valid API call with these extra headers. */
function call(headers: string): Promise<string> {
  const body = encodeWire({});
  return send(post(headers, body.length), body);
}

async function stillServes(): Promise<void> {
  const reply = await call(`${TOKEN_HEADER}: ${server.token}\r\n`);
  expect(exitedWith).toBeNull();
  expect(reply).toMatch(/^HTTP\/1\.1 200/);
}

test('a token of the right length in multi-byte characters is refused, and the server lives', async () => {
  // 48 characters, as many as the token, but 96 bytes in UTF-8.
  const reply = await call(`${TOKEN_HEADER}: ${'\u00e9'.repeat(48)}\r\n`);
  expect(reply).toMatch(/^HTTP\/1\.1 403/);
  await stillServes();
});

test('a planted media cookie of that shape is refused, and the server lives', async () => {
  const cookie = `Cookie: ${server.cookie.name}=${'\u00e9'.repeat(48)}\r\n`;
  expect(await call(`${TOKEN_HEADER}: ${server.token}\r\n${cookie}`)).toMatch(/^HTTP\/1\.1 200/);
  expect(
    await send(`GET /media/sessions/1/video.webm HTTP/1.1\r\n${host()}${cookie}Connection: close\r\n\r\n`),
  ).toMatch(/^HTTP\/1\.1 403/);
  await stillServes();
});

test('an upload dropped mid-body ends that request only', async () => {
  // Announces 12 MB, sends 1 MB, closes the socket: a tab closed during a frame chunk.
  await send(post(`${TOKEN_HEADER}: ${server.token}\r\n`, 12 << 20), new Uint8Array(1 << 20), true);
  await stillServes();
});

test('a request cut inside its headers, and garbage instead of HTTP, end nothing', async () => {
  await send(`POST /api/x HTTP/1.1\r\n${host()}${TOKEN_HEADER}: ${server.token.slice(0, 10)}`, new Uint8Array(0), true);
  await send('\u0000\u00ff garbage\r\n\r\n');
  await stillServes();
});

test('tokenMatches compares whole tokens only', () => {
  expect(tokenMatches('abc', 'abc')).toBe(true);
  for (const given of ['abd', 'ab', 'abcd', '\u00e9\u00e9\u00e9', undefined, ['abc']])
    expect(tokenMatches(given, 'abc')).toBe(false);
});
