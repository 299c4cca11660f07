// Electron entry: wires the plain Node services to the window. All logic lives in the services.
import path from 'node:path';
import { app, BrowserWindow } from 'electron';
import { createDispatch } from './ipc/dispatch.ts';
import { createHandlers } from './ipc/handlers.ts';
import { registerIpc } from './modules/ipc.ts';
import { installMenu } from './modules/menu.ts';
import { installPermissionHandlers, lockNavigation, registerAppScheme, serveRenderer } from './modules/security.ts';
import { createMainWindow } from './modules/window.ts';
import { openStore, resolveDataDir } from './store/index.ts';

app.enableSandbox();
registerAppScheme();
lockNavigation();

if (!app.requestSingleInstanceLock()) {
  // A second copy would open the same database and media folders: hand over to the first one.
  app.quit();
} else {
  void app.whenReady().then(start);
}

function start(): void {
  const dataDir = resolveDataDir(process.env, app.getPath('userData'));
  const store = openStore(dataDir);
  store.studies.ensureOne();

  serveRenderer(path.join(__dirname, '..', 'renderer'));
  installPermissionHandlers();
  installMenu();

  let window = createMainWindow(path.join(__dirname, '..', 'preload', 'index.cjs'));
  const appInfo = { version: app.getVersion(), dataDir, platform: process.platform, shell: 'electron' as const };
  registerIpc(createDispatch(createHandlers({ store, appInfo })), (event) => event.sender === window.webContents);

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createMainWindow(path.join(__dirname, '..', 'preload', 'index.cjs'));
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => store.close());
}
