// Export sinks against the system's own tools: a zip that `unzip` extracts and `sha256sum -c` verifies, and a file
// cancelled part-way that leaves nothing behind (the ZIP64 cases are in faults/large-export.test.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { folderSink, zipSink, type WrittenFile } from './export-sink.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-sink-'));
const dataDir = path.join(dir, 'data');
fs.mkdirSync(dataDir);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sums = (written: readonly WrittenFile[]) => Buffer.from(written.map((f) => `${f.sha256}  ${f.path}\n`).join(''));
const partials = () => fs.readdirSync(dir).filter((name) => name.endsWith('.partial'));

describe('zip export', () => {
  test('is extracted by the system unzip, every file matching SHA256SUMS, the video stored as it was', async () => {
    const file = path.join(dir, 'small.zip');
    const sink = zipSink(file, new Date(), dataDir);
    const written: WrittenFile[] = [];
    for (const [name, text] of [
      ['README', 'read me\n'],
      ['derivatives/a.csv', 't_s,bpm\n0,70\n'],
      ['sub-1/ses-1/big.json', `${'x'.repeat(5000)}\n`],
    ]) {
      written.push(await sink.put({ path: name!, data: Buffer.from(text!) }));
    }
    const video = path.join(dir, 'video.webm');
    fs.writeFileSync(video, Buffer.alloc(3 << 20, 0x5a));
    written.push(await sink.put({ path: 'sourcedata/video.webm', file: video }));
    await sink.put({ path: 'SHA256SUMS', data: sums(written) });
    await sink.finish();
    expect(partials()).toEqual([]);
    const out = path.join(dir, 'small');
    execFileSync('unzip', ['-q', file, '-d', out]);
    expect(
      execFileSync('sha256sum', ['--check', '--strict', '--quiet', 'SHA256SUMS'], {
        cwd: path.join(out, 'small'),
        encoding: 'utf8',
      }),
    ).toBe('');
    expect(execFileSync('unzip', ['-Z', '-v', file], { encoding: 'utf8' })).toMatch(
      /small\/sourcedata\/video\.webm[\s\S]*?compression method:\s+none \(stored\)/,
    );
  });

  test('cancelled in the middle of a large file rejects, and discarding leaves no partial archive', async () => {
    const video = path.join(dir, 'large.webm');
    fs.writeFileSync(video, '');
    fs.truncateSync(video, 256 << 20); // sparse: costs no disk blocks
    const file = path.join(dir, 'cancelled.zip');
    const sink = zipSink(file, new Date(), dataDir);
    const cancel = new AbortController();
    let seen = 0;
    const put = sink.put(
      { path: 'sourcedata/large.webm', file: video },
      {
        signal: cancel.signal,
        onBytes: (done, total) => {
          seen = done;
          expect(total).toBe(256 << 20);
          if (done >= 8 << 20) cancel.abort();
        },
      },
    );
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
  test('cancelled in the middle of a large file rejects, and discarding removes the partial folder', async () => {
    const video = path.join(dir, 'large-folder.webm');
    fs.writeFileSync(video, '');
    fs.truncateSync(video, 256 << 20);
    const target = path.join(dir, 'cancelled-folder');
    const sink = folderSink(target, dataDir);
    const cancel = new AbortController();
    const put = sink.put(
      { path: 'sourcedata/large.webm', file: video },
      { signal: cancel.signal, onBytes: (done) => done >= 8 << 20 && cancel.abort() },
    );
    await expect(put).rejects.toMatchObject({ name: 'AbortError' });
    await sink.discard();
    expect(fs.existsSync(`${target}.partial`)).toBe(false);
  });

  test('copies a file with the SHA-256 of its bytes, and discarding removes the folder', async () => {
    const video = path.join(dir, 'small.webm');
    fs.writeFileSync(video, Buffer.from('not really a video'));
    const target = path.join(dir, 'folder');
    const sink = folderSink(target, dataDir);
    const written = await sink.put({ path: 'sourcedata/small.webm', file: video });
    expect(written).toEqual({
      path: 'sourcedata/small.webm',
      bytes: 18,
      sha256: execFileSync('sha256sum', [video], { encoding: 'utf8' }).slice(0, 64),
    });
    await sink.discard();
    expect(fs.existsSync(`${target}.partial`)).toBe(false);
    expect(fs.existsSync(target)).toBe(false);
  });
});
