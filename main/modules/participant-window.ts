// The participant window (Record → Participant screen): our own page on its participant route, as locked down as the
// main window and without the preload (it needs no API), full screen on another display when there is one.
import { BrowserWindow, screen, type BrowserWindowConstructorOptions, type WebContents } from 'electron';

/** Options Electron gives the window that window.open asked for: these replace what the page could ask. */
export function participantWindowOptions(opener: WebContents): BrowserWindowConstructorOptions {
  const owner = BrowserWindow.fromWebContents(opener);
  const here = owner ? screen.getDisplayMatching(owner.getBounds()) : screen.getPrimaryDisplay();
  const other = screen.getAllDisplays().find((display) => display.id !== here.id);
  // On a single display it opens as a window the operator moves or makes full screen (F in the window).
  const place = other ? { ...other.bounds, fullscreen: true } : { width: 1024, height: 720 };
  return {
    ...place,
    title: 'Pulse Studio — participant screen',
    backgroundColor: '#101828',
    autoHideMenuBar: true,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // The time left keeps counting while the operator's window has the focus.
      backgroundThrottling: false,
    },
  };
}
