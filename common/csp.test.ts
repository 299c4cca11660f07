import { expect, test } from 'vitest';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from './csp.ts';

const directive = (name: string) => CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith(`${name} `));

test('lets media play from the app’s own origin and the camera only', () => {
  expect(directive('media-src')).toBe("media-src 'self' mediastream:");
  expect(directive('default-src')).toBe("default-src 'none'");
});

test('lets no other page frame the app, in the header (a <meta> policy cannot say it)', () => {
  expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
  expect(META_CONTENT_SECURITY_POLICY).not.toContain('frame-ancestors');
  expect(CONTENT_SECURITY_POLICY.startsWith(META_CONTENT_SECURITY_POLICY)).toBe(true);
});
