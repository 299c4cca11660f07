// Electron security checklist items: app:// protocol, CSP header, permission handler, navigation lock.
// https://www.electronjs.org/docs/latest/tutorial/security
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { app, net, protocol, session, shell, type Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../common/csp.ts';
import { parseMediaPath } from '../../common/media.ts';
import { mediaReply, mediaStream } from '../media/session-media.ts';
import type { MediaFile } from '../store/session-video.ts';
import {
  APP_HOST,
  APP_SCHEME,
  allowPermission,
  isAppUrl,
  resolveAppFile,
  windowOpenAction,
} from '../security/policy.ts';
import { participantWindowOptions } from './participant-window.ts';

/** Must run before `app.whenReady()`: a standard, secure scheme gets a real origin for CSP and the camera. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/**
 * Serves the built renderer from disk under app://pulse/, with the CSP as a response header (#7), and session
 * videos under app://pulse/media/ (known sessions only, from the data folder, with byte ranges for seeking).
 */
export function serveRenderer(
  rendererDir: string,
  media: (sessionId: number) => MediaFile | null,
  target: Session = session.defaultSession,
): void {
  target.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host === APP_HOST && url.pathname.startsWith('/media/')) return serveMedia(request, media);
    const file = resolveAppFile(rendererDir, request.url, path.resolve, path.sep);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

function serveMedia(request: Request, media: (sessionId: number) => MediaFile | null): Response {
  const sessionId = parseMediaPath(new URL(request.url).pathname);
  const file = sessionId === null ? null : media(sessionId);
  const reply = mediaReply(file, request.headers.get('range'));
  const stream = request.method === 'HEAD' ? null : mediaStream(file, reply);
  const body = stream ? (Readable.toWeb(stream) as ReadableStream<Uint8Array>) : null;
  return new Response(body, { status: reply.status, headers: reply.headers });
}

/** Camera for our own pages only (#5); everything else denied, checks included. */
export function installPermissionHandlers(target: Session = session.defaultSession): void {
  target.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : [];
    callback(allowPermission({ permission, requestingUrl: details.requestingUrl, mediaTypes }));
  });
  target.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    allowPermission({ permission, requestingUrl: requestingOrigin }),
  );
  target.setDevicePermissionHandler(() => false);
}

/**
 * No navigation away from the app, no webviews, no new windows but the participant screen (#13, #14); https links
 * open in the browser. The participant window gets these same locks (it is a web contents created here too).
 */
export function lockNavigation(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const action = windowOpenAction(url, contents.getURL());
      if (action === 'participant')
        return { action: 'allow', overrideBrowserWindowOptions: participantWindowOptions(contents) };
      if (action === 'external') void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
