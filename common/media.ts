// Where the UI finds a session's media: one same-origin path, served by app:// (desktop) and the loopback server.

const VIDEO_PATH = /^\/media\/sessions\/([1-9]\d{0,11})\/video\.webm$/;

/** Relative to the page's origin, so the same path works under app://pulse and http://127.0.0.1:<port>. */
export const sessionVideoPath = (sessionId: number): string => `/media/sessions/${sessionId}/video.webm`;

/** The session id a media path names, or null. Only the exact shape: no dots, no percent-encoding, no query. */
export function parseMediaPath(pathname: string): number | null {
  const match = VIDEO_PATH.exec(pathname);
  return match ? Number(match[1]) : null;
}
