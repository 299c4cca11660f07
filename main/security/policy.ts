// Security decisions of the desktop shell as plain functions, so they are tested without Electron.
import { PARTICIPANT_HASH } from '../../common/participant-screen.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'pulse';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True only for URLs of the app's own bundled pages. */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The one window the app may open itself: its own page on the participant route. */
export const PARTICIPANT_URL = `${APP_ENTRY_URL}${PARTICIPANT_HASH}`;

/**
 * What a window.open does: our participant page opens (from the app's main page only), an https link goes to the
 * system browser, everything else is refused.
 */
export function windowOpenAction(url: string, openerUrl: string): 'participant' | 'external' | 'deny' {
  if (url === PARTICIPANT_URL) return isAppUrl(openerUrl) && new URL(openerUrl).hash === '' ? 'participant' : 'deny';
  return /^https:\/\//i.test(url) ? 'external' : 'deny';
}

export interface PermissionRequest {
  permission: string;
  requestingUrl: string | undefined;
  /** Electron's `details.mediaTypes` for 'media' requests. */
  mediaTypes?: readonly string[] | undefined;
}

/** Grants the camera (video capture only, no microphone) to our own pages; everything else is denied. */
export function allowPermission({ permission, requestingUrl, mediaTypes }: PermissionRequest): boolean {
  if (permission !== 'media' || !isAppUrl(requestingUrl)) return false;
  // A permission *check* carries no media types; a request must ask for video and nothing else.
  return mediaTypes === undefined || (mediaTypes.length > 0 && mediaTypes.every((type) => type === 'video'));
}

/**
 * Maps an app:// request path to a file under the renderer folder, or null when it would escape it.
 * `resolve` is path.resolve of the platform.
 */
export function resolveAppFile(
  rendererDir: string,
  requestUrl: string,
  resolve: (...parts: string[]) => string,
  sep: string,
): string | null {
  let pathname: string;
  try {
    const url = new URL(requestUrl);
    if (url.host !== APP_HOST) return null;
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const root = resolve(rendererDir);
  const file = resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  return file.startsWith(root + sep) ? file : null;
}
