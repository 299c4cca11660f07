import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

/** All .ts/.svelte files under a folder, as paths relative to the repo root. */
function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|svelte)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

const imports = (file: string) => [...fs.readFileSync(file, 'utf8').matchAll(/\bfrom\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);

// Only the thin Electron layer may import electron: services are shared by the app, the CLI and tests.
const ELECTRON_LAYER = [path.join('main', 'index.ts'), path.join('main', 'modules') + path.sep];

describe('architecture', () => {
  test('main-process services never import electron', () => {
    const offenders = sources('main')
      .filter((file) => !ELECTRON_LAYER.some((allowed) => file === allowed || file.startsWith(allowed)))
      .filter((file) => imports(file).includes('electron'));
    expect(offenders).toEqual([]);
  });

  // The process split itself is the compiler's: tsconfig.json (Node: main, common, preload/index.ts) has no DOM,
  // renderer/tsconfig.json (web: renderer, preload/browser.ts, common) has no Node types, and common is checked by both.
  test('the renderer reaches main only through the preload API (it never imports main/ code, even DOM-safe code)', () => {
    const offenders = sources(path.join('renderer', 'src')).filter((file) => imports(file).some((m) => m === 'electron' || m.includes('/main/')));
    expect(offenders).toEqual([]);
  });
});
