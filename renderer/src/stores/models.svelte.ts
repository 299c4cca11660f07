// The SSPD models list (Settings → Models): import, download, activate, remove, with progress and errors.
import type { ModelInfo } from '../../../common/models.ts';
import { api, unwrap } from '../lib/api.ts';
import { busyRunner } from '../lib/busy.ts';
import { notify } from './app.svelte.ts';

export const models = $state({
  list: [] as ModelInfo[],
  /** What is running now ("Checking sspd.pth…"); actions are disabled meanwhile. */
  busy: null as string | null,
  /** Why the last action failed, shown beside the import form. */
  error: null as string | null,
});

const run = busyRunner(models);

export async function loadModels(): Promise<void> {
  const list = await run('Loading models…', () => unwrap(api.listModels()));
  if (list) models.list = list;
}

async function imported(info: ModelInfo | undefined): Promise<void> {
  if (!info) return;
  await loadModels();
  notify(
    'info',
    `Imported ${info.name} (SHA-256 ${info.sha256.slice(0, 12)}…)${info.active ? '; recordings now use it' : ''}.`,
  );
}

export async function importModelFile(file: File, activate: boolean): Promise<boolean> {
  const info = await run(`Reading and checking ${file.name} (conversion, test inference)…`, async () =>
    unwrap(api.importModel({ fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()), activate })),
  );
  await imported(info);
  return info !== undefined;
}

export async function downloadAuthorsModel(activate: boolean): Promise<void> {
  await imported(
    await run('Downloading the authors’ checkpoint and checking it…', () =>
      unwrap(api.downloadAuthorsModel({ acceptNotice: true, activate })),
    ),
  );
}

export async function setActiveModel(sha256: string | null): Promise<void> {
  const list = await run('Switching models…', () => unwrap(api.setActiveModel({ sha256 })));
  if (list) models.list = list;
}

export async function removeModel(sha256: string): Promise<void> {
  const list = await run('Removing…', () => unwrap(api.removeModel({ sha256 })));
  if (list) models.list = list;
}
