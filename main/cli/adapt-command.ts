// `pulse-studio adapt --study S [--sessions 3,4] [--steps N] [--device cpu|cuda]`: the active model fine-tuned on the
// study's own recordings without labels, registered as a new (inactive) model. Progress on stderr; Ctrl+C (or SIGTERM)
// cancels cleanly (the Python run ends, its temporary files go, no model is registered).
import { adaptRequest, type AdaptAgreement, type AdaptProvenance } from '../../common/adaptation.ts';
import { AppError } from '../../common/ipc/result.ts';
import type { ModelInfo } from '../../common/models.ts';
import type { AgreementFigures } from '../../common/references.ts';
import { adaptModel } from '../models/adaptation/adapt-model.ts';
import { ModelRegistry } from '../models/model-registry.ts';
import { installedModel } from '../services.ts';
import { resolveDataDir } from '../store/index.ts';
import { openCliStore, type PassphraseOptions } from './encryption-commands.ts';
import { interruptSignal } from './interrupt.ts';
import type { ProgressBar } from './progress.ts';
import { studyOf } from '../reports/export-request.ts';

export interface AdaptCommandOptions extends PassphraseOptions {
  study?: string | undefined;
  sessions?: string | undefined;
  steps?: string | undefined;
  device?: string | undefined;
  python?: string | undefined;
  json: boolean;
  operator?: string | undefined;
}

const fixed = (v: number | null, digits = 1) => (v === null ? '–' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? '–' : `${Math.round(100 * v)} %`);
const change = (
  label: string,
  a: AgreementFigures,
  b: AgreementFigures,
  key: 'maeBpm' | 'rmseBpm' | 'pearsonR',
  unit = '',
) => `${label} ${fixed(a[key], key === 'pearsonR' ? 2 : 1)} → ${fixed(b[key], key === 'pearsonR' ? 2 : 1)}${unit}`;

export function agreementLine(a: AdaptAgreement | null): string {
  if (!a) return 'No session used has a contact reference: no before/after comparison.';
  const { before, after } = a;
  return (
    `Agreement with contact references (${a.sessions.length} session(s), reliable windows, before → after): ` +
    `${change('MAE', before, after, 'maeBpm', ' bpm')}, ${change('RMSE', before, after, 'rmseBpm', ' bpm')}, ${change('r', before, after, 'pearsonR')}, ` +
    `coverage ${pct(before.coverage)} → ${pct(after.coverage)}, within ±5 bpm ${pct(before.within5)} → ${pct(after.within5)}; ` +
    `all windows MAE ${fixed(before.allWindows.maeBpm)} → ${fixed(after.allWindows.maeBpm)} bpm`
  );
}

export function adaptText(model: ModelInfo, p: AdaptProvenance): string {
  const first = p.lossCurve[0];
  const last = p.lossCurve.at(-1);
  return [
    `Adapted “${p.baseName}” to study “${p.studyName}”: ${p.sessionIds.length} session(s) (${p.sessionIds.join(', ')}), ${p.frames} face frames, ${p.steps} steps on ${p.device} in ${p.seconds} s.`,
    `Loss ${fixed(first ?? null, 3)} → ${fixed(last ?? null, 3)} (first → last step).`,
    agreementLine(p.agreement),
    `New model “${model.name}”, SHA-256 ${model.sha256}. It is NOT the active model: choose it in Settings → Models when you want recordings to use it.`,
  ].join('\n');
}

export async function adaptCommand(o: AdaptCommandOptions, bundledModel: string, bar: ProgressBar): Promise<number> {
  const sessionIds = (o.sessions ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (sessionIds.some((id) => !Number.isSafeInteger(id) || id <= 0))
    throw new AppError('invalid_input', `--sessions takes session ids like 3,4 (got "${o.sessions}")`);
  const steps = o.steps === undefined ? undefined : Number(o.steps);
  const store = await openCliStore(resolveDataDir(), o, {
    holder: 'the pulse-studio command',
    ...(o.operator ? { actor: o.operator } : {}),
  });
  const interrupt = interruptSignal('Cancelling the adaptation…');
  try {
    const study = studyOf(store, o.study);
    const parsed = adaptRequest.safeParse({
      studyId: study.id,
      sessionIds,
      ...(steps === undefined ? {} : { steps }),
      ...(o.device ? { device: o.device } : {}),
      python: o.python ?? '',
    });
    if (!parsed.success)
      throw new AppError(
        'invalid_input',
        `--${String(parsed.error.issues[0]?.path[0] ?? 'input')}: ${parsed.error.issues[0]?.message}`,
      );
    const models = new ModelRegistry({
      db: store.db,
      audit: store.audit,
      dataDir: store.dataDir,
      bundled: installedModel(bundledModel),
    });
    const { model, provenance } = await adaptModel(store, models, parsed.data, {
      signal: interrupt.signal,
      onProgress: (p) => bar.update(Math.round(p.fraction * 1000), 1000, p.message),
    });
    bar.done();
    process.stdout.write(
      o.json ? JSON.stringify({ model, provenance }, null, 1) + '\n' : adaptText(model, provenance) + '\n',
    );
    return 0;
  } catch (error) {
    bar.done();
    if (interrupt.signal.aborted) {
      process.stderr.write('pulse-studio: the adaptation was cancelled; no model was registered\n');
      return 130;
    }
    throw error;
  } finally {
    interrupt.dispose();
    store.close();
  }
}
