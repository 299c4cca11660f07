// Registers one ipcMain handler per contract channel; only our own window's app:// frame may call them.
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { CHANNELS, type Channel } from '../../common/ipc/channels.ts';
import { fail } from '../../common/ipc/result.ts';
import type { Dispatch } from '../ipc/dispatch.ts';
import { isAppUrl } from '../security/policy.ts';

export function registerIpc(dispatch: Dispatch, isOurContents: (event: IpcMainInvokeEvent) => boolean): () => void {
  const channels = Object.keys(CHANNELS) as Channel[];
  for (const channel of channels) {
    ipcMain.handle(channel, (event, input: unknown) => {
      // Checklist #17: validate the sender of every IPC message.
      if (!isOurContents(event) || !isAppUrl(event.senderFrame?.url)) {
        return fail('forbidden', 'Request refused: it did not come from the Pulse Studio window');
      }
      return dispatch(channel, input);
    });
  }
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel));
}
