import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ok } from '../../common/ipc/result.ts';
import { decodeWire, encodeWire } from '../../common/ipc/wire.ts';
import { webmVideo } from '../../testing/media.ts';
import { BRIDGE_PATH, startLocalServer, TOKEN_HEADER, type LocalServer } from './local-server.ts';

let dir: string;
let server: LocalServer;
const calls: [unknown, unknown][] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-server-'));
  fs.mkdirSync(path.join(dir, 'renderer', 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<html><head><title>t</title></head></html>');
  fs.writeFileSync(path.join(dir, 'renderer', 'assets', 'a.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  fs.writeFileSync(path.join(dir, 'bridge.js'), '/* bridge */');
  const video = webmVideo(path.join(dir, 'video.webm'));
  server = await startLocalServer({
    rendererDir: path.join(dir, 'renderer'),
    api: {
      bridgeFile: path.join(dir, 'bridge.js'),
      dispatch: async (channel, input) => (calls.push([channel, input]), ok('done')),
    },
    media: (sessionId) => (sessionId === 7 ? { file: video, size: fs.statSync(video).size, key: null } : null),
  });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Raw request, so Host and paths are sent exactly as given. */
function request(urlPath: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {}) {
  const { port } = new URL(server.url);
  return new Promise<{ status: number; body: string; bytes: Buffer; headers: http.IncomingHttpHeaders }>(
    (resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: urlPath, method: init.method ?? 'GET', headers: init.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const bytes = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, body: bytes.toString('utf8'), bytes, headers: res.headers });
          });
        },
      );
      req.on('error', reject);
      req.end(init.body);
    },
  );
}
const api = (channel: string, body: Uint8Array, token = server.token) =>
  request(`/api/${channel}`, {
    method: 'POST',
    headers: { [TOKEN_HEADER]: token, 'content-type': 'application/octet-stream' },
    body,
  });
const reply = (response: { bytes: Buffer }) =>
  decodeWire(response.bytes) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
const EMPTY = encodeWire({});

describe('local server (browser mode)', () => {
  test('listens on loopback only and hands out a tokened address', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.entryUrl).toBe(`${server.url}/#token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
  });

  test('serves the renderer with the CSP and the bridge script injected', async () => {
    const page = await request('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<script src="${BRIDGE_PATH}"></script>`);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await request(BRIDGE_PATH)).body).toBe('/* bridge */');
    expect((await request('/assets/a.js')).headers['content-type']).toContain('text/javascript');
  });

  test('never serves files outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/%00']) {
      expect((await request(p)).status).toBe(404);
    }
  });

  test('refuses API calls without the right token, and other Host names', async () => {
    expect((await api('studies:list', EMPTY, '')).status).toBe(403);
    expect((await api('studies:list', EMPTY, 'f'.repeat(48))).status).toBe(403);
    const rebinding = await request('/', { headers: { host: 'evil.example:80' } });
    expect(rebinding.status).toBe(421);
    expect(calls).toEqual([]);
  });

  test('passes the channel and input through to dispatch and returns its result', async () => {
    const response = await api('subjects%3Aget', encodeWire({ input: { id: 3 } }));
    expect(reply(response)).toEqual({ ok: true, value: 'done' });
    expect(calls.at(-1)).toEqual(['subjects:get', { id: 3 }]);
  });

  test('carries typed arrays both ways', async () => {
    const response = await api(
      'recording%3Aappend-frames',
      encodeWire({ input: { bytes: Uint8Array.from([1, 2, 3]) } }),
    );
    expect(reply(response)).toEqual({ ok: true, value: 'done' });
    expect(calls.at(-1)).toEqual(['recording:append-frames', { bytes: Uint8Array.from([1, 2, 3]) }]);
  });

  test('hands the media cookie to an authorised page only, scoped to /media', async () => {
    expect((await api('studies:list', EMPTY, '')).headers['set-cookie']).toBeUndefined();
    const cookie = (await api('studies:list', EMPTY)).headers['set-cookie']?.[0] ?? '';
    expect(cookie).toBe(
      `${server.mediaCookie.name}=${server.mediaCookie.value}; Path=/media; HttpOnly; SameSite=Strict`,
    );
    expect(server.mediaCookie.value).not.toBe(server.token);
    const again = await request('/api/studies:list', {
      method: 'POST',
      headers: { [TOKEN_HEADER]: server.token, cookie: cookie.split(';')[0]! },
      body: EMPTY,
    });
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  test('serves session videos with byte ranges to holders of the media cookie', async () => {
    const cookie = `${server.mediaCookie.name}=${server.mediaCookie.value}`;
    const file = fs.readFileSync(path.join(dir, 'video.webm'));
    expect((await request('/media/sessions/7/video.webm')).status).toBe(403);
    expect(
      (
        await request('/media/sessions/7/video.webm', {
          headers: { cookie: `${server.mediaCookie.name}=${'0'.repeat(48)}` },
        })
      ).status,
    ).toBe(403);
    // The API token opens the API, not media.
    expect(
      (
        await request('/media/sessions/7/video.webm', {
          headers: { cookie: `${server.mediaCookie.name}=${server.token}` },
        })
      ).status,
    ).toBe(403);
    const whole = await request('/media/sessions/7/video.webm', { headers: { cookie } });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('video/webm');
    expect(whole.bytes.equals(file)).toBe(true);
    const part = await request('/media/sessions/7/video.webm', { headers: { cookie, range: 'bytes=10-' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-${file.length - 1}/${file.length}`);
    expect(part.bytes.equals(file.subarray(10))).toBe(true);
    expect(
      (await request('/media/sessions/7/video.webm', { headers: { cookie, range: `bytes=${file.length}-` } })).status,
    ).toBe(416);
    for (const p of [
      '/media/sessions/8/video.webm',
      '/media/sessions/7/../../video.webm',
      '/media/sessions/7/%2e%2e/video.webm',
      '/media/../bridge.js',
      '/media/sessions/7/video.webm?x=1',
    ]) {
      expect((await request(p, { headers: { cookie } })).status, p).toBe(404);
    }
  });

  test('answers malformed and oversized bodies with a typed error', async () => {
    expect(reply(await api('studies:list', new TextEncoder().encode('{not a message')))).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const huge = await api('studies:list', encodeWire({ input: new Uint8Array(33 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(reply(huge).error?.message).toMatch(/too large/);
  });
});

test('closes promptly while a browser holds a connection open without a request', async () => {
  // Chromium pre-connects sockets it may never use; server.close() alone waits for them.
  const other = await startLocalServer({ rendererDir: path.join(dir, 'renderer') });
  const { port } = new URL(other.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const started = Date.now();
  await other.close();
  expect(Date.now() - started).toBeLessThan(1000);
  socket.destroy();
});
