// Property-based fuzz of every channel of the IPC contract (fast-check): whatever a caller sends — junk of any
// shape, or near-valid requests with hostile values — the reply is a typed Result, never a crash or an
// 'internal' error, and a refused call changes nothing in the database or the data folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CHANNELS } from '../../common/ipc/channels.ts';
import { contract } from '../../common/ipc/contract.ts';
import { ERROR_CODES, type Result } from '../../common/ipc/result.ts';
import { openServices, type MainServices } from '../services.ts';

let dir: string;
let services: MainServices;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-fuzz-'));
  // The authors' checkpoint address points at a closed local port: a fuzzed "accept" must never reach the network.
  services = openServices(
    dir,
    { version: 'fuzz', platform: 'linux', shell: 'browser' },
    { authorsUrl: 'http://127.0.0.1:9/sspd.pth' },
  );
  services.store.subjects.create(1, {
    code: 'F-1',
    birthYear: null,
    sex: 'unknown',
    skinType: null,
    notes: '',
    consentDate: null,
    consentVersion: null,
  });
});
afterAll(() => {
  services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every table's rows and every file of the data folder (name and size): equal fingerprints, nothing changed. */
function fingerprint(): string {
  const hash = crypto.createHash('sha256');
  const tables = services.store.db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all() as { name: string }[];
  for (const { name } of tables)
    hash
      .update(name)
      .update(
        JSON.stringify(services.store.db.prepare(`SELECT * FROM "${name}"`).raw().all(), (_k, v: unknown) =>
          Buffer.isBuffer(v) ? v.toString('hex') : v,
        ),
      );
  for (const entry of fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .sort((a, b) => path.join(a.parentPath, a.name).localeCompare(path.join(b.parentPath, b.name)))) {
    if (entry.isFile() && !entry.name.startsWith('pulse-studio.db'))
      hash
        .update(path.join(entry.parentPath, entry.name))
        .update(String(fs.statSync(path.join(entry.parentPath, entry.name)).size));
  }
  return hash.digest('hex');
}

/** Paths a fuzzed request may name: none is a folder that can be written (no export or report lands anywhere). */
const paths = () =>
  fc.constantFrom(
    '',
    'relative/dir',
    '/dev/zero',
    '/nonexistent/pulse-fuzz',
    path.join(os.tmpdir(), 'pulse-fuzz-missing', 'x.mp4'),
    '../../etc/passwd',
    'C:\\Windows',
    '\0',
  );
const hostile = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 2 ** 53, Number.NaN, Infinity, null, true, false, '', '__proto__', 'constructor'),
  fc.string({ maxLength: 300 }),
  fc.string({ minLength: 5000, maxLength: 20000 }),
  fc.uint8Array({ maxLength: 2000 }),
  fc.float64Array({ maxLength: 300 }),
  fc.array(fc.integer(), { maxLength: 5 }),
  paths(),
);
/** Per field: values the schema accepts (so the services' own checks run) mixed with hostile ones. */
const ID_KEYS = ['id', 'studyId', 'subjectId', 'sessionId', 'markerId', 'jobId'];
const TEXT_KEYS = ['code', 'name', 'notes', 'label', 'fileName', 'roi', 'video', 'container'];
const PATH_KEYS = ['path', 'destination', 'startIn', 'folder'];
const FLAG_KEYS = ['confirm', 'acceptNotice', 'activate', 'archived'];
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  ...Object.fromEntries(ID_KEYS.map((k) => [k, fc.integer({ min: 1, max: 4 })])),
  ...Object.fromEntries(
    TEXT_KEYS.map((k) => [
      k,
      fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/),
        fc.constantFrom('face', 'full', 'zip', 'folder', 'omit', 'blur', '=HYPERLINK("x")'),
      ),
    ]),
  ),
  ...Object.fromEntries(PATH_KEYS.map((k) => [k, paths()])),
  ...Object.fromEntries(FLAG_KEYS.map((k) => [k, fc.boolean()])),
  tS: fc.double({ min: 0, max: 100, noNaN: true }),
  keep: fc.integer({ min: 1, max: 10 }),
  sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
  sessionIds: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 4000 }),
  timestampsMs: fc.float64Array({ minLength: 1, maxLength: 4 }),
  faceFound: fc.uint8Array({ minLength: 1, maxLength: 4 }),
  crops: fc.integer({ min: 1, max: 4 }).map((n) => new Uint8Array(n * 128 * 128 * 3)),
};
/** The field names a channel's input schema declares (none for channels without input). */
const fieldsOf = (channel: string): string[] => {
  const schema = (contract as Record<string, { input: { shape?: Record<string, unknown> } } | undefined>)[channel]
    ?.input;
  return schema?.shape ? Object.keys(schema.shape) : [];
};
/** Near-valid requests: the channel's own fields, each plausible or hostile, so checks past the schema run too. */
const nearValid = (channel: string) =>
  fc
    .oneof(fc.constant(fieldsOf(channel)), fc.subarray(fieldsOf(channel)))
    .chain((keys) =>
      fc.record(
        Object.fromEntries(
          keys.map((k) => [
            k,
            fc.oneof({ weight: 6, arbitrary: plausible[k] ?? hostile }, { weight: 1, arbitrary: hostile }),
          ]),
        ),
      ),
    );
const junk = fc.anything({
  maxDepth: 3,
  withTypedArray: true,
  withBigInt: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withSparseArray: true,
});
const calls = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .constantFrom(...Object.keys(CHANNELS))
      .chain((channel) =>
        fc.tuple(
          fc.constant(channel),
          fc.oneof({ weight: 4, arbitrary: nearValid(channel) }, junk, fc.constant(undefined)),
        ),
      ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 40 }), junk) },
);

test('every channel answers any input with a typed result; a refusal changes nothing', async () => {
  await fc.assert(
    fc.asyncProperty(calls, async ([channel, input]) => {
      const before = fingerprint();
      const result = (await services.dispatch(channel, input)) as Result<unknown>;
      expect(typeof result.ok).toBe('boolean');
      if (result.ok) return; // a valid call may change things; the next case starts from there
      expect(ERROR_CODES).toContain(result.error.code);
      expect(result.error.code, `${channel}: ${result.error.message}`).not.toBe('internal');
      expect(result.error.message.length).toBeLessThanOrEqual(500);
      expect(fingerprint(), `${channel} refused but changed something`).toBe(before);
    }),
    { numRuns: 2000 },
  );
  expect(await services.dispatch('studies:list', undefined)).toMatchObject({ ok: true });
});
