import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { allowPermission, isAppUrl, resolveAppFile } from './policy.ts';

describe('app origin', () => {
  test('recognises only the bundled app pages', () => {
    expect(isAppUrl('app://pulse/index.html')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('https://pulse/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });
});

describe('permission handler', () => {
  test('grants the camera to the app and nothing else', () => {
    expect(allowPermission({ permission: 'media', requestingUrl: 'app://pulse/index.html', mediaTypes: ['video'] })).toBe(true);
    expect(allowPermission({ permission: 'media', requestingUrl: 'app://pulse/index.html', mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(allowPermission({ permission: 'media', requestingUrl: 'app://pulse/index.html', mediaTypes: ['audio'] })).toBe(false);
    expect(allowPermission({ permission: 'media', requestingUrl: 'app://pulse/index.html', mediaTypes: [] })).toBe(false);
    expect(allowPermission({ permission: 'media', requestingUrl: 'https://example.com/', mediaTypes: ['video'] })).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'openExternal', 'midi']) {
      expect(allowPermission({ permission, requestingUrl: 'app://pulse/index.html' })).toBe(false);
    }
  });
});

describe('app protocol file mapping', () => {
  const root = path.resolve('/opt/pulse/renderer');
  const map = (url: string) => resolveAppFile(root, url, path.resolve, path.sep);

  test('serves files inside the renderer folder', () => {
    expect(map('app://pulse/')).toBe(path.join(root, 'index.html'));
    expect(map('app://pulse/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
  });

  test('refuses paths that escape the renderer folder', () => {
    // URL parsing already folds literal and %2e-encoded ".." segments into the root.
    expect(map('app://pulse/../../etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
    expect(map('app://pulse/%2e%2e/%2e%2e/etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
    expect(map('app://pulse/..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(map('app://pulse/a%00b')).toBeNull();
    expect(map('app://other/index.html')).toBeNull();
  });
});
