import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { allowPermission, isAppUrl, PARTICIPANT_URL, resolveAppFile, windowOpenAction } from './policy.ts';

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

describe('window-open handler', () => {
  const main = 'app://pulse/index.html';
  test('opens only the participant page of the app, from the app', () => {
    expect(PARTICIPANT_URL).toBe('app://pulse/index.html#participant');
    expect(windowOpenAction(PARTICIPANT_URL, main)).toBe('participant');
    expect(windowOpenAction(PARTICIPANT_URL, 'https://example.com/')).toBe('deny');
    // The participant window opens no further window, not even another participant one.
    expect(windowOpenAction(PARTICIPANT_URL, PARTICIPANT_URL)).toBe('deny');
    for (const url of [
      'app://pulse/index.html',
      'app://pulse/index.html#participant?x',
      'app://pulse/other.html#participant',
      'app://evil/index.html#participant',
      'http://127.0.0.1/index.html#participant',
      'javascript:alert(1)',
      'file:///etc/passwd',
      '',
    ]) {
      expect(windowOpenAction(url, main), url).toBe('deny');
    }
  });

  test('sends https links to the browser', () => {
    expect(windowOpenAction('https://example.com/', main)).toBe('external');
    expect(windowOpenAction('http://example.com/', main)).toBe('deny');
  });
});

describe('permission handler', () => {
  test('grants the camera to the app and nothing else', () => {
    expect(
      allowPermission({ permission: 'media', requestingUrl: 'app://pulse/index.html', mediaTypes: ['video'] }),
    ).toBe(true);
    expect(
      allowPermission({ permission: 'media', requestingUrl: 'app://pulse/index.html', mediaTypes: ['video', 'audio'] }),
    ).toBe(false);
    expect(
      allowPermission({ permission: 'media', requestingUrl: 'app://pulse/index.html', mediaTypes: ['audio'] }),
    ).toBe(false);
    expect(allowPermission({ permission: 'media', requestingUrl: 'app://pulse/index.html', mediaTypes: [] })).toBe(
      false,
    );
    expect(allowPermission({ permission: 'media', requestingUrl: 'https://example.com/', mediaTypes: ['video'] })).toBe(
      false,
    );
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
