// The models store against a stubbed preload API: the busy label while main works, the list it answers, a refused
// import's reason beside the form (the list unchanged), and the notice after an import.
import { beforeEach, expect, test } from 'vitest';
import type { ModelInfo } from '../../../common/models.ts';
import { failed, ok, stubApi } from '../test-api.ts';
import { app } from './app.svelte.ts';
import { importModelFile, loadModels, models, setActiveModel } from './models.svelte.ts';

const model = (name: string, active: boolean) =>
  ({ sha256: `${name}`.padEnd(64, '0'), name, active }) as unknown as ModelInfo;
const file = (name: string) => ({ name, arrayBuffer: async () => new Uint8Array([1, 2, 3]).buffer }) as unknown as File;

beforeEach(() => {
  Object.assign(models, { list: [], busy: null, error: null });
  app.notice = null;
});

test('shows what is running while main works, then the list it answers', async () => {
  let release!: () => void;
  stubApi.setActiveModel.mockReturnValue(
    new Promise((resolve) => (release = () => resolve({ ok: true, value: [model('b', true)] }))),
  );
  const switching = setActiveModel('b'.padEnd(64, '0'));
  expect(models.busy).toBe('Switching models…');
  release();
  await switching;
  expect(models).toMatchObject({ busy: null, error: null, list: [{ name: 'b', active: true }] });
});

test('a refused import keeps the list, says why beside the form, and reports failure to the view', async () => {
  stubApi.listModels.mockReturnValue(ok([model('a', true)]));
  await loadModels();
  stubApi.importModel.mockReturnValue(
    failed('invalid_input', 'Model not imported: not a readable PyTorch checkpoint [CHECKPOINT_CORRUPT]'),
  );
  expect(await importModelFile(file('broken.pth'), true)).toBe(false);
  expect(models.error).toMatch(/CHECKPOINT_CORRUPT/);
  expect(models.list.map((m) => m.name)).toEqual(['a']);
  expect(stubApi.importModel).toHaveBeenCalledWith({
    fileName: 'broken.pth',
    bytes: new Uint8Array([1, 2, 3]),
    activate: true,
  });
});

test('an import reloads the list and says in the notice bar that recordings now use it', async () => {
  stubApi.importModel.mockReturnValue(ok(model('mine', true)));
  stubApi.listModels.mockReturnValue(ok([model('mine', true)]));
  expect(await importModelFile(file('mine.pth'), true)).toBe(true);
  expect(models.list.map((m) => m.name)).toEqual(['mine']);
  expect(app.notice).toEqual({ kind: 'info', text: 'Imported mine (SHA-256 mine00000000…); recordings now use it.' });
});
