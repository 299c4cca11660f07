// Browser-mode stand-in for the preload: the same API object, carried over HTTP to the local server.
import { createApi } from '../common/ipc/channels.ts';
import { fromWire, toWire } from '../common/ipc/wire.ts';

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
      headers: { 'content-type': 'application/json', 'x-pulse-token': token },
      body: toWire({ input }),
    });
    return fromWire(await response.text());
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: `Pulse Studio is not reachable: ${String(error)}` } };
  }
});
