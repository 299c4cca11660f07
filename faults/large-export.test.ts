// Exports past classic ZIP's limits, checked by the system's tools: a 5 GB session video (sparse on the source side)
// streamed into a ZIP64 archive that `unzip` extracts and `sha256sum -c SHA256SUMS` verifies, and 65,540 files.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { exportRequest } from '../common/reports.ts';
import { VIDEO_FILE } from '../main/store/data-dir.ts';
import { zipSink, type WrittenFile } from '../main/reports/export-sink.ts';
import { runExport, type ExportProgress } from '../main/reports/research-export.ts';
import { openTestData } from '../testing/sessions.ts';

const VIDEO_BYTES = 5 * 1024 ** 3;
/** The archive and its extracted copy are real blocks: 5 GB each, and some room to spare. */
const DISK_NEEDED = 2 * VIDEO_BYTES + 2 * 1024 ** 3;

const sums = (written: readonly WrittenFile[]) => Buffer.from(written.map((f) => `${f.sha256}  ${f.path}\n`).join(''));

const t = openTestData('pulse-fault-large-export-');
afterAll(() => t.close());
const free = fs.statfsSync(t.dir);
const room = free.bavail * free.bsize;
if (room < DISK_NEEDED)
  console.warn(
    `large-export.test.ts skipped: ${(room / 1024 ** 3).toFixed(1)} GB free in ${t.dir}, ${DISK_NEEDED / 1024 ** 3} GB needed`,
  );

test.skipIf(room < DISK_NEEDED)(
  'a 5 GB video exports as ZIP64 that unzip extracts and SHA256SUMS verifies, with progress in GB',
  async () => {
    const subjectId = t.subject({ code: 'BIG-1' });
    const { sessionId } = await t.record(subjectId, 12, 70, { video: Buffer.from('placeholder') });
    const video = path.join(t.store.sessionDir(subjectId, sessionId), VIDEO_FILE);
    // Sparse: a few marked bytes, the rest holes that cost no disk blocks; one mark sits past the 4 GB boundary.
    fs.writeFileSync(video, Buffer.from('start of a large video'));
    const fd = fs.openSync(video, 'r+');
    fs.writeSync(fd, Buffer.from('past 4 GB'), 0, 9, 2 ** 32 + 17);
    fs.ftruncateSync(fd, VIDEO_BYTES);
    fs.closeSync(fd);

    const stages: string[] = [];
    const destination = fs.mkdtempSync(path.join(t.dir, 'out-'));
    const request = exportRequest.parse({
      studyId: t.store.studies.ensureOne().id,
      sessionIds: [sessionId],
      destination,
      video: 'include',
    });
    const result = await runExport(t.store, request, {
      appVersion: 'test',
      onProgress: (p: ExportProgress) => stages.push(p.stage),
    });
    expect(fs.statSync(result.path).size).toBeGreaterThan(VIDEO_BYTES);
    expect(stages).toContain('Session 1 of 1: video 5.0 of 5.0 GB');

    const out = path.join(t.dir, 'unzipped');
    execFileSync('unzip', ['-q', result.path, '-d', out]);
    fs.rmSync(result.path);
    const root = path.join(out, path.basename(result.path, '.zip'));
    expect(
      execFileSync('sha256sum', ['--check', '--strict', '--quiet', 'SHA256SUMS'], { cwd: root, encoding: 'utf8' }),
    ).toBe('');
    const extracted = path.join(root, 'sourcedata', 'sub-BIG1', 'ses-1', 'sub-BIG1_ses-1_video.webm');
    expect(fs.statSync(extracted).size).toBe(VIDEO_BYTES);
    const mark = Buffer.alloc(9);
    const read = fs.openSync(extracted, 'r');
    fs.readSync(read, mark, 0, 9, 2 ** 32 + 17);
    fs.closeSync(read);
    expect(mark.toString()).toBe('past 4 GB');
  },
  15 * 60_000,
);

test(
  'a zip of more than 65,535 files is ZIP64 that the system unzip checks, every file matching SHA256SUMS',
  async () => {
    const file = path.join(t.dir, 'many.zip');
    const sink = zipSink(file, new Date(), t.store.dataDir);
    const written: WrittenFile[] = [];
    for (let i = 0; i < 65_540; i++)
      written.push(await sink.put({ path: `d${Math.floor(i / 1000)}/f${i}.txt`, data: Buffer.from(`file ${i}\n`) }));
    const video = path.join(t.dir, 'video.webm');
    fs.writeFileSync(video, Buffer.alloc(3 << 20, 0x5a));
    written.push(await sink.put({ path: 'sourcedata/video.webm', file: video }));
    await sink.put({ path: 'SHA256SUMS', data: sums(written) });
    await sink.finish();
    expect(fs.existsSync(`${file}.partial`)).toBe(false);

    // Extracting 65,000 files costs a minute on a busy disk: unzip tests every CRC and pipes every file out in
    // archive order instead, each then hashed against SHA256SUMS.
    expect(execFileSync('unzip', ['-tq', file], { encoding: 'utf8' })).toContain(
      'No errors detected in compressed data',
    );
    expect(execFileSync('unzip', ['-Z', '-t', file], { encoding: 'utf8' })).toMatch(/^65542 files, /);
    const piped = execFileSync('unzip', ['-p', file], { maxBuffer: 64 << 20 });
    const listed = piped
      .subarray(piped.length - sums(written).length)
      .toString()
      .trim()
      .split('\n')
      .map((line) => line.split('  ') as [string, string]);
    expect(listed.map(([, name]) => name)).toEqual(written.map((f) => f.path));
    let at = 0;
    for (const [k, [sha256, name]] of listed.entries()) {
      const bytes = written[k]!.bytes;
      expect(
        crypto
          .createHash('sha256')
          .update(piped.subarray(at, at + bytes))
          .digest('hex'),
        name,
      ).toBe(sha256);
      at += bytes;
    }
  },
  10 * 60_000,
); // 35–115 s on two busy cores: yazl's pump scans its entry list once per entry
