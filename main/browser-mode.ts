// Runs Pulse Studio's services and serves its UI to a local browser: the app where Electron is absent.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sessionVideoFile } from './store/session-video.ts';
import { startLocalServer, type LocalServer } from './server/local-server.ts';
import { openApp, type AppHost } from './app-host.ts';
import { openAppLog, teeLog } from './log/app-log.ts';
import { installedModel, type MainServices } from './services.ts';
import { resolveDataDir } from './store/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BrowserMode {
  server: LocalServer;
  host: AppHost;
  /** The open services (throws when the data folder has a problem: see host.problem). */
  readonly services: MainServices;
  stop(): Promise<void>;
}

export async function startBrowserMode(dataDir = resolveDataDir(), version = '0.0.0'): Promise<BrowserMode> {
  const bundled = installedModel(path.join(root, 'models', 'sspd.onnx'));
  const host = openApp({
    dataDir,
    identity: { version, platform: process.platform, shell: 'browser' },
    models: { bundled },
    holder: 'browser mode',
    log: teeLog(openAppLog(dataDir)),
  });
  const server = await startLocalServer({
    rendererDir: path.join(root, 'dist', 'renderer'),
    api: { dispatch: host.dispatch, bridgeFile: path.join(root, 'dist', 'preload', 'browser.js') },
    media: (sessionId) => (host.services ? sessionVideoFile(host.services.store, sessionId) : null),
  });
  return {
    server,
    host,
    get services() {
      if (!host.services) throw new Error(host.problem?.message ?? 'The data folder is not open');
      return host.services;
    },
    stop: async () => {
      await server.close();
      host.close();
    },
  };
}
