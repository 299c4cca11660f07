// Finds the Electron binary that `npm install` placed, without triggering Electron's download-on-require.
import fs from 'node:fs';
import path from 'node:path';

export function electronBinary(root = process.cwd()): { path: string } | { missing: string } {
  const pkg = path.join(root, 'node_modules', 'electron');
  if (!fs.existsSync(pkg)) return { missing: 'the electron package is not installed (run npm install)' };
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const file = path.join(
      process.env.ELECTRON_OVERRIDE_DIST_PATH,
      process.platform === 'win32' ? 'electron.exe' : 'electron',
    );
    return fs.existsSync(file)
      ? { path: file }
      : { missing: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${file})` };
  }
  const pathFile = path.join(pkg, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  const file = relative && path.join(pkg, 'dist', relative);
  if (file && fs.existsSync(file)) return { path: file };
  return {
    missing:
      'the Electron binary was not downloaded (no network at install time, or ELECTRON_SKIP_BINARY_DOWNLOAD was set)',
  };
}
