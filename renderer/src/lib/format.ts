// Small display formatters shared by views.

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI'];

export const romanSkinType = (type: number | null): string => (type === null ? '—' : (ROMAN[type - 1] ?? String(type)));

export function formatDate(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
