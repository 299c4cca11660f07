// Runs Pulse Studio's services and serves its UI to a local browser: the app where Electron is absent.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDispatch } from './ipc/dispatch.ts';
import { createHandlers } from './ipc/handlers.ts';
import { startLocalServer, type LocalServer } from './server/local-server.ts';
import { openStore, resolveDataDir, type Store } from './store/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BrowserMode {
  server: LocalServer;
  store: Store;
  stop(): Promise<void>;
}

export async function startBrowserMode(dataDir = resolveDataDir(), version = '0.0.0'): Promise<BrowserMode> {
  const store = openStore(dataDir);
  store.studies.ensureOne();
  const appInfo = { version, dataDir, platform: process.platform, shell: 'browser' as const };
  const server = await startLocalServer({
    rendererDir: path.join(root, 'dist', 'renderer'),
    api: { dispatch: createDispatch(createHandlers({ store, appInfo })), bridgeFile: path.join(root, 'dist', 'preload', 'browser.js') },
  });
  return {
    server,
    store,
    stop: async () => {
      await server.close();
      store.close();
    },
  };
}
