// Opens everything the main process serves — store, recorder, IPC dispatch — on one data folder.
// One factory for the desktop app, browser mode and the end-to-end tests.
import type { AppInfo } from '../common/ipc/contract.ts';
import type { Session } from '../common/sessions.ts';
import { createDispatch, type Dispatch } from './ipc/dispatch.ts';
import { createHandlers } from './ipc/handlers.ts';
import fs from 'node:fs';
import { ModelRegistry, type ModelRegistryOptions } from './models/model-registry.ts';
import { Recorder } from './recording/recorder.ts';
import type { ReportServices } from './reports/report-services.ts';
import { openStore, type Store } from './store/index.ts';

export interface MainServices {
  store: Store;
  recorder: Recorder;
  models: ModelRegistry;
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

/**
 * The bundled model (see installedModel), how imported ones are converted and run, and the face detector's
 * ONNX for video imports (default: this checkout's models/ folder, see defaultFaceModelPath).
 */
export type ModelSettings = Omit<ModelRegistryOptions, 'db' | 'audit' | 'dataDir'> & { faceModel?: string };

export function openServices(
  dataDir: string,
  appInfo: Omit<AppInfo, 'dataDir' | 'recoveredSessionIds'>,
  modelSettings: ModelSettings = {},
  reports?: ReportServices,
): MainServices {
  const store = openStore(dataDir);
  store.studies.ensureOne();
  const { faceModel, ...registryOptions } = modelSettings;
  const models = new ModelRegistry({ ...registryOptions, db: store.db, audit: store.audit, dataDir });
  // Asked at every start: the active model may change between recordings.
  const recorder = new Recorder(store, appInfo.version, () => models.liveModels());
  const recovered = recorder.recoverInterrupted();
  const recoveredSessionIds = recovered.map((session) => session.id);
  const dispatch = createDispatch(
    createHandlers({ store, recorder, models, appInfo: { ...appInfo, dataDir, recoveredSessionIds }, ...(reports ? { reports } : {}), ...(faceModel ? { faceModel } : {}) }),
  );
  return {
    store,
    recorder,
    models,
    dispatch,
    recovered,
    close: () => {
      recorder.interruptAll();
      store.close();
    },
  };
}
