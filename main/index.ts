// Electron entry: wires the plain Node services to the window. All logic lives in the services.
import path from 'node:path';
import { app, BrowserWindow } from 'electron';
import { registerIpc } from './modules/ipc.ts';
import { installMenu } from './modules/menu.ts';
import { installPermissionHandlers, lockNavigation, registerAppScheme, serveRenderer } from './modules/security.ts';
import { createMainWindow } from './modules/window.ts';
import { openServices } from './services.ts';
import { resolveDataDir } from './store/index.ts';

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
  const services = openServices(dataDir, { version: app.getVersion(), platform: process.platform, shell: 'electron' });

  serveRenderer(path.join(__dirname, '..', 'renderer'));
  installPermissionHandlers();
  installMenu();

  let window = createMainWindow(path.join(__dirname, '..', 'preload', 'index.cjs'));
  registerIpc(services.dispatch, (event) => event.sender === window.webContents);

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
  // Quitting mid-recording keeps the data and marks the session interrupted.
  app.on('will-quit', () => services.close());
}
