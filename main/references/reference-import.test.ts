// Importing a reference into a session: a known 7 s clock offset recovered, agreement numbers equal to an independent
// computation here, and bad files refused with the reason and nothing stored.
import { afterEach, describe, expect, test } from 'vitest';
import { referenceImport } from '../../common/references.ts';
import { importReference } from './reference-import.ts';
import { sessionAgreement } from './session-agreement.ts';
import { seeded, sessionWith, type TestSession } from '../../testing/reference-session.ts';

let open: TestSession | null = null;
afterEach(() => {
  open?.close();
  open = null;
});

const file = (text: string) => new TextEncoder().encode(text);
const request = (sessionId: number, fileName: string, text: string | Uint8Array, more: Record<string, unknown> = {}) =>
  referenceImport.parse({ sessionId, fileName, bytes: typeof text === 'string' ? file(text) : text, ...more });

/** A heart rate that wanders like a real one (slow drift and a faster swing), bpm at time t (s). */
const trueHr = (t: number) => 72 + 8 * Math.sin((2 * Math.PI * t) / 90) + 4 * Math.sin((2 * Math.PI * t) / 27 + 1);
/** Its mean over a 10 s window centred at t (what a camera window measures), by the midpoint rule. */
const windowMean = (t: number) =>
  Array.from({ length: 100 }, (_, i) => trueHr(t - 5 + (i + 0.5) / 10)).reduce((s, v) => s + v, 0) / 100;

describe('clock offset', () => {
  test('recovers a 7 s offset of an RR file within 0.5 s', () => {
    const noise = seeded(3);
    // The camera reads the window mean with a little noise; every fifth window is unreliable and off.
    open = sessionWith(300, (t) =>
      t % 5 === 0
        ? { bpm: windowMean(t) + 25, quality: 'poor' }
        : { bpm: windowMean(t) + noise.gauss(), quality: 'good' },
    );
    // The strap started 7 s before the camera: a beat at session time s is at file time s + 7.
    const rows = ['rr_ms'];
    for (let s = -7; s < 300;) {
      // The interval whose rate is the true HR at its middle (a few fixed-point steps).
      let rr = 60 / trueHr(s);
      for (let k = 0; k < 4; k++) rr = 60 / trueHr(s + rr / 2);
      rows.push((rr * 1000).toFixed(0));
      s += rr;
    }
    const ref = importReference(open.store, request(open.sessionId, 'strap.csv', rows.join('\n')));
    expect(ref.kind).toBe('csv-rr');
    expect(ref.offsetSource).toBe('auto');
    expect(Math.abs(ref.offsetS - -7), `estimated ${ref.offsetS} s`).toBeLessThan(0.5);
    expect(ref.offsetEstimate?.r).toBeGreaterThan(0.9);
    // The chosen offset is stored: the agreement with it is close.
    expect(sessionAgreement(open.store, open.sessionId).methods[0]!.maeBpm).toBeLessThan(1.5);
  });

  test('says why it will not align a flat heart rate, and keeps the offset at 0', () => {
    open = sessionWith(200, () => ({ bpm: 70, quality: 'good' }));
    const rows = ['time,bpm', ...Array.from({ length: 200 }, (_, t) => `${t},70`)];
    const ref = importReference(open.store, request(open.sessionId, 'flat.csv', rows.join('\n')));
    expect(ref.offsetSource).toBe('none');
    expect(ref.offsetS).toBe(0);
    expect(ref.offsetEstimate?.note).toMatch(/hardly changed|do not match/);
  });

  test("reads a spreadsheet's CSV: byte-order mark, quoted header, semicolons, CRLF, a comment and a blank line", () => {
    open = sessionWith(200, () => ({ bpm: 70, quality: 'good' }));
    const rows = [
      '\uFEFF"Time";"HR"',
      '# exported by the strap app',
      '',
      ...Array.from({ length: 200 }, (_, t) => `${t};"${70 + (t % 3)}"`),
    ];
    const ref = importReference(open.store, request(open.sessionId, 'excel.csv', rows.join('\r\n')));
    expect(ref.kind).toBe('csv-bpm');
    expect(open.store.db.prepare('SELECT count(*) AS n FROM hr_reference_samples').get()).toEqual({ n: 200 });
  });

  test('a user-given offset is used as given, and can be changed back to the estimate', () => {
    open = sessionWith(200, (t) => ({ bpm: windowMean(t), quality: 'good' }));
    const rows = ['time,bpm', ...Array.from({ length: 220 }, (_, t) => `${t},${trueHr(t).toFixed(2)}`)];
    const ref = importReference(open.store, request(open.sessionId, 'hr.csv', rows.join('\n'), { offsetS: 3 }));
    expect([ref.offsetS, ref.offsetSource]).toEqual([3, 'manual']);
    const back = open.store.references.setOffset(ref.id, null);
    expect(back.offsetSource).toBe('auto');
    expect(Math.abs(back.offsetS)).toBeLessThan(0.5);
  });
});

