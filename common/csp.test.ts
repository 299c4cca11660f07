import { expect, test } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './csp.ts';

const directive = (name: string) => CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith(`${name} `));

test('lets media play from the app’s own origin and the camera only', () => {
  expect(directive('media-src')).toBe("media-src 'self' mediastream:");
  expect(directive('default-src')).toBe("default-src 'none'");
});

test('lets no other page frame the app', () => {
  expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
});
