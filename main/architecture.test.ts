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

  test('common/ stays environment-free: no electron and no node built-ins', () => {
    const offenders = sources('common').filter((file) => imports(file).some((m) => m === 'electron' || m.startsWith('node:')));
    expect(offenders).toEqual([]);
  });

  test('the renderer reaches main only through the preload API', () => {
    const offenders = sources(path.join('renderer', 'src')).filter((file) =>
      imports(file).some((m) => m === 'electron' || m.startsWith('node:') || m.includes('/main/')),
    );
    expect(offenders).toEqual([]);
  });
});
