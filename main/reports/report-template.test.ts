import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { fillTemplate, loadReportTemplate, say } from './report-template.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const RESOURCES = path.join(ROOT, 'resources');

describe('participant report template', () => {
  const { html, strings } = loadReportTemplate(RESOURCES);

  test('ships inside the packaged app with the rest of resources/', () => {
    const config = parse(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as { files: string[] };
    expect(config.files).toContain('resources/**/*');
  });

  test('loads nothing from anywhere: a strict CSP, no scripts, links or remote URLs', () => {
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|https?:\/\//i);
  });

  test('has an English string for every text slot, and the generated slots are the known ones', () => {
    const slots = [...html.matchAll(/\{\{(@?)([\w.]+)\}\}/g)];
    const generated = new Set(['title', 'code', 'contact', 'footer']);
    for (const [, raw, key] of slots) {
      if (raw) expect(['facts', 'results']).toContain(key);
      else if (!generated.has(key!)) expect(strings[key!], key).toBeTypeOf('string');
    }
  });

  test('escapes text slots and fills parameters', () => {
    expect(fillTemplate('<p>{{a}}</p>{{@b}}', { a: '<script>x</script> & "q"' }, { b: '<svg></svg>' })).toBe(
      '<p>&#60;script&#62;x&#60;/script&#62; &#38; &#34;q&#34;</p><svg></svg>',
    );
    expect(say(strings, 'range', { min: 60, max: 70 })).toBe(
      'It stayed between 60 and 70 beats per minute in the moments that could be measured reliably.',
    );
    expect(() => fillTemplate('{{nope}}', {}, {})).toThrow(/no value/);
  });

  test('falls back to English for a language without its own strings', () => {
    expect(loadReportTemplate(RESOURCES, 'de').strings.title).toBe(strings.title);
    expect(loadReportTemplate(RESOURCES, '../../etc/passwd').strings.title).toBe(strings.title);
  });
});
