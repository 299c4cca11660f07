// Results per protocol step of a session: the one session HR statistic (common/session-hr.ts) over the step's
// windows, and where a reference exists its mean HR and the agreement over the step.
import { stepLabel, type StepResult } from '../../common/protocols.ts';
import { sessionHr } from '../../common/session-hr.ts';
import type { Store } from '../store/index.ts';
import { methodAgreement } from './agreement.ts';
import { cameraSide } from './reference-import.ts';
import { sessionPairs } from './session-agreement.ts';

export function sessionSteps(store: Store, sessionId: number): StepResult[] {
  const run = store.protocols.run(sessionId);
  if (!run) return [];
  const camera = cameraSide(store, sessionId);
  const points = camera ? (camera.series[camera.primary] ?? []) : [];
  const paired = store.references.list(sessionId).length > 0 ? sessionPairs(store, sessionId) : null;
  const windows = paired && !('reason' in paired) ? paired.windows.filter((w) => w.method === paired.primary) : [];
  return run.steps.map((step) => {
    const own = windows.filter((w) => w.step === stepLabel(step));
    return {
      ...step,
      hr: sessionHr(points.filter((p) => p.tS >= step.fromS && p.tS < step.toS)),
      referenceBpm: own.length ? own.reduce((s, w) => s + w.referenceBpm, 0) / own.length : null,
      agreement: own.length && camera ? methodAgreement(camera.primary, own) : null,
    };
  });
}