describe('agreement', () => {
  test('equals an independent computation over the reliable windows, with coverage', () => {
    // The reference rises linearly (60 + 0.1 t), so its mean over a window centred at t is 60 + 0.1 t exactly.
    const error = (t: number) => ((t * 7919) % 23) / 2 - 5.25; // −5.25 … +5.75 bpm, deterministic, never exactly ±5
    const quality = (t: number) => (t % 4 === 0 ? 'poor' : t % 7 === 0 ? 'fair' : 'good') as 'poor' | 'fair' | 'good';
    open = sessionWith(120, (t) => ({
      bpm: t % 13 === 0 ? null : 60 + 0.1 * t + error(t),
      quality: t % 13 === 0 ? 'poor' : quality(t),
    }));
    const rows = ['time,bpm', ...Array.from({ length: 131 }, (_, t) => `${t - 5},${(60 + 0.1 * (t - 5)).toFixed(1)}`)];
    importReference(open.store, request(open.sessionId, 'linear.csv', rows.join('\n'), { offsetS: 0 }));
    const a = sessionAgreement(open.store, open.sessionId).methods[0]!;

    const windows = Array.from({ length: 111 }, (_, i) => i + 5);
    const reliable = windows.filter((t) => t % 13 !== 0 && quality(t) === 'good');
    const d = reliable.map(error);
    const n = d.length;
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    const bias = mean(d);
    const sd = Math.sqrt(d.reduce((s, v) => s + (v - bias) ** 2, 0) / (n - 1));
    const cam = reliable.map((t) => 60 + 0.1 * t + error(t));
    const ref = reliable.map((t) => 60 + 0.1 * t);
    const [mc, mr] = [mean(cam), mean(ref)];
    const r =
      cam.reduce((s, c, i) => s + (c - mc) * (ref[i]! - mr), 0) /
      Math.sqrt(cam.reduce((s, c) => s + (c - mc) ** 2, 0) * ref.reduce((s, v) => s + (v - mr) ** 2, 0));

    expect(a.n).toBe(n);
    expect(a.referenceWindows).toBe(windows.length);
    expect(a.coverage).toBeCloseTo(n / windows.length, 12);
    expect(a.maeBpm).toBeCloseTo(mean(d.map(Math.abs)), 6);
    expect(a.rmseBpm).toBeCloseTo(Math.sqrt(mean(d.map((v) => v * v))), 6);
    expect(a.biasBpm).toBeCloseTo(bias, 6);
    expect(a.loaLowBpm).toBeCloseTo(bias - 1.96 * sd, 6);
    expect(a.loaHighBpm).toBeCloseTo(bias + 1.96 * sd, 6);
    expect(a.pearsonR).toBeCloseTo(r, 6);
    expect(a.within5).toBeCloseTo(d.filter((v) => Math.abs(v) <= 5).length / n, 12);
    // Unreliable windows are reported apart, never mixed into the figures above.
    expect(a.allWindows.n).toBe(windows.filter((t) => t % 13 !== 0).length);
  });
});

describe('bad reference files: a clear error and nothing stored', () => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['empty.csv', '\n\n', /empty\.csv holds no values/],
    ['header-only.csv', 'time,bpm\n', /has a header but no values/],
    ['columns.csv', 'when,speed,extra\n1,2,3\n2,3,4\n', /no column says what it holds/],
    ['wave-no-rate.csv', 'ecg\n0.1\n0.2\n', /needs its sampling rate/],
    [
      'backwards.csv',
      'time,bpm\n0,70\n1,71\n0.5,72\n',
      /line 4: times must increase, but 0\.5 does not come after 1 \(line 3\)/,
    ],
    ['absurd.csv', 'time,bpm\n0,70\n1,700\n', /line 3: 700 bpm is outside 20–300 bpm/],
    ['text.csv', 'time,bpm\n0,70\n1,seventy\n', /line 3: heart rate "seventy" is not a number/],
    ['rr-units.csv', 'rr\n0.8\n0.9\n0.85\n', /typical RR interval is 0\.85 ms/],
    ['binary.csv', new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0x81]), /neither an EDF file nor text/],
    [
      'unclosed.csv',
      'time,bpm\n0,70\n"1,71\n2,72\n',
      /unclosed\.csv, a quoted cell is never closed: check the quotes \("\) up to line 4/,
    ],
  ];
  test.each(cases)('%s', (name, content, message) => {
    open = sessionWith(60, () => ({ bpm: 70, quality: 'good' }));
    const entries = open.store.audit.list({ withAppWide: true }).length;
    expect(() => importReference(open!.store, request(open!.sessionId, name, content))).toThrow(message);
    expect(open.store.references.list(open.sessionId)).toEqual([]);
    expect(open.store.db.prepare('SELECT count(*) AS n FROM hr_reference_samples').get()).toEqual({ n: 0 });
    expect(open.store.audit.list({ withAppWide: true })).toHaveLength(entries);
  });

  test('a truncated EDF', () => {
    open = sessionWith(60, () => ({ bpm: 70, quality: 'good' }));
    const header = new TextEncoder().encode('0       '.padEnd(256, ' '));
    expect(() => importReference(open!.store, request(open!.sessionId, 'cut.edf', header))).toThrow(/cut\.edf/);
    expect(open.store.references.list(open.sessionId)).toEqual([]);
  });
});

test('a file of zero bytes is refused before it is read', () => {
  const parsed = referenceImport.safeParse({ sessionId: 1, fileName: 'empty.csv', bytes: new Uint8Array(0) });
  expect(parsed.success).toBe(false);
  expect(parsed.error?.issues[0]?.message).toBe('A reference file has 1 byte to 64 MB');
});
