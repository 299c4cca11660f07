// Reports and exports in the desktop app: PDF printing with Electron's own Chromium (a hidden, script-less
// window in a private session that may load the one report file and nothing else) and the folder picker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, dialog, session } from 'electron';
import type { PdfPrinter } from '../reports/pdf-printer.ts';

export function electronPdfPrinter(): PdfPrinter {
  return async (html, outFile) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-report-'));
    const page = path.join(work, 'report.html');
    fs.writeFileSync(page, html);
    const allowed = pathToFileURL(page).toString();
    const printing = session.fromPartition('pulse-report-print', { cache: false });
    // Belt and braces beside the page's own CSP: any request but the report itself is cancelled.
    printing.webRequest.onBeforeRequest((details, callback) =>
      callback({ cancel: details.url !== allowed && !details.url.startsWith('data:') }),
    );
    printing.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    const window = new BrowserWindow({
      show: false,
      webPreferences: {
        session: printing,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        javascript: false,
        webSecurity: true,
      },
    });
    try {
      await window.loadURL(allowed);
      const pdf = await window.webContents.printToPDF({
        pageSize: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
      });
      fs.writeFileSync(outFile, pdf, { flag: 'wx' });
    } finally {
      window.destroy();
      fs.rmSync(work, { recursive: true, force: true });
    }
  };
}

/** The native folder picker, attached to the app's window. */
export function electronFolderPicker(parent: () => BrowserWindow): (startIn: string) => Promise<string | null> {
  return async (startIn) => {
    const picked = await dialog.showOpenDialog(parent(), {
      title: 'Export destination',
      defaultPath: startIn,
      properties: ['openDirectory', 'createDirectory'],
    });
    return picked.canceled ? null : (picked.filePaths[0] ?? null);
  };
}
