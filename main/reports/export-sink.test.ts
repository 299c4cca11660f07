// Export sinks against the system's own tools: a zip past classic ZIP's 65,535-file limit that `unzip` checks, and a file cancelled part-way that leaves nothing behind.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { folderSink, zipSink, type WrittenFile } from './export-sink.ts';
import { exportedFiles } from './test-zip.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-sink-'));
const dataDir = path.join(dir, 'data');
fs.mkdirSync(dataDir);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sums = (written: readonly WrittenFile[]) => Buffer.from(written.map((f) => `${f.sha256}  ${f.path}\n`).join(''));
const partials = () => fs.readdirSync(dir).filter((name) => name.endsWith('.partial'));

describe('zip export', () => {
  test('of more than 65,535 files is ZIP64 that the system unzip checks, every file matching SHA256SUMS', async () => {
    const file = path.join(dir, 'many.zip');
    const sink = zipSink(file, new Date(), dataDir);
    const written: WrittenFile[] = [];
    for (let i = 0; i < 65_540; i++) written.push(await sink.put({ path: `d${Math.floor(i / 1000)}/f${i}.txt`, data: Buffer.from(`file ${i}\n`) }));
    const video = path.join(dir, 'video.webm');
    fs.writeFileSync(video, Buffer.alloc(3 << 20, 0x5a));
    written.push(await sink.put({ path: 'sourcedata/video.webm', file: video }));
    await sink.put({ path: 'SHA256SUMS', data: sums(written) });
    await sink.finish();
    expect(partials()).toEqual([]);

    // Extracting 65,000 files costs a minute on a busy disk: unzip tests every CRC instead, and the files are
    // hashed as read back. The 5 GB export in faults/large-export.test.ts is extracted by unzip and checked by sha256sum.
    expect(execFileSync('unzip', ['-tq', file], { encoding: 'utf8' })).toContain('No errors detected in compressed data');
    expect(execFileSync('unzip', ['-Z', '-t', file], { encoding: 'utf8' })).toMatch(/^65542 files, /);
    expect(execFileSync('unzip', ['-p', file, 'many/d65/f65539.txt'], { encoding: 'utf8' })).toBe('file 65539\n');
    const files = await exportedFiles(file);
    const listed = files.get('SHA256SUMS')!.toString().trim().split('\n').map((line) => line.split('  ') as [string, string]);
    expect(listed).toHaveLength(65_541);
    for (const [sha256, name] of listed) expect(crypto.createHash('sha256').update(files.get(name)!).digest('hex'), name).toBe(sha256);
  }, 120_000); // ~35 s on two busy cores

  test('cancelled in the middle of a large file rejects, and discarding leaves no partial archive', async () => {
    const video = path.join(dir, 'large.webm');
    fs.writeFileSync(video, '');
    fs.truncateSync(video, 256 << 20); // sparse: costs no disk blocks
    const file = path.join(dir, 'cancelled.zip');
    const sink = zipSink(file, new Date(), dataDir);
    const cancel = new AbortController();
    let seen = 0;
    const put = sink.put({ path: 'sourcedata/large.webm', file: video }, {
      signal: cancel.signal,
      onBytes: (done, total) => {
        seen = done;
        expect(total).toBe(256 << 20);
        if (done >= 8 << 20) cancel.abort();
      },
    });
    await expect(put).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBeLessThan(256 << 20);
    await sink.discard();
    expect(fs.existsSync(file)).toBe(false);
    expect(partials()).toEqual([]);
  });

  test('refuses the same path twice', async () => {
    const sink = zipSink(path.join(dir, 'twice.zip'), new Date(), dataDir);
    await sink.put({ path: 'a.txt', data: Buffer.from('a') });
    await expect(sink.put({ path: 'a.txt', data: Buffer.from('b') })).rejects.toThrow(/Duplicate zip entry/);
    await sink.discard();
  });
});

describe('folder export', () => {
  test('copies a file with the SHA-256 of its bytes, and discarding removes the folder', async () => {
    const video = path.join(dir, 'small.webm');
    fs.writeFileSync(video, Buffer.from('not really a video'));
    const target = path.join(dir, 'folder');
    const sink = folderSink(target, dataDir);
    const written = await sink.put({ path: 'sourcedata/small.webm', file: video });
    expect(written).toEqual({ path: 'sourcedata/small.webm', bytes: 18, sha256: execFileSync('sha256sum', [video], { encoding: 'utf8' }).slice(0, 64) });
    await sink.discard();
    expect(fs.existsSync(`${target}.partial`)).toBe(false);
    expect(fs.existsSync(target)).toBe(false);
  });
});
