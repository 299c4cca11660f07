// Exposes the typed API as `window.pulse`: one method per contract channel, never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import { createApi } from '../common/ipc/channels.ts';

contextBridge.exposeInMainWorld(
  'pulse',
  createApi((channel, input) => ipcRenderer.invoke(channel, input)),
);
