// Electron entry: wires the plain Node services to the window. All logic lives in the services.
import { app, BrowserWindow, dialog } from 'electron';
import { registerIpc } from './modules/ipc.ts';
import { utilityProcessLauncher } from './modules/inference-process.ts';
import { installMenu } from './modules/menu.ts';
import { electronFolderPicker, electronPdfPrinter } from './modules/reports.ts';
import { installPermissionHandlers, lockNavigation, registerAppScheme, serveRenderer } from './modules/security.ts';
import { installBluetoothPicker } from './modules/bluetooth.ts';
import { DeviceChooser } from './bluetooth/device-chooser.ts';
import { createMainWindow } from './modules/window.ts';
import { sessionVideoFile } from './store/session-video.ts';
import { defaultDestination } from './reports/report-services.ts';
import { openApp } from './app-host.ts';
import { openAppLog, teeLog } from './log/app-log.ts';
import { appPaths } from './app-paths.ts';
import { installedModel } from './services.ts';
import { privateUmask } from './store/permissions.ts';
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
  // Everything this process writes (database, media, backups, logs, exports) is the user's alone.
  privateUmask();
  const dataDir = resolveDataDir(process.env, app.getPath('userData'));
  const paths = appPaths(app.getAppPath(), __dirname);
  const models = {
    bundled: installedModel(paths.bundledModel),
    // The network runs in an Electron utility process (RunAsNode is fused off: no forked Node).
    launch: utilityProcessLauncher(paths.inferenceWorker),
    templatePath: paths.sspdTemplate,
    faceModel: paths.faceModel,
    adaptScript: paths.adaptScript,
  };
  // Report templates ship in resources/ inside the app archive (electron-builder.yml); Electron prints them.
  const reports = {
    resourcesDir: paths.resources,
    printPdf: electronPdfPrinter(),
    defaultDestination: defaultDestination(app.getPath('home')),
    chooseFolder: electronFolderPicker(() => window),
  };
  // The Record view's sensor picker answers Web Bluetooth's device requests (Electron shows no chooser of its own).
  const bluetooth = new DeviceChooser();
  const host = openApp({
    dataDir,
    identity: { version: app.getVersion(), platform: process.platform, shell: 'electron' },
    models,
    reports,
    bluetooth,
    holder: 'the desktop app',
    log: teeLog(openAppLog(dataDir)),
  });
  if (host.problem?.kind === 'in_use') {
    // Browser mode or the CLI has this data folder: a window could do nothing with it.
    dialog.showErrorBox('Pulse Studio', host.problem.message);
    app.quit();
    return;
  }

  serveRenderer(paths.renderer, (sessionId) =>
    host.services ? sessionVideoFile(host.services.store, sessionId) : null,
  );
  installPermissionHandlers();
  installMenu();

  const openWindow = () => {
    const created = createMainWindow(paths.preload);
    installBluetoothPicker(created.webContents, bluetooth);
    created.on('close', (event) => {
      const services = host.services;
      if (!services || services.recorder.activeSessionIds.length === 0) return;
      // Closing mid-recording: ask, then keep everything recorded and close the session properly.
      const choice = dialog.showMessageBoxSync(created, {
        type: 'warning',
        buttons: ['Keep recording', 'Stop and close'],
        defaultId: 0,
        cancelId: 0,
        message: 'A recording is in progress.',
        detail: 'Closing stops it. Everything recorded so far is kept and the session is marked interrupted.',
      });
      if (choice === 0) event.preventDefault();
      else services.recorder.interruptAll();
    });
    return created;
  };
  let window = openWindow();
  registerIpc(host.dispatch, (event) => event.sender === window.webContents);

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quitting mid-recording keeps the data and marks the session interrupted.
  app.on('will-quit', () => host.close());
}
