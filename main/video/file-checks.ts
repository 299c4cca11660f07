// The checks every file the user names must pass before it is read (videos to import, reference heart rates):
// a readable, non-empty regular file of sensible size — never a device (/dev/zero), a FIFO or a folder.
import fs from 'node:fs';
import path from 'node:path';

/** Why `file` cannot be read as an input, or null when it can. */
export function fileProblem(file: string, maxBytes: number): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `No file at ${file}` : `Cannot read ${file} (${code ?? String(error)})`;
  }
  if (stat.isDirectory()) return `${file} is a folder, not a file`;
  if (!stat.isFile()) return `${file} is not a regular file (a device, pipe or socket cannot be read as data)`;
  if (stat.size === 0) return `${path.basename(file)} is empty`;
  if (stat.size > maxBytes) return `${path.basename(file)} is larger than ${formatBytes(maxBytes)}`;
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    return `Pulse Studio may not read ${file}`;
  }
  return null;
}

const formatBytes = (n: number) => (n >= 1024 ** 3 ? `${n / 1024 ** 3} GB` : `${n / 1024 ** 2} MB`);
