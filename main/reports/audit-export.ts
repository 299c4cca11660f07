// The study's audit trail in a researcher export, de-identified like the rest: free text and demographics
// withheld unless the export includes them, dates shifted, local paths scrubbed. Hashes are kept, so each
// exported entry can be checked against the source database's chain (`pulse-studio verify`).
import type { AuditRecord } from '../../common/data-safety.ts';
import type { Store } from '../store/index.ts';
import { scrubJson, shiftIso, type DeidOptions } from './deidentify.ts';

const FREE_TEXT = new Set([
  'notes',
  'cameraLabel',
  'consentVersion',
  'description',
  'contact',
  'name',
  'fileName',
  'device',
]);
const DEMOGRAPHICS = new Set(['sex', 'skinType']);
/** Exports give an age at most, never the birth year: its entries leave the field out. */
const NEVER = 'birthYear';
const DATES = new Set(['consentDate', 'endedAt', 'startedAt']);
const WITHHELD = '(withheld)';

export function auditTrailExport(
  store: Store,
  studyId: number,
  deid: DeidOptions,
  shiftDays: number,
  hidden: readonly string[],
) {
  const value = (field: string, v: unknown): unknown => {
    if (v === null || v === undefined) return v;
    if ((FREE_TEXT.has(field) && !deid.includeFreeText) || (DEMOGRAPHICS.has(field) && !deid.includeDemographics))
      return WITHHELD;
    if (DATES.has(field) && deid.shiftDates && typeof v === 'string')
      return v.length === 10 ? shiftIso(`${v}T00:00:00Z`, shiftDays)!.slice(0, 10) : shiftIso(v, shiftDays);
    return v;
  };
  const fields = (side: unknown) =>
    side && typeof side === 'object'
      ? Object.fromEntries(
          Object.entries(side)
            .filter(([k]) => k !== NEVER)
            .map(([k, v]) => [k, value(k, v)]),
        )
      : side;
  const entry = (e: AuditRecord) => ({
    ...e,
    at: deid.shiftDates ? shiftIso(e.at, shiftDays) : e.at,
    // Staff names are not part of a de-identified dataset either.
    actor: deid.includeFreeText ? e.actor : WITHHELD,
    before: fields(e.before),
    after: fields(e.after),
  });
  const entries = store.audit.list({ studyId }).map(entry);
  return scrubJson(
    { chainHead: store.audit.verify().head, datesShifted: deid.shiftDates, entries },
    hidden,
    deid.includeFreeText,
  );
}
