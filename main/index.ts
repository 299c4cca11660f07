// Electron entry: wires the plain Node services to the window. All logic lives in the services.
import path from 'node:path';
import { app, BrowserWindow, dialog } from 'electron';
import { registerIpc } from './modules/ipc.ts';
import { utilityProcessLauncher } from './modules/inference-process.ts';
import { installMenu } from './modules/menu.ts';
import { electronFolderPicker, electronPdfPrinter } from './modules/reports.ts';
import { installPermissionHandlers, lockNavigation, registerAppScheme, serveRenderer } from './modules/security.ts';
import { createMainWindow } from './modules/window.ts';
import { sessionVideoFile } from './media/session-media.ts';
import { defaultDestination } from './reports/report-services.ts';
import { faceModelPath } from './analysis/face-detector.ts';
import { installedModel, openServices } from './services.ts';
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
  // Models are unpacked from the asar (electron-builder.yml): onnxruntime reads them from disk.
  const unpacked = app.getAppPath().replace(/app\.asar$/, 'app.asar.unpacked');
  const bundled = installedModel(path.join(unpacked, 'models', 'sspd.onnx'));
  // The inference process's entry and the ONNX template of .pth imports are built beside the main bundle; the face
  // detector of video imports is generated into models/ at build time (scripts/face-model.ts).
  const models = {
    bundled,
    launch: utilityProcessLauncher(path.join(__dirname, 'inference-worker.cjs')),
    templatePath: path.join(__dirname, 'sspd-template.onnx'),
    faceModel: faceModelPath(unpacked),
  };
  // Report templates ship in resources/ inside the app archive (electron-builder.yml); Electron prints them.
  const reports = {
    resourcesDir: path.join(app.getAppPath(), 'resources'),
    printPdf: electronPdfPrinter(),
    defaultDestination: defaultDestination(app.getPath('home')),
    chooseFolder: electronFolderPicker(() => window),
  };
  const services = openServices(dataDir, { version: app.getVersion(), platform: process.platform, shell: 'electron' }, models, reports);

  serveRenderer(path.join(__dirname, '..', 'renderer'), (sessionId) => sessionVideoFile(services.store, sessionId));
  installPermissionHandlers();
  installMenu();

  const openWindow = () => {
    const created = createMainWindow(path.join(__dirname, '..', 'preload', 'index.cjs'));
    created.on('close', (event) => {
      if (services.recorder.activeSessionIds.length === 0) return;
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
  registerIpc(services.dispatch, (event) => event.sender === window.webContents);

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
  app.on('will-quit', () => services.close());
}
