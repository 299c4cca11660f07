// Rows of the models table (migration 5): imported models, their checks, and which one is active.
import type { AdaptProvenance } from '../../common/adaptation.ts';
import type { ModelInfo, ModelValidation } from '../../common/models.ts';
import { AppError } from '../../common/ipc/result.ts';
import { AuditedRepository } from '../store/audited-repository.ts';

interface ModelRow {
  sha256: string;
  name: string;
  source: 'pth' | 'onnx' | 'adapted';
  origin: string;
  origin_sha256: string;
  bytes: number;
  imported_at: string;
  validation_json: string;
  active: 0 | 1;
  provenance_json: string | null;
}

export type NewModel = Omit<ModelInfo, 'active' | 'importedAt' | 'source' | 'validation' | 'provenance'> & {
  validation: ModelValidation;
} & ({ source: 'pth' | 'onnx'; provenance?: null } | { source: 'adapted'; provenance: AdaptProvenance });

const toInfo = (r: ModelRow): ModelInfo => ({
  sha256: r.sha256,
  name: r.name,
  source: r.source,
  origin: r.origin,
  originSha256: r.origin_sha256,
  bytes: r.bytes,
  importedAt: r.imported_at,
  validation: JSON.parse(r.validation_json) as ModelValidation,
  active: r.active === 1,
  provenance: r.provenance_json === null ? null : (JSON.parse(r.provenance_json) as AdaptProvenance),
});

export class ModelRepository extends AuditedRepository {
  /** Newest import first. */
  list(): ModelInfo[] {
    return (this.db.prepare('SELECT * FROM models ORDER BY imported_at DESC, rowid DESC').all() as ModelRow[]).map(
      toInfo,
    );
  }

  find(sha256: string): ModelInfo | null {
    const row = this.db.prepare('SELECT * FROM models WHERE sha256 = ?').get(sha256) as ModelRow | undefined;
    return row ? toInfo(row) : null;
  }

  get(sha256: string): ModelInfo {
    const found = this.find(sha256);
    if (!found) throw new AppError('not_found', `No imported model has SHA-256 ${sha256}`);
    return found;
  }

  active(): ModelInfo | null {
    const row = this.db.prepare('SELECT * FROM models WHERE active = 1').get() as ModelRow | undefined;
    return row ? toInfo(row) : null;
  }

  /** Adds the model; importing the same model again keeps its first record. */
  add(model: NewModel): ModelInfo {
    this.db.transaction(() => {
      const { changes } = this.db
        .prepare(
          `INSERT INTO models (sha256, name, source, origin, origin_sha256, bytes, imported_at, validation_json, provenance_json)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
        )
        .run(
          model.sha256,
          model.name,
          model.source,
          model.origin,
          model.originSha256,
          model.bytes,
          this.now(),
          JSON.stringify(model.validation),
          model.provenance ? JSON.stringify(model.provenance) : null,
        );
      const { name, source, origin, originSha256, bytes } = model;
      const adapted = model.provenance
        ? { studyId: model.provenance.studyId, sessionIds: model.provenance.sessionIds, steps: model.provenance.steps }
        : {};
      if (changes)
        this.audit.record({
          action: model.source === 'adapted' ? 'adapt' : 'import',
          entity: 'model',
          entityId: model.sha256,
          after: { name, source, origin, originSha256, bytes, ...adapted },
        });
    })();
    return this.get(model.sha256);
  }

  /** Makes `sha256` the active model, or none (the bundled default) with null; one transaction. */
  setActive(sha256: string | null): void {
    if (sha256 !== null) this.get(sha256);
    const before = this.active()?.sha256 ?? null;
    if (before === sha256) return;
    this.db.transaction(() => {
      this.db.prepare('UPDATE models SET active = 0 WHERE active = 1').run();
      if (sha256 !== null) this.db.prepare('UPDATE models SET active = 1 WHERE sha256 = ?').run(sha256);
      // null: the bundled default.
      this.audit.record({
        action: 'activate',
        entity: 'model',
        entityId: sha256,
        before: { active: before },
        after: { active: sha256 },
      });
    })();
  }

  remove(sha256: string): void {
    this.db.transaction(() => {
      const { changes } = this.db.prepare('DELETE FROM models WHERE sha256 = ?').run(sha256);
      if (changes) this.audit.record({ action: 'remove', entity: 'model', entityId: sha256 });
    })();
  }
}
