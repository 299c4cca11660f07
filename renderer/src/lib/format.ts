// Small display formatters shared by views.
import type { Session } from '../../../common/sessions.ts';

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI'];

export const romanSkinType = (type: number | null): string => (type === null ? '—' : (ROMAN[type - 1] ?? String(type)));

export function formatDate(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** 75.4 → "1:15"; 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Where a session came from, in the words every view uses. */
export const sourceLabel = (session: Pick<Session, 'source'>): string => (session.source === 'import' ? 'imported' : 'recorded');
