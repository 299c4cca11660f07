import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUTHORS_CHECKPOINT as AUTHORS } from '../../common/models.ts';
import { AUTHORS_CHECKPOINT, sharedAvailable } from '../../testing/dev-export.ts';
import { openStore, type Store } from '../store/index.ts';
import { checkpointToOnnx, DEFAULT_TEMPLATE_PATH } from './checkpoint-to-onnx.ts';
import { MODELS_DIR, ModelRegistry, type ModelRegistryOptions } from './model-registry.ts';
import { sspdTensors, writeCheckpoint } from '../../testing/checkpoint.ts';
import { python, torchAvailable } from '../../testing/python.ts';

const TEST_MODELS = path.join(import.meta.dirname, '..', '..', 'testing', 'models');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let store: Store;
let goodPth: Uint8Array;
let goodOnnx: Uint8Array;
let otherNetworkPth: Uint8Array;

function registry(options: Partial<ModelRegistryOptions> = {}): ModelRegistry {
  return new ModelRegistry({ db: store.db, audit: store.audit, dataDir: dir, ...options });
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e as { code?: string },
  );
  if (!error) throw new Error('expected the import to fail');
  return String(error.code);
}

beforeAll(async () => {
  goodPth = writeCheckpoint(sspdTensors(3));
  goodOnnx = await checkpointToOnnx(writeCheckpoint(sspdTensors(5)), fs.readFileSync(DEFAULT_TEMPLATE_PATH));
  // A real torch.save of another network when Python has torch; the same shape of file from our writer otherwise.
  const out = path.join(os.tmpdir(), `pulse-other-${process.pid}.pth`);
  if (torchAvailable)
    await python(
      'import torch\ntorch.save(torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8)).state_dict(), sys.argv[1])',
      out,
    );
  else
    fs.writeFileSync(
      out,
      writeCheckpoint(new Map([['0.weight', { shape: [8, 3, 3, 3], values: new Float32Array(216) }]])),
    );
  otherNetworkPth = fs.readFileSync(out);
  fs.rmSync(out);
}, 120_000);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-models-'));
  store = openStore(dir);
  return () => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
});

describe('model import', () => {
  it('converts a .pth, validates it, stores it by hash and can make it active', async () => {
    const models = registry();
    const info = await models.import(goodPth, 'runs/teacher-sspd.pth', { activate: true });
    const file = path.join(dir, MODELS_DIR, `${info.sha256}.onnx`);
    expect(sha256(fs.readFileSync(file))).toBe(info.sha256);
    expect(info).toMatchObject({
      name: 'teacher-sspd',
      source: 'pth',
      origin: 'teacher-sspd.pth',
      originSha256: sha256(goodPth),
      active: true,
    });
    expect(info.validation).toMatchObject({
      testSteps: 32,
      testSamples: 32,
      checkpointTensors: 67,
      inputShape: [1, 3, 'T', 128, 128],
    });
    expect(info.validation!.testWaveformStd).toBeGreaterThan(0);
    expect(models.liveModels()).toEqual([expect.objectContaining({ path: file, name: 'teacher-sspd' })]);
  }, 60_000);

  it('keeps an .onnx byte for byte and leaves the active model alone unless asked', async () => {
    const models = registry();
    const first = await models.import(goodPth, 'a.pth', { activate: true });
    const onnx = await models.import(goodOnnx, 'b.onnx');
    expect(onnx).toMatchObject({
      sha256: sha256(goodOnnx),
      source: 'onnx',
      active: false,
      validation: expect.objectContaining({ checkpointTensors: null }),
    });
    expect(Buffer.compare(fs.readFileSync(path.join(dir, MODELS_DIR, `${onnx.sha256}.onnx`)), goodOnnx)).toBe(0);
    expect(models.list().map((m) => [m.sha256, m.active])).toEqual([
      [onnx.sha256, false],
      [first.sha256, true],
    ]);
  }, 60_000);

  it('rejects broken, foreign and misshapen files with a clear code, keeping the active model and storing nothing', async () => {
    const models = registry();
    const active = await models.import(goodPth, 'good.pth', { activate: true });
    const wrongShape = sspdTensors();
    wrongShape.set('backbone_step1.Conv_Layer1.weight', { shape: [8, 3, 3, 3, 3], values: new Float32Array(648) });
    const cases: Array<[string, Uint8Array, string]> = [
      ['empty.onnx', new Uint8Array(0), 'MODEL_CORRUPT'],
      ['random.onnx', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24), 'MODEL_CORRUPT'],
      ['truncated.onnx', goodOnnx.subarray(0, goodOnnx.length - 1000), 'MODEL_CORRUPT'],
      ['truncated.pth', goodPth.subarray(0, goodPth.length >> 1), 'CHECKPOINT_CORRUPT'],
      ['not-a-zip.pth', new TextEncoder().encode('hello'), 'CHECKPOINT_CORRUPT'],
      ['legacy.pth', Uint8Array.of(0x80, 0x02, 0x8a, 0x0a), 'CHECKPOINT_UNSUPPORTED'],
      ['other-network.pth', otherNetworkPth, 'CHECKPOINT_WRONG_KEYS'],
      ['wrong-shape.pth', writeCheckpoint(wrongShape), 'CHECKPOINT_WRONG_SHAPE'],
      ['other-io.onnx', fs.readFileSync(path.join(TEST_MODELS, 'other-io.onnx')), 'MODEL_WRONG_IO'],
      [
        'wrong-input-shape.onnx',
        fs.readFileSync(path.join(TEST_MODELS, 'wrong-input-shape.onnx')),
        'MODEL_WRONG_SHAPE',
      ],
      [
        'wrong-output-length.onnx',
        fs.readFileSync(path.join(TEST_MODELS, 'wrong-output-length.onnx')),
        'MODEL_WRONG_SHAPE',
      ],
    ];
    for (const [name, bytes, code] of cases) {
      expect(await codeOf(models.import(bytes, name, { activate: true })), name).toBe(code);
    }
    expect(models.list().map((m) => [m.sha256, m.active])).toEqual([[active.sha256, true]]);
    expect(fs.readdirSync(path.join(dir, MODELS_DIR))).toEqual([`${active.sha256}.onnx`]);
  }, 120_000);

  it('refuses files far larger than any SSPD model before reading them as one', async () => {
    expect(await codeOf(registry().import(new Uint8Array(25 * 1024 * 1024), 'huge.onnx'))).toBe('MODEL_TOO_LARGE');
  });
});

