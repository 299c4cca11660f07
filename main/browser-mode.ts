// Runs Pulse Studio's services and serves its UI to a local browser: the app where Electron is absent.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sessionVideoFile } from './media/session-media.ts';
import { startLocalServer, type LocalServer } from './server/local-server.ts';
import { installedModel, openServices, type MainServices } from './services.ts';
import { resolveDataDir } from './store/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BrowserMode {
  server: LocalServer;
  services: MainServices;
  stop(): Promise<void>;
}

export async function startBrowserMode(dataDir = resolveDataDir(), version = '0.0.0'): Promise<BrowserMode> {
  const bundled = installedModel(path.join(root, 'models', 'sspd.onnx'));
  const services = openServices(dataDir, { version, platform: process.platform, shell: 'browser' }, { bundled });
  const server = await startLocalServer({
    rendererDir: path.join(root, 'dist', 'renderer'),
    api: { dispatch: services.dispatch, bridgeFile: path.join(root, 'dist', 'preload', 'browser.js') },
    media: (sessionId) => sessionVideoFile(services.store, sessionId),
  });
  return {
    server,
    services,
    stop: async () => {
      await server.close();
      services.close();
    },
  };
}
