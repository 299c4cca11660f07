// Opens everything the main process serves — store, recorder, IPC dispatch — on one data folder.
// One factory for the desktop app, browser mode and the end-to-end tests.
import type { AppInfo } from '../common/ipc/contract.ts';
import type { Session } from '../common/sessions.ts';
import { createDispatch, type Dispatch } from './ipc/dispatch.ts';
import { createHandlers, createJobs } from './ipc/handlers.ts';
import type { RestoreHost } from './ipc/safety-handlers.ts';
import type { EncryptionHost } from './encryption/encryption-host.ts';
import fs from 'node:fs';
import { ModelRegistry, type ModelRegistryOptions } from './models/model-registry.ts';
import type { DeviceChooser } from './bluetooth/device-chooser.ts';
import { Recorder } from './recording/recorder.ts';
import type { ReportServices } from './reports/report-services.ts';
import { openStore, type OpenStoreOptions, type Store } from './store/index.ts';

export interface MainServices {
  store: Store;
  recorder: Recorder;
  models: ModelRegistry;
  dispatch: Dispatch;
  /** Sessions a crash left open, now closed as interrupted (shown to the user at start). */
  recovered: Session[];
  /** What is running that closing the database would cut short (a recording, an export, an import); null when idle. */
  busyWith(): string | null;
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
export type ModelSettings = Omit<ModelRegistryOptions, 'db' | 'audit' | 'dataDir'> & {
  faceModel?: string;
  adaptScript?: string;
};

/** Who runs the services; what the data folder's lock, migrations and backup restore need from the caller. */
export interface OpenOptions extends Pick<OpenStoreOptions, 'lock' | 'holder' | 'beforeMigrate' | 'actor' | 'keys'> {
  host?: RestoreHost;
  encryption?: EncryptionHost;
  /** Where faults and recoveries are logged (the app log; the console when left out). */
  log?: (message: string) => void;
  /** The desktop app's Bluetooth device picker. */
  bluetooth?: DeviceChooser;
}

export function openServices(
  dataDir: string,
  appInfo: Pick<AppInfo, 'version' | 'platform' | 'shell'>,
  modelSettings: ModelSettings = {},
  reports?: ReportServices,
  options: OpenOptions = {},
): MainServices {
  const { host, encryption, bluetooth, log = console.warn, ...storeOptions } = options;
  const store = openStore(dataDir, storeOptions);
  try {
    store.studies.ensureOne();
  } catch (error) {
    store.close();
    throw error;
  }
  const { faceModel, adaptScript, ...registryOptions } = modelSettings;
  const models = new ModelRegistry({ ...registryOptions, db: store.db, audit: store.audit, dataDir });
  // Asked at every start: the active model may change between recordings.
  const recorder = new Recorder(store, appInfo.version, () => models.liveModels(), log);
  const recovered = recorder.recoverInterrupted();
  const recoveredSessionIds = recovered.map((session) => session.id);
  const fullInfo = { ...appInfo, dataDir, recoveredSessionIds };
  const jobs = createJobs({
    store,
    models,
    appInfo: fullInfo,
    ...(faceModel ? { faceModel } : {}),
    ...(adaptScript ? { adaptScript } : {}),
  });
  const dispatch = createDispatch(
    createHandlers({
      store,
      recorder,
      models,
      jobs,
      appInfo: fullInfo,
      ...(host ? { host } : {}),
      ...(encryption ? { encryption } : {}),
      ...(bluetooth ? { bluetooth } : {}),
      ...(reports ? { reports } : {}),
      ...(faceModel ? { faceModel } : {}),
    }),
    (message, error) =>
      log(
        `${message}: ${error instanceof Error ? `${error.message} ${error.stack?.split('\n')[1]?.trim() ?? ''}` : String(error)}`,
      ),
  );
  return {
    store,
    recorder,
    models,
    dispatch,
    recovered,
    busyWith: () =>
      recorder.activeSessionIds.length
        ? 'a recording is running'
        : jobs.exports.running
          ? 'an export is running'
          : jobs.imports.running
            ? 'a video import is running'
            : jobs.adaptations.running
              ? 'a model adaptation is running'
              : null,
    close: () => {
      recorder.interruptAll();
      store.close();
    },
  };
}