describe('active model', () => {
  const bundled = () => {
    const file = path.join(dir, 'bundled-sspd.onnx');
    fs.writeFileSync(file, goodOnnx);
    return file;
  };

  it('is remembered across restarts, and null goes back to the bundled default', async () => {
    const info = await registry().import(goodPth, 'mine.pth', { activate: true });
    store.close();
    store = openStore(dir);
    const models = registry({ bundled: bundled() });
    expect(models.list().map((m) => [m.source, m.active])).toEqual([
      ['bundled', false],
      ['pth', true],
    ]);
    expect(models.liveModels().map((m) => m.name)).toEqual(['mine', 'bundled-sspd.onnx']);
    models.setActive(null);
    expect(models.list().map((m) => [m.source, m.active])).toEqual([
      ['bundled', true],
      ['pth', false],
    ]);
    expect(models.list()[0]!.sha256).toBe(sha256(goodOnnx));
    expect(models.liveModels().map((m) => m.name)).toEqual(['bundled-sspd.onnx']);
    models.setActive(info.sha256);
    expect(models.liveModels()[0]!.name).toBe('mine');
  }, 60_000);

  it('will not switch to a model whose stored file is gone or altered, and recordings fall back to the default', async () => {
    const models = registry({ bundled: bundled() });
    const kept = await models.import(goodPth, 'kept.pth', { activate: true });
    const altered = await models.import(goodOnnx, 'altered.onnx');
    fs.appendFileSync(path.join(dir, MODELS_DIR, `${altered.sha256}.onnx`), 'x');
    expect(() => models.setActive(altered.sha256)).toThrow(/missing or changed/);
    expect(() => models.setActive('0'.repeat(64))).toThrow(/No imported model/);
    expect(models.list().find((m) => m.active)?.sha256).toBe(kept.sha256);
    await models.import(goodOnnx, 'altered-again.onnx'); // importing it again repairs the stored file
    expect(models.setActive(altered.sha256)?.name).toBe('altered');
    models.setActive(kept.sha256);
    fs.rmSync(path.join(dir, MODELS_DIR, `${kept.sha256}.onnx`));
    expect(models.liveModels().map((m) => m.name)).toEqual(['bundled-sspd.onnx']);
  }, 60_000);

  it('removes imports that are not active, with their files', async () => {
    const models = registry();
    const active = await models.import(goodPth, 'a.pth', { activate: true });
    const other = await models.import(goodOnnx, 'b.onnx');
    expect(() => models.remove(active.sha256)).toThrow(/active model/);
    models.remove(other.sha256);
    expect(models.list().map((m) => m.sha256)).toEqual([active.sha256]);
    expect(fs.existsSync(path.join(dir, MODELS_DIR, `${other.sha256}.onnx`))).toBe(false);
  }, 60_000);
});

describe.skipIf(!sharedAvailable())(
  'download of the authors’ checkpoint (local copies only, never the network)',
  () => {
    let server: http.Server;
    let base = '';
    beforeAll(async () => {
      const authors = fs.readFileSync(AUTHORS_CHECKPOINT);
      server = http.createServer((request, response) => {
        if (request.url === '/ubfc.pth') response.end(authors);
        else if (request.url === '/tampered.pth')
          response.end(Buffer.concat([authors.subarray(0, -1), Buffer.of(authors.at(-1)! ^ 1)]));
        else response.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return () => new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('imports it over http when its SHA-256 matches, named and sourced as the authors’', async () => {
      const info = await registry({ authorsUrl: `${base}/ubfc.pth` }).downloadAuthors({ activate: true });
      expect(info).toMatchObject({
        name: 'SSPD authors’ weights (UBFC-rPPG)',
        source: 'pth',
        origin: `${base}/ubfc.pth`,
        originSha256: AUTHORS.sha256,
        active: true,
      });
    }, 60_000);

    it('reads a file: address too', async () => {
      const info = await registry({ authorsUrl: pathToFileURL(AUTHORS_CHECKPOINT).href }).downloadAuthors();
      expect(info.originSha256).toBe(AUTHORS.sha256);
    }, 60_000);

    it('refuses a file with another hash, and says when the download fails', async () => {
      expect(await codeOf(registry({ authorsUrl: `${base}/tampered.pth` }).downloadAuthors())).toBe(
        'CHECKSUM_MISMATCH',
      );
      expect(await codeOf(registry({ authorsUrl: `${base}/missing.pth` }).downloadAuthors())).toBe('DOWNLOAD_FAILED');
      expect(await codeOf(registry({ authorsUrl: 'ftp://example.invalid/ubfc.pth' }).downloadAuthors())).toBe(
        'DOWNLOAD_FAILED',
      );
      expect(fs.existsSync(path.join(dir, MODELS_DIR))).toBe(false);
    });
  },
);
