// The participant report's HTML template and its strings (resources/reports): load per language with
// English as the fallback, and fill `{{key}}` (escaped text) and `{{@key}}` (generated HTML) slots.
import fs from 'node:fs';
import path from 'node:path';
import { escapeHtml } from '../evaluation/svg-plot.ts';

export type Strings = Record<string, string>;

export interface ReportTemplate {
  html: string;
  strings: Strings;
}

export const REPORTS_FOLDER = 'reports';

export function loadReportTemplate(resourcesDir: string, lang = 'en'): ReportTemplate {
  const dir = path.join(resourcesDir, REPORTS_FOLDER);
  const read = (code: string): Strings =>
    JSON.parse(fs.readFileSync(path.join(dir, `strings.${code}.json`), 'utf8')) as Strings;
  const english = read('en');
  const own =
    lang !== 'en' && /^[a-z]{2}(-[A-Z]{2})?$/.test(lang) && fs.existsSync(path.join(dir, `strings.${lang}.json`))
      ? read(lang)
      : {};
  return { html: fs.readFileSync(path.join(dir, 'participant-report.html'), 'utf8'), strings: { ...english, ...own } };
}

/** A string with its `{name}` parameters filled in; a missing key is a bug in the caller, so it throws. */
export function say(strings: Strings, key: string, params: Record<string, string | number> = {}): string {
  const text = strings[key];
  if (text === undefined) throw new Error(`Report string "${key}" is missing`);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function fillTemplate(html: string, text: Record<string, string>, raw: Record<string, string>): string {
  return html.replace(/\{\{(@?)([\w.]+)\}\}/g, (_, isRaw: string, key: string) => {
    const value = isRaw ? raw[key] : text[key];
    if (value === undefined) throw new Error(`Report template slot "${key}" has no value`);
    return isRaw ? value : escapeHtml(value);
  });
}
