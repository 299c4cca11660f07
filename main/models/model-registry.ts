// The models the app can run: the bundled default plus imports (.pth converted, .onnx as is) kept in
// <dataDir>/models/<sha256>.onnx, each validated before it is stored, and the user's active choice.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import type { AdaptProvenance } from '../../common/adaptation.ts';
import { AUTHORS_CHECKPOINT, MAX_MODEL_BYTES, type ModelInfo, type ModelValidation } from '../../common/models.ts';
import type { WorkerLauncher } from '../inference/worker-process.ts';
import type { LiveModel } from '../inference/supervised-inference.ts';
import type { AuditTrail } from '../store/audit-trail.ts';
import type { Db } from '../store/database.ts';
import { checkpointToOnnx, DEFAULT_TEMPLATE_PATH } from './checkpoint-to-onnx.ts';
import { downloadBytes } from './download.ts';
import { ModelImportError } from './import-error.ts';
import { ModelRepository } from './model-repository.ts';
import { validateOutOfProcess } from '../inference/model-validation.ts';
import { SSPD_TENSORS } from './sspd-keys.ts';

export const MODELS_DIR = 'models';

export interface ModelRegistryOptions {
  db: Db;
  /** Imports, activations and removals are recorded here. */
  audit: AuditTrail;
  dataDir: string;
  /** The model shipped with the app (or PULSE_STUDIO_MODEL); used when no import is active. */
  bundled?: string | null;
  /** How the Recorder starts its inference process (the desktop app's utility process); default: a Node child. */
  launch?: WorkerLauncher;
  intraOpThreads?: number;
  /** export.py --template output; bundled builds pass the copy beside the main bundle. */
  templatePath?: string;
  /** Where the authors' checkpoint is downloaded from (tests serve a local copy). */
  authorsUrl?: string;
  validate?: (onnx: Uint8Array, checkpointTensors: number | null) => Promise<ModelValidation>;
}

export interface ImportOptions {
  /** Make it the active model once it has passed every check. */
  activate?: boolean;
  name?: string;
  /** Where it came from, when not the file name (a download address). */
  origin?: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const isZip = (bytes: Uint8Array) => bytes[0] === 0x50 && bytes[1] === 0x4b;
/** torch.save before 1.6 wrote a bare pickle (protocol 2 starts 0x80 0x02). */
const isLegacyTorch = (bytes: Uint8Array) => bytes[0] === 0x80 && bytes[1] === 0x02;
const displayName = (fileName: string) => path.basename(fileName).replace(/\.(pth|pt|onnx)$/i, '') || 'model';

export class ModelRegistry {
  readonly #repo: ModelRepository;
  readonly #dir: string;
  readonly #options: ModelRegistryOptions;
  #template: Uint8Array | null = null;
  #bundledInfo: { key: string; info: ModelInfo } | null = null;

  constructor(options: ModelRegistryOptions) {
    this.#repo = new ModelRepository(options.db, options.audit);
    this.#dir = path.join(options.dataDir, MODELS_DIR);
    this.#options = options;
  }

  /** The bundled default first (when installed), then imports, newest first. */
  list(): ModelInfo[] {
    const imported = this.#repo.list();
    const bundled = this.#bundled(imported.every((m) => !m.active));
    return bundled ? [bundled, ...imported] : imported;
  }

  /**
   * Converts (a .pth) or takes (an .onnx) the model, validates it, stores it by hash and records it.
   * Any failure throws a coded ModelImportError/ModelError and changes nothing: the active model stays.
   */
  async import(bytes: Uint8Array, fileName: string, options: ImportOptions = {}): Promise<ModelInfo> {
    if (bytes.length === 0) throw new ModelImportError('MODEL_CORRUPT', 'the file is empty');
    if (bytes.length > MAX_MODEL_BYTES)
      throw new ModelImportError(
        'MODEL_TOO_LARGE',
        `the file has ${(bytes.length / 2 ** 20).toFixed(1)} MB; an SSPD model has about 3 MB (at most ${MAX_MODEL_BYTES >> 20} MB)`,
      );
    const checkpoint = isZip(bytes) || /\.(pth|pt)$/i.test(fileName);
    if (isLegacyTorch(bytes))
      throw new ModelImportError(
        'CHECKPOINT_UNSUPPORTED',
        'a checkpoint in the pre-1.6 PyTorch format: load it and torch.save it again with a current PyTorch',
      );
    const onnx = checkpoint ? await checkpointToOnnx(bytes, this.#templateBytes()) : bytes;
    const validation = await this.#validate(onnx, checkpoint ? SSPD_TENSORS.length : null);
    const hash = sha256(onnx);
    this.#writeFile(hash, onnx);
    this.#repo.add({
      sha256: hash,
      name: options.name ?? displayName(fileName),
      source: checkpoint ? 'pth' : 'onnx',
      origin: options.origin ?? path.basename(fileName),
      originSha256: sha256(bytes),
      bytes: onnx.length,
      validation,
    });
    if (options.activate) this.setActive(hash);
    return this.#repo.get(hash);
  }

