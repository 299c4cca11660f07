// Reference files of an evaluation manifest get the same checks as imported videos: a device, a FIFO or a huge
// file is refused at once with a message, never read (before, /dev/zero grew the process to gigabytes and a
// FIFO blocked it forever).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { MAX_REFERENCE_BYTES, parseReference } from './reference.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-ref-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a device is refused without being read', () => {
  expect(() => parseReference('/dev/zero', dir)).toThrow(/"\/dev\/zero": .*not a regular file/);
});

test.skipIf(process.platform === 'win32')('a FIFO is refused instead of blocking the evaluation', () => {
  execFileSync('mkfifo', [path.join(dir, 'ref.csv')]);
  expect(() => parseReference('ref.csv', dir)).toThrow(/not a regular file/);
});

test('an empty file, a folder and a file past the size limit are refused', () => {
  fs.writeFileSync(path.join(dir, 'empty.csv'), '');
  expect(() => parseReference('empty.csv', dir)).toThrow(/empty\.csv is empty/);
  fs.mkdirSync(path.join(dir, 'refs'));
  expect(() => parseReference('refs', dir)).toThrow(/is a folder/);
  const huge = path.join(dir, 'huge.csv');
  fs.closeSync(fs.openSync(huge, 'w'));
  fs.truncateSync(huge, MAX_REFERENCE_BYTES + 1); // sparse: no disk used
  expect(() => parseReference('huge.csv', dir)).toThrow(/larger than 256 MB/);
});
