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

const imports = (file: string) =>
  [
    ...fs
      .readFileSync(file, 'utf8')
      .matchAll(/\bfrom\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm),
  ].map((m) => m[1] ?? m[2] ?? m[3]!);

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
  // renderer/tsconfig.json (web: renderer, preload/browser.ts, common) has no Node types,
  // and common is checked by both.
  test('the renderer reaches main only through the preload API (it never imports main/ code, even DOM-safe code)', () => {
    const offenders = sources(path.join('renderer', 'src')).filter((file) =>
      imports(file).some((m) => m === 'electron' || m.includes('/main/')),
    );
    expect(offenders).toEqual([]);
  });

  test('main/ folders import each other without cycles', () => {
    expect(folderCycles('main')).toEqual([]);
  });

  // Toy networks, fixtures, exporters and harnesses live in testing/, which no production code may reach.
  test('production code never imports test support, and production folders hold none', () => {
    const production = ['main', 'common', 'preload', path.join('renderer', 'src'), 'scripts']
      .flatMap(sources)
      .filter((file) => !/\.test\.ts$/.test(file));
    const offenders = production.filter((file) =>
      imports(file).some(
        (m) =>
          m.startsWith('.') &&
          path.relative('testing', path.resolve(path.dirname(file), m)).split(path.sep)[0] !== '..',
      ),
    );
    expect(offenders).toEqual([]);
    expect(sources('main').filter((file) => /^test-.*\.ts$/.test(path.basename(file)))).toEqual([]);
  });
});

/** Strongly connected groups (two or more) of main/'s top folders, by the relative imports of their non-test files. */
function folderCycles(root: string): string[][] {
  const folderOf = (file: string) => path.relative(root, file).split(path.sep);
  const edges = new Map<string, Set<string>>();
  for (const file of sources(root).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const from = folderOf(file);
    if (from.length < 2) continue;
    for (const m of imports(file).filter((i) => i.startsWith('.'))) {
      const to = folderOf(path.join(path.dirname(file), m));
      if (to.length < 2 || to[0]!.startsWith('..') || to[0] === from[0]) continue;
      edges.set(from[0]!, (edges.get(from[0]!) ?? new Set()).add(to[0]!));
    }
  }
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do group.push((w = stack.pop()!));
      while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return groups;
}
