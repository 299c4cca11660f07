import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

const config = parse(fs.readFileSync('electron-builder.yml', 'utf8')) as Record<string, any>;
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as Record<string, any>;

describe('electron-builder.yml', () => {
  test('builds NSIS for Windows x64, DMG for macOS arm64 and x64, AppImage and deb for Linux', () => {
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  test('flips the Electron fuses: no RunAsNode, NODE_OPTIONS or --inspect; only its own integrity-checked archive', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  test('unpacks native modules and the models from the asar archive', () => {
    expect(config.asar).toBe(true);
    for (const dependency of ['better-sqlite3', 'onnxruntime-node']) {
      expect(pkg.dependencies[dependency], `${dependency} must be a runtime dependency`).toBeDefined();
      expect(config.asarUnpack).toContain(`node_modules/${dependency}/**`);
    }
    expect(config.asarUnpack).toContain('models/**');
  });

  test('ships the built app the package.json points at, without dev-only files', () => {
    expect(pkg.main).toBe('dist/main/index.cjs');
    expect(config.files).toContain('dist/**/*');
    expect(config.files).toContain('!dist/**/*.map');
    expect(config.files.some((f: string) => f.startsWith('models/'))).toBe(true);
  });

  test('names existing icons and asks macOS users for camera access with a reason', () => {
    for (const platform of ['win', 'mac', 'linux']) expect(fs.existsSync(config[platform].icon)).toBe(true);
    expect(config.mac.extendInfo.NSCameraUsageDescription).toMatch(/camera/);
    expect(config.productName).toBe('Pulse Studio');
    expect(pkg.productName).toBe(config.productName);
  });

  test('requires Node 22 or newer, which the project installs itself', () => {
    expect(pkg.engines.node).toBe('>=22');
    expect(pkg.devDependencies.node).toMatch(/^\^22\./);
  });
});
