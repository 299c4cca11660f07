// Exposes the typed API as `window.pulse`: one method per contract channel, never ipcRenderer itself.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createApi } from '../common/ipc/api.ts';

contextBridge.exposeInMainWorld(
  'pulse',
  createApi((channel, input) => ipcRenderer.invoke(channel, input)),
);

// Dropped or picked files name their path only through Electron: imports need it (renderer/src/lib/files.ts).
contextBridge.exposeInMainWorld('pulseFiles', { pathForFile: (file: File) => webUtils.getPathForFile(file) });
