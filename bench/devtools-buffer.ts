// The harness's own share of Chromium's memory: DevTools keeps the request bodies it sees.
import type { Page } from '@playwright/test';
import { TOKEN_HEADER, type LocalServer } from '../main/server/local-server.ts';

/** Network.enable's default maxTotalBufferSize, which Playwright keeps: 200 MB of bodies and responses. */
const DEVTOOLS_BUFFER_BYTES = 200e6;
/** Under the per-request limit (10 MB), so that each is kept. */
const FILL_BODY_BYTES = 5e6;

/**
 * Playwright enables the Network domain on every page, and DevTools then keeps each request's body (for
 * Network.getRequestPostData), oldest evicted first, up to its buffer. The browser-mode bridge posts its
 * uploads as Blobs, so they stay in the browser process's blob storage: measured alone (600 POSTs of 500 kB,
 * then a GC), the browser process grew 194 MB with Playwright attached and 0 without. The desktop app has no
 * DevTools attached. Filling the buffer before the session puts its fixed size in the first minute's memory,
 * so the growth measured after it is the app's. The bodies go to the API with no channel, which refuses them.
 */
export async function fillDevtoolsBuffer(page: Page, server: LocalServer): Promise<void> {
  await page.evaluate(
    async ({ count, bytes, headers }) => {
      for (let i = 0; i < count; i++) {
        const body = new Blob([new Uint8Array(bytes)]);
        await fetch('/api/', { method: 'POST', headers, body }).then((r) => r.arrayBuffer());
      }
    },
    {
      count: Math.ceil((1.25 * DEVTOOLS_BUFFER_BYTES) / FILL_BODY_BYTES),
      bytes: FILL_BODY_BYTES,
      headers: { [TOKEN_HEADER]: server.token },
    },
  );
}
