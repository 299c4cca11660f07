// Small display formatters shared by views.
import { RELIABILITY_WORDS } from '../../../common/session-hr.ts';
import type { HrStats } from '../../../common/results.ts';
import type { Session } from '../../../common/sessions.ts';

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI'];

export const romanSkinType = (type: number | null): string => (type === null ? '—' : (ROMAN[type - 1] ?? String(type)));

export function formatDate(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** 75.4 → "1:15"; 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A session's HR as every view words it: "72.4 bpm", or "No reliable heart rate" (common/session-hr.ts). */
export function hrText(stats: HrStats | null | undefined, digits = 1): string {
  if (!stats) return 'not analysed';
  return stats.bpm === null ? RELIABILITY_WORDS.none : `${stats.bpm.toFixed(digits)} bpm`;
}

/** The reliability beside the number, with the share of reliable windows and the main reason when not reliable. */
export function reliabilityText(stats: HrStats): string {
  const share = `${Math.round(100 * stats.coverage)} % of windows reliable`;
  return stats.reliability === 'reliable'
    ? `reliable · ${share}`
    : `${stats.reliability === 'caution' ? 'use with caution' : 'no number'}${stats.reason ? ` — ${stats.reason}` : ''} · ${share}`;
}

/** Where a session came from, in the words every view uses. */
export const sourceLabel = (session: Pick<Session, 'source'>): string =>
  session.source === 'import' ? 'imported' : 'recorded';
