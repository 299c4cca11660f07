// Browser-mode stand-in for the preload: the same API object, carried over HTTP to the local server.
import { createApi } from '../common/ipc/api.ts';
import { decodeWire, encodeWire } from '../common/ipc/wire.ts';

const TOKEN_KEY = 'pulse-token';
const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) {
  sessionStorage.setItem(TOKEN_KEY, fromHash);
  // Keep the token out of the address bar, history and screenshots.
  history.replaceState(null, '', location.pathname + location.search);
}
const token = sessionStorage.getItem(TOKEN_KEY) ?? '';

(window as unknown as { pulse: unknown }).pulse = createApi(async (channel, input) => {
  try {
    const response = await fetch(`/api/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-pulse-token': token },
      // A Blob: its bytes wait for the page's GC in the browser process rather than the page's (300 MB posted in
      // 500 kB bodies left ~65 MB either way, none after a GC). Growth seen under Playwright was DevTools keeping
      // bodies (bench/devtools-buffer.ts).
      body: new Blob([encodeWire({ input }) as Uint8Array<ArrayBuffer>]),
    });
    return decodeWire(new Uint8Array(await response.arrayBuffer()));
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: `Pulse Studio is not reachable: ${String(error)}` } };
  }
});
