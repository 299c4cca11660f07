// The on-disk path of a file the user dropped or picked: the desktop preload asks Electron (webUtils); a
// browser never reveals it, so there the user types the path instead.

interface PulseFiles {
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    pulseFiles?: PulseFiles;
  }
}

/** Whether dropped or picked files can name their path here (the desktop app). */
export const canReadFilePaths = (): boolean => typeof window.pulseFiles?.pathForFile === 'function';

/** The file's full path, or null where it cannot be known. */
export function pathOfFile(file: File): string | null {
  const found = window.pulseFiles?.pathForFile(file) ?? '';
  return found === '' ? null : found;
}
