// Browser mode: the renderer and the IPC contract over HTTP on loopback, guarded by a random token.
// Used where no Electron binary exists (and by tests), so the same UI runs against the same services.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { fail, type Result } from '../../common/ipc/result.ts';
import { parseMediaPath } from '../../common/media.ts';
import { decodeWire, encodeWire } from '../../common/ipc/wire.ts';
import type { Dispatch } from '../ipc/dispatch.ts';
import { mediaReply, mediaStream } from '../media/session-media.ts';
import type { MediaFile } from '../store/session-video.ts';
import { sendFile, sendText, securityHeaders, staticFile } from './static-files.ts';

export const TOKEN_HEADER = 'x-pulse-token';
export const BRIDGE_PATH = '/pulse-bridge.js';
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/**
 * One browser needs a handful of connections; past this, new ones are refused (a local flood cannot exhaust the app).
 */
export const MAX_CONNECTIONS = 64;
/** A client must send its request headers within this time (slow-loris). */
const HEADERS_TIMEOUT_MS = 10_000;

export interface LocalServerOptions {
  rendererDir: string;
  /** Without it the server only serves files (tests bridge the API themselves). */
  api?: { dispatch: Dispatch; bridgeFile: string; token?: string };
  /** Session videos under /media/: the file of a session id, or null when it has none. */
  media?: (sessionId: number) => MediaFile | null;
}

/**
 * <video src> cannot send a header, so media requests carry a cookie instead: HttpOnly, SameSite=Strict,
 * limited to /media, named per port, and holding its own random value that opens media only, never the API.
 */
export interface MediaCookie {
  name: string;
  value: string;
}

export interface LocalServer {
  url: string;
  /** The page URL including the token, for the user to open. */
  entryUrl: string;
  token: string;
  /** Set on every authorised API reply; tests that bridge the API themselves set it on their browser. */
  mediaCookie: MediaCookie;
  close(): Promise<void>;
}

export async function startLocalServer({ rendererDir, api, media }: LocalServerOptions): Promise<LocalServer> {
  const token = api?.token ?? crypto.randomBytes(24).toString('hex');
  const mediaCookie: MediaCookie = { name: '', value: crypto.randomBytes(24).toString('hex') };
  let origin = '';

  const server = http.createServer((req, res) => {
    // Refuse other Host names: a web page cannot reach this server through DNS rebinding.
    if (req.headers.host !== new URL(origin).host) return sendText(res, 421, 'Wrong host');
    const urlPath = req.url ?? '/';
    if (api && urlPath.startsWith('/api/')) {
      // A client may drop the connection mid-body (a closed tab): that ends this request, never the process.
      return void handleApi(req, res, urlPath.slice(5), api.dispatch, token, mediaCookie).catch(() => res.destroy());
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    if (urlPath.startsWith('/media/')) return serveMedia(req, res, media, mediaCookie);
    if (api && urlPath === BRIDGE_PATH) return sendFile(res, api.bridgeFile);
    const file = staticFile(rendererDir, urlPath);
    if (!file) return sendText(res, 404, 'Not found');
    const injectBridge = api && file.endsWith('index.html');
    sendFile(
      res,
      file,
      injectBridge ? (html) => html.replace('<head>', `<head><script src="${BRIDGE_PATH}"></script>`) : undefined,
    );
  });

  server.maxConnections = MAX_CONNECTIONS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = 5 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  // Cookies ignore ports: a per-port name keeps two running instances from overwriting each other's.
  mediaCookie.name = `pulse-media-${port}`;
  return {
    url: origin,
    entryUrl: `${origin}/#token=${token}`,
    token,
    mediaCookie,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A browser keeps idle keep-alive connections open; close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
}

async function handleApi(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  channel: string,
  dispatch: Dispatch,
  token: string,
  cookie: MediaCookie,
) {
  let extra: Record<string, string> = {};
  const reply = (status: number, result: Result<unknown>) => {
    res.writeHead(status, { ...securityHeaders, ...extra, 'Content-Type': 'application/octet-stream' });
    res.end(encodeWire(result));
  };
  if (req.method !== 'POST') return reply(405, fail('invalid_input', 'Use POST'));
  if (!tokenMatches(req.headers[TOKEN_HEADER], token))
    return reply(403, fail('forbidden', 'Missing or wrong access token: open the address printed by the launcher'));
  if (!cookieMatches(req.headers.cookie, cookie))
    extra = { 'Set-Cookie': `${cookie.name}=${cookie.value}; Path=/media; HttpOnly; SameSite=Strict` };

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      return reply(413, fail('invalid_input', `Request too large (over ${MAX_BODY_BYTES >> 20} MB)`));
    chunks.push(chunk);
  }
  let body: { input?: unknown };
  try {
    body = decodeWire(Buffer.concat(chunks)) as { input?: unknown };
  } catch {
    return reply(400, fail('invalid_input', 'Request body is not a valid message'));
  }
  let name: string;
  try {
    name = decodeURIComponent(channel);
  } catch {
    name = channel;
  }
  reply(200, await dispatch(name, body?.input));
}

function serveMedia(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  media: LocalServerOptions['media'],
  cookie: MediaCookie,
): void {
  if (!cookieMatches(req.headers.cookie, cookie))
    return sendText(res, 403, 'Missing or wrong media cookie: open the address printed by the launcher');
  const sessionId = parseMediaPath(req.url ?? '');
  const file = sessionId !== null && media ? media(sessionId) : null;
  const reply = mediaReply(file, req.headers.range);
  if (reply.status === 404) return sendText(res, 404, 'No such video');
  res.writeHead(reply.status, { ...securityHeaders, ...reply.headers });
  const stream = req.method === 'HEAD' ? null : mediaStream(file, reply);
  if (!stream) return void res.end();
  // pipeline closes the file when the player drops the connection mid-range.
  pipeline(stream, res, () => {});
}

function cookieMatches(header: string | undefined, cookie: MediaCookie): boolean {
  const given = header
    ?.split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${cookie.name}=`))
    ?.slice(cookie.name.length + 1);
  return given !== undefined && tokenMatches(given, cookie.value);
}

/**
 * Constant-time compare of fixed-length digests: timingSafeEqual throws on inputs of unequal byte length,
 * which a header or cookie of the right character count in multi-byte characters would otherwise reach.
 */
export function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest();
  return crypto.timingSafeEqual(digest(given), digest(expected)) && given === expected;
}