  /**
   * Registers a model adapted to a study's recordings (main/models/adaptation), validated like an import, with how it
   * was made. Never made active here: the user chooses it. Checks `signal` after the validation, before anything is
   * stored, so a cancelled adaptation leaves no model behind.
   */
  async addAdapted(
    onnx: Uint8Array,
    name: string,
    provenance: AdaptProvenance,
    signal?: AbortSignal,
  ): Promise<ModelInfo> {
    const validation = await this.#validate(onnx, null);
    signal?.throwIfAborted();
    const hash = sha256(onnx);
    this.#writeFile(hash, onnx);
    return this.#repo.add({
      sha256: hash,
      name,
      source: 'adapted',
      origin: `adapted from ${provenance.baseName}`,
      originSha256: provenance.baseSha256,
      bytes: onnx.length,
      validation,
      provenance,
    });
  }

  /** The model recordings use now (the active import, else the bundled default) and how to run it; null without one. */
  activeModel(): { info: ModelInfo; live: LiveModel } | null {
    const info = this.list().find((m) => m.active);
    const file = info && (info.source === 'bundled' ? info.origin : this.#file(info.sha256));
    if (!info || !file || !fs.existsSync(file)) return null;
    const { launch, intraOpThreads } = this.#options;
    return { info, live: { path: file, name: info.name, launch, intraOpThreads } };
  }

  /** The authors' checkpoint from its public address; imported only when its SHA-256 matches. */
  async downloadAuthors(options: Pick<ImportOptions, 'activate'> = {}): Promise<ModelInfo> {
    const url = this.#options.authorsUrl ?? AUTHORS_CHECKPOINT.url;
    const bytes = await downloadBytes(url, MAX_MODEL_BYTES);
    const got = sha256(bytes);
    if (got !== AUTHORS_CHECKPOINT.sha256) {
      throw new ModelImportError(
        'CHECKSUM_MISMATCH',
        `the file from ${url} has SHA-256 ${got}, not the authors’ ${AUTHORS_CHECKPOINT.sha256}: not imported`,
      );
    }
    return this.import(bytes, AUTHORS_CHECKPOINT.fileName, { ...options, name: AUTHORS_CHECKPOINT.name, origin: url });
  }

  /** Activates an imported model (its file must still be there, unchanged), or the default with null. */
  setActive(hash: string | null): ModelInfo | null {
    if (hash !== null) {
      this.#repo.get(hash);
      const file = this.#file(hash);
      if (!fs.existsSync(file) || sha256(fs.readFileSync(file)) !== hash) {
        throw new AppError(
          'not_found',
          `The stored file of this model is missing or changed (${file}); import it again`,
        );
      }
    }
    this.#repo.setActive(hash);
    return hash === null ? null : this.#repo.get(hash);
  }

  /** Removes an imported model that is not active, with its file. */
  remove(hash: string): void {
    if (this.#repo.get(hash).active)
      throw new AppError('conflict', 'This is the active model: choose another one first');
    this.#repo.remove(hash);
    fs.rmSync(this.#file(hash), { force: true });
  }

  /** What a recording tries, in order: the active import, then the bundled default. */
  liveModels(): LiveModel[] {
    const { launch, intraOpThreads, bundled } = this.#options;
    const active = this.#repo.active();
    const candidates: LiveModel[] = [];
    if (active && fs.existsSync(this.#file(active.sha256)))
      candidates.push({ path: this.#file(active.sha256), name: active.name, launch, intraOpThreads });
    if (bundled && fs.existsSync(bundled))
      candidates.push({ path: bundled, name: path.basename(bundled), launch, intraOpThreads });
    return candidates;
  }

  #validate(onnx: Uint8Array, checkpointTensors: number | null): Promise<ModelValidation> {
    return this.#options.validate
      ? this.#options.validate(onnx, checkpointTensors)
      : validateOutOfProcess(onnx, checkpointTensors, this.#options.launch);
  }

  #file(hash: string): string {
    return path.join(this.#dir, `${hash}.onnx`);
  }

  #writeFile(hash: string, onnx: Uint8Array): void {
    const file = this.#file(hash);
    // Importing again repairs a stored file that was damaged or deleted since.
    if (fs.existsSync(file) && sha256(fs.readFileSync(file)) === hash) return;
    try {
      fs.mkdirSync(this.#dir, { recursive: true });
      // A temporary name, synced, then renamed: a crash never leaves a half model under its hash.
      const partial = `${file}.${process.pid}.partial`;
      fs.writeFileSync(partial, onnx, { flush: true });
      fs.renameSync(partial, file);
    } catch (error) {
      throw new AppError(
        'storage',
        `Could not store the model in ${this.#dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }

  #templateBytes(): Uint8Array {
    this.#template ??= fs.readFileSync(this.#options.templatePath ?? DEFAULT_TEMPLATE_PATH);
    return this.#template;
  }

  /** The bundled model as a list entry; hashed once per file version (size and mtime). */
  #bundled(active: boolean): ModelInfo | null {
    const file = this.#options.bundled;
    const stat = file ? fs.statSync(file, { throwIfNoEntry: false }) : undefined;
    if (!file || !stat) return null;
    const key = `${stat.size}:${stat.mtimeMs}`;
    if (this.#bundledInfo?.key !== key) {
      const hash = sha256(fs.readFileSync(file));
      const info: ModelInfo = {
        sha256: hash,
        name: path.basename(file),
        source: 'bundled',
        origin: file,
        originSha256: hash,
        bytes: stat.size,
        importedAt: null,
        validation: null,
        active,
        provenance: null,
      };
      this.#bundledInfo = { key, info };
    }
    return { ...this.#bundledInfo.info, active };
  }
}
