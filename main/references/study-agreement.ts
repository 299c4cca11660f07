// Agreement over a study: every finished, non-voided session with a contact reference, pooled window by window, and
// split by a subject attribute (skin type, sex, age band) or by protocol step to show where the camera is biased.
import { type AgreementSplit, type StudyAgreement } from '../../common/references.ts';
import type { Session } from '../../common/sessions.ts';
import type { Subject } from '../../common/subjects.ts';
import { ageAt } from '../../common/subjects.ts';
import type { Store } from '../store/index.ts';
import { agreementByMethod, methodAgreement, type PairedWindow } from './agreement.ts';
import { sessionPairs } from './session-agreement.ts';

/** The method name the app's own reading is pooled under: each session's primary (SSPD, or POS without a model). */
export const APP_METHOD = 'app';
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI'];

function groupOf(split: AgreementSplit, subject: Subject, session: Session, window: PairedWindow): string {
  if (split === 'skinType') return subject.skinType ? `type ${ROMAN[subject.skinType - 1]}` : 'not recorded';
  if (split === 'sex') return subject.sex;
  if (split === 'ageBand') {
    const age = ageAt(subject.birthYear, session.startedAt);
    return age === null ? 'not recorded' : `${Math.floor(age / 10) * 10}–${Math.floor(age / 10) * 10 + 9} years`;
  }
  if (split === 'step') return window.step ?? 'outside the protocol';
  return 'all';
}

/** One study's sessions to pool: a station's study (and, for an export, only its chosen sessions). */
export interface StudyPart {
  store: Store;
  studyId: number;
  only?: ReadonlySet<number> | undefined;
  /** Said before a left-out session's reason when parts come from several stations. */
  label?: string | undefined;
}

/** `only`: the sessions to pool (an export's), else every finished, non-voided session of the study. */
export function studyAgreement(
  store: Store,
  studyId: number,
  split: AgreementSplit = 'none',
  only?: ReadonlySet<number>,
): StudyAgreement {
  return pooledAgreement([{ store, studyId, only }], split);
}

/** The agreement over the sessions of several parts pooled window by window (one study across stations). */
export function pooledAgreement(parts: readonly StudyPart[], split: AgreementSplit = 'none'): StudyAgreement {
  const pooled: PairedWindow[] = [];
  const grouped = new Map<string, PairedWindow[]>();
  const skipped: StudyAgreement['skipped'] = [];
  let sessions = 0;
  for (const { store, studyId, only, label } of parts) {
    store.studies.get(studyId);
    for (const subject of store.subjects.list({ studyId, search: '', includeArchived: true })) {
      for (const session of store.sessions.listForSubject(subject.id, { includeVoided: only !== undefined })) {
        if (
          (only && !only.has(session.id)) ||
          session.status === 'recording' ||
          store.references.list(session.id).length === 0
        )
          continue;
        const paired = sessionPairs(store, session.id);
        if ('reason' in paired) {
          skipped.push({ sessionId: session.id, reason: label ? `${label}: ${paired.reason}` : paired.reason });
          continue;
        }
        sessions++;
        for (const w of paired.windows) {
          pooled.push(w);
          if (w.method !== paired.primary) continue;
          const app = { ...w, method: APP_METHOD };
          pooled.push(app);
          const group = groupOf(split, subject, session, w);
          grouped.set(group, [...(grouped.get(group) ?? []), app]);
        }
      }
    }
  }
  const groups =
    split === 'none'
      ? []
      : [...grouped.entries()]
          .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
          .map(([group, windows]) => ({ group, ...methodAgreement(APP_METHOD, windows) }));
  return {
    studyId: parts[0]?.studyId ?? 0,
    split,
    sessions,
    skipped,
    overall: agreementByMethod(pooled, APP_METHOD),
    groups,
  };
}
