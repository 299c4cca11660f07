// The launcher hands the browser a private forwarding file, never the address with its token.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { openInBrowser } from './open-browser.ts';

test.skipIf(process.platform === 'win32')(
  'the opener’s command line holds no token; the file it opens forwards to the address',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-opener-'));
    const seen = path.join(dir, 'argv.txt');
    const opener = path.join(dir, 'fake-xdg-open');
    fs.writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$@" > ${seen}\n`, { mode: 0o755 });
    const url = 'http://127.0.0.1:4321/#token=0123456789abcdef0123456789abcdef0123456789abcdef';
    const opened = openInBrowser(url, opener);
    while (!fs.existsSync(seen) || !fs.readFileSync(seen, 'utf8').endsWith('\n'))
      await new Promise((resolve) => setTimeout(resolve, 20));
    const argv = fs.readFileSync(seen, 'utf8').trim();
    expect(argv).not.toContain('token');
    expect(argv).toMatch(/^file:\/\/.*open\.html$/);
    const page = fileURLToPath(argv);
    expect(fs.statSync(page).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(page, 'utf8')).toContain(`location.replace(${JSON.stringify(url)})`);
    opened.remove();
    expect(fs.existsSync(page)).toBe(false);
    execFileSync('rm', ['-rf', dir]);
  },
);
