// What a session's contact references and protocol add to a researcher export: each reference's HR and beats in
// session time, the paired windows and agreement figures, results per protocol step, and the protocol steps as
// BIDS events. Reference file and device names are free text: withheld unless the export includes free text.
import { REFERENCE_KIND_WORDS } from '../../common/references.ts';
import { stepLabel } from '../../common/protocols.ts';
import { sessionAgreement, sessionPairs } from '../references/session-agreement.ts';
import { sessionSteps } from '../references/step-results.ts';
import { studyAgreement } from '../references/study-agreement.ts';
import type { AgreementSplit } from '../../common/references.ts';
import type { Store } from '../store/index.ts';
import { csv, json, num } from './tables.ts';

type Entry = { path: string; data: Buffer };
const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** The reference and protocol files of one session under `out` (the session's derivatives prefix). */
export function referenceEntries(store: Store, sessionId: number, out: string, includeFreeText: boolean): Entry[] {
  const entries: Entry[] = [];
  const refs = store.references.list(sessionId);
  refs.forEach((ref, k) => {
    const series = store.references.series(ref.id);
    const beats = store.references.beats(ref.id);
    const base = `${out}_reference-${k + 1}`;
    entries.push({
      path: `${base}.csv`,
      data: text(
        csv(
          ['t_s', 'bpm'],
          series.t.map((t, i) => [num(t, 9), num(series.bpm[i])]),
        ),
      ),
    });
    if (beats.t.length)
      entries.push({
        path: `${base}_beats.csv`,
        data: text(
          csv(
            ['t_s', 'rr_ms'],
            beats.t.map((t, i) => [num(t, 9), num(beats.rrMs[i])]),
          ),
        ),
      });
  });
  if (refs.length && !('reason' in sessionPairs(store, sessionId))) {
    const a = sessionAgreement(store, sessionId);
    const rows = a.pairs.map((p) => [
      num(p.tS),
      p.step ?? '',
      num(p.cameraBpm),
      num(p.referenceBpm),
      p.reliable ? 1 : 0,
    ]);
    entries.push({
      path: `${out}_agreement.csv`,
      data: text(csv(['t_s', 'step', 'camera_bpm', 'reference_bpm', 'reliable'], rows)),
    });
    const { pairs: _pairs, reference, ...figures } = a;
    entries.push({
      path: `${out}_agreement.json`,
      data: text(json({ reference: referenceMeta(reference, 0, includeFreeText), ...figures })),
    });
  }
  const steps = sessionSteps(store, sessionId);
  if (steps.length) {
    const rows = steps.map((s) => [
      s.step + 1,
      s.name,
      num(s.fromS),
      num(s.toS),
      s.plannedS,
      s.extendedS,
      s.skipped ? 1 : 0,
      num(s.hr.bpm),
      s.hr.reliability,
      num(s.hr.coverage, 3),
      num(s.referenceBpm),
      num(s.agreement?.maeBpm ?? null),
      s.agreement?.n ?? null,
    ]);
    const head = [
      'step',
      'name',
      'from_s',
      'to_s',
      'planned_s',
      'extended_s',
      'skipped',
      'hr_bpm',
      'reliability',
      'coverage',
      'reference_bpm',
      'mae_bpm',
      'windows_compared',
    ];
    entries.push({ path: `${out}_steps.csv`, data: text(csv(head, rows)) });
  }
  return entries;
}

function referenceMeta(ref: ReturnType<Store['references']['get']>, index: number, includeFreeText: boolean) {
  // Database ids and the creation date (not shifted here) stay out; who imported it is free text.
  const { label, details, offsetEstimate, id: _id, sessionId: _s, createdAt: _c, createdBy, ...rest } = ref;
  const { fileName: _f, ...facts } = details as Record<string, unknown>;
  return {
    file: `reference-${index + 1}`,
    ...rest,
    what: REFERENCE_KIND_WORDS[ref.kind],
    ...(includeFreeText ? { label, createdBy } : {}),
    details: facts,
    offsetEstimate: offsetEstimate
      ? {
          offsetS: offsetEstimate.offsetS,
          r: offsetEstimate.r,
          searchS: offsetEstimate.searchS,
          note: offsetEstimate.note,
        }
      : null,
  };
}

/** For `_session.json`: the references (no free text unless asked) and the protocol as it ran. */
export function referenceMetadata(
  store: Store,
  sessionId: number,
  includeFreeText: boolean,
): { references: unknown[]; protocol: unknown } {
  const run = store.protocols.run(sessionId);
  return {
    references: store.references.list(sessionId).map((r, k) => referenceMeta(r, k, includeFreeText)),
    protocol: run
      ? {
          name: run.protocol.name,
          steps: run.protocol.steps,
          run: run.steps,
          events: run.events.map(({ createdAt: _c, ...e }) => e),
        }
      : null,
  };
}

/** Protocol steps as BIDS events: onset and duration in seconds from the first frame. */
export function stepEvents(store: Store, sessionId: number): [string | null, number, string][] {
  return (store.protocols.run(sessionId)?.steps ?? []).map((s) => [
    num(s.fromS),
    Number((s.toS - s.fromS).toFixed(3)),
    `step: ${stepLabel(s)}`,
  ]);
}

/** Agreement pooled over an export's sessions: overall, by step, and by subject attributes only with demographics. */
export function datasetAgreement(
  store: Store,
  studyId: number,
  sessionIds: ReadonlySet<number>,
  includeDemographics: boolean,
): unknown {
  const splits: AgreementSplit[] = ['step', ...(includeDemographics ? (['skinType', 'sex', 'ageBand'] as const) : [])];
  const all = studyAgreement(store, studyId, 'none', sessionIds);
  if (all.sessions === 0) return null;
  const { skipped: _s, groups: _g, split: _split, studyId: _id, ...overall } = all;
  return {
    ...overall,
    note: "Camera windows compared only where the app's heart rate is reliable; coverage is the share of reference windows with a reliable camera HR.",
    by: Object.fromEntries(splits.map((split) => [split, studyAgreement(store, studyId, split, sessionIds).groups])),
  };
}
