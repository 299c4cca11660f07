// Opens everything the main process serves — store, recorder, IPC dispatch — on one data folder.
// One factory for the desktop app, browser mode and the end-to-end tests.
import type { AppInfo } from '../common/ipc/contract.ts';
import type { Session } from '../common/sessions.ts';
import { createDispatch, type Dispatch } from './ipc/dispatch.ts';
import { createHandlers } from './ipc/handlers.ts';
import fs from 'node:fs';
import os from 'node:os';
import { Recorder, type LiveModel } from './recording/recorder.ts';
import type { ReportServices } from './reports/report-services.ts';
import { openStore, type Store } from './store/index.ts';

export interface MainServices {
  store: Store;
  recorder: Recorder;
  dispatch: Dispatch;
  /** Sessions a crash left open, now closed as interrupted (shown to the user at start). */
  recovered: Session[];
  close(): void;
}

/** The model live recordings use: PULSE_STUDIO_MODEL, else the bundled default when it exists. */
export function installedModel(bundled: string, env = process.env): string | null {
  const chosen = env.PULSE_STUDIO_MODEL?.trim() || bundled;
  return fs.existsSync(chosen) ? chosen : null;
}

export function openServices(
  dataDir: string,
  appInfo: Omit<AppInfo, 'dataDir' | 'recoveredSessionIds'>,
  model: LiveModel | null = null,
  reports?: ReportServices,
): MainServices {
  const store = openStore(dataDir);
  store.studies.ensureOne();
  const recorder = new Recorder(store, appInfo.version, model);
  const recovered = recorder.recoverInterrupted();
  const recoveredSessionIds = recovered.map((session) => session.id);
  const editor = (() => {
    try {
      return os.userInfo().username;
    } catch {
      return 'unknown user';
    }
  })();
  const dispatch = createDispatch(createHandlers({ store, recorder, editor, appInfo: { ...appInfo, dataDir, recoveredSessionIds }, ...(reports ? { reports } : {}) }));
  return {
    store,
    recorder,
    dispatch,
    recovered,
    close: () => {
      recorder.interruptAll();
      store.close();
    },
  };
}
