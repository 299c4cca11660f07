// Calibrates the reliability model (main/signal/reliability-model.json) on clips we generate ourselves, never on
// the development set:
//   node scripts/calibrate-reliability/cli.ts --set DIR[,DIR…] [--generate 120] [--seed 1] [--out FILE]
//     [--cache DIR[,DIR…]]        (traces: one folder, or one per set where sets share clip names)
//     [--window-features a,b,…]   (the window model's inputs: WINDOW_FEATURES of reliability.ts by default)
//     [--no-pulse-weight 1]       (weight of a no-pulse clip's windows in the window model's fit)
//     [--without a,b,…]           (candidate features left out of the candidate model: FEATURES of evidence.ts)
//     [--folds 5]                 (cross-validation folds for the figures written beside the weights)
//     [--check FILE]              (no fitting: FILE's figures on these sets, e.g. fresh seeds it was not fitted on)
// --generate renders a varied set (scripts/synth/varied-set.ts) into the first DIR first (finished clips are kept,
// so an interrupted run resumes). Each clip is analysed once with the bundled model (traces cached), then: candidate
// model → tracked decisions → window model → thresholds, with cross-validated figures written beside the weights.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GRADE_OF, sessionHr, type Reliability } from '../../common/session-hr.ts';
import { auroc } from '../../main/references/metrics.ts';
import { parseReference, referenceBpm, type Reference } from '../../main/evaluation/reference.ts';
import { FEATURES } from '../../main/signal/evidence.ts';
import {
  decideSeries,
  mayBeReliable,
  scoreCandidates,
  WINDOW_FEATURES,
  WINDOW_LEVEL,
  type ReliabilityModel,
} from '../../main/signal/reliability.ts';
import { sessionEvidence, type SessionEvidence } from '../../main/signal/analyze-session.ts';
import { variedSpecs } from '../synth/varied-set.ts';
import { writeSet } from '../synth/generate.ts';
import { fitLogistic } from './logistic.ts';
import { clipTraces, type ClipTraces } from './traces.ts';

const { values } = parseArgs({
  options: {
    set: { type: 'string' },
    generate: { type: 'string' },
    seed: { type: 'string', default: '1' },
    cache: { type: 'string' },
    'window-features': { type: 'string' },
    'no-pulse-weight': { type: 'string', default: '1' },
    without: { type: 'string', default: '' },
    folds: { type: 'string', default: '5' },
    check: { type: 'string' },
    out: {
      type: 'string',
      default: path.resolve(import.meta.dirname, '..', '..', 'main', 'signal', 'reliability-model.json'),
    },
  },
});
if (!values.set) throw new Error('--set DIR is required');
const setDirs = values.set.split(',').map((d) => path.resolve(d));
// One cache for every set, or one per set (sets made from the same seed share clip names).
const cacheDirs = (values.cache ?? path.join(setDirs[0]!, 'traces')).split(',').map((d) => path.resolve(d));
const cacheOf = (dir: string) => cacheDirs[setDirs.indexOf(dir)] ?? cacheDirs[0]!;
const NO_PULSE_WEIGHT = Number(values['no-pulse-weight']);
const left = new Set(values.without.split(',').filter(Boolean));
const candidateInputs = FEATURES.filter((f) => !left.has(f));
const inputPositions = candidateInputs.map((f) => FEATURES.indexOf(f));
const windowFeatures = values['window-features']
  ? (values['window-features'].split(',') as ReliabilityModel['window']['features'])
  : WINDOW_FEATURES;
const FACES = ['astronaut.png', 'grace_hopper.jpg'].map((f) =>
  path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'faces', f),
);

if (values.generate) {
  const specs = variedSpecs({ count: Number(values.generate), seed: Number(values.seed), faces: FACES });
  await writeSet(
    specs,
    setDirs[0]!,
    (c, i) => process.stderr.write(`generated ${i + 1}/${specs.length} ${path.basename(c.video)}\n`),
    true,
  );
}

interface Clip {
  name: string;
  traces: ClipTraces;
  truth: Reference | null;
}

const rows = setDirs.flatMap((dir) =>
  fs
    .readFileSync(path.join(dir, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => [dir, ...l.split(',')] as const),
);
const clips: Clip[] = [];
for (const [i, [dir, video, reference, truth]] of rows.entries()) {
  const traces = await clipTraces(path.resolve(dir, video!), cacheOf(dir));
  clips.push({ name: video!, traces, truth: reference === 'none' ? null : parseReference(truth || reference!, dir) });
  process.stderr.write(`\rtraces ${i + 1}/${rows.length}`);
}
process.stderr.write('\n');

/** The window's true HR (bpm), or null for a clip without a pulse. */
const truthOf = (c: Clip, w: { tStart: number; tEnd: number }) =>
  c.truth ? referenceBpm(c.truth, w.tStart, w.tEnd) : null;
const right = (bpm: number | null, truth: number | null) =>
  truth !== null && bpm !== null && Math.abs(bpm - truth) <= 5;

/** Evidence with and without the network: the app also decides when no model is installed. */
function evidenceOf(c: Clip): SessionEvidence[] {
  const { t, rgb, blocks, sspd, faceLost, keyframe } = c.traces;
  const base = { rgb: { t, ...rgb }, blocks: { t, values: blocks }, capture: { t, faceLost, keyframe } };
  return [sessionEvidence({ ...base, waveform: sspd }), sessionEvidence(base)].filter(
    (e): e is SessionEvidence => !('ok' in e),
  );
}
const evidence = new Map(clips.map((c) => [c, evidenceOf(c)]));

function fitModel(train: Clip[]): ReliabilityModel {
  const x: number[][] = [];
  const y: boolean[] = [];
  const weight: number[] = [];
  for (const c of train) {
    evidence.get(c)!.forEach((ev, variant) => {
      ev.evidence.forEach((e, k) => {
        const truth = truthOf(c, ev.windows[k]!);
        for (const cand of scoreCandidates(e, ev.bandHz)) {
          x.push(inputPositions.map((i) => cand.features[i]!));
          y.push(right(cand.bpm, truth));
          weight.push(variant === 0 ? 1 : 0.5);
        }
      });
    });
  }
  const candidate = fitLogistic(x, y, 1e-3, weight);
  const draft: ReliabilityModel = {
    candidate: { features: candidateInputs, weights: candidate.weights, bias: candidate.bias },
    window: { features: windowFeatures, weights: windowFeatures.map(() => 0), bias: 0 },
    thresholds: { reliable: 0.9, caution: 0.6 },
  };
  const wx: number[][] = [];
  const wy: boolean[] = [];
  const ww: number[] = [];
  for (const c of train) {
    for (const ev of evidence.get(c)!) {
      decideSeries(ev.evidence, ev.bandHz, ev.options.stepS, draft).forEach((d, k) => {
        if (!d.features) return;
        wx.push(windowFeatures.map((f) => d.features![f]));
        wy.push(right(d.bpm, truthOf(c, ev.windows[k]!)));
        ww.push(c.truth ? 1 : NO_PULSE_WEIGHT);
      });
    }
  }
  const window = fitLogistic(wx, wy, 1e-3, ww);
  return { ...draft, window: { features: windowFeatures, weights: window.weights, bias: window.bias } };
}

interface Scored {
  p: number;
  right: boolean;
  wrong10: boolean;
  noPulse: boolean;
  /** Whether the decision may call it reliable at all (reliability.mayBeReliable). */
  eligible: boolean;
}

/** Windows scored under `m`, and per clip the session HR the app would show and the error of it. */
function scoreWindows(m: ReliabilityModel, test: Clip[], variant = 0): Scored[] & { clips: ClipScore[] } {
  const out = Object.assign([] as Scored[], { clips: [] as ClipScore[] });
  for (const c of test) {
    const ev = evidence.get(c)![variant];
    if (!ev) continue;
    const decisions = decideSeries(ev.evidence, ev.bandHz, ev.options.stepS, m);
    decisions.forEach((d, k) => {
      const truth = truthOf(c, ev.windows[k]!);
      out.push({
        p: d.probability,
        right: right(d.bpm, truth),
        wrong10: truth === null || d.bpm === null || Math.abs(d.bpm - truth) > 10,
        noPulse: truth === null,
        eligible: d.features !== null && mayBeReliable(d.features),
      });
    });
    const hr = sessionHr(decisions.map((d) => ({ bpm: d.bpm, quality: GRADE_OF[d.reliability] })));
    const truth = c.truth ? truthOf(c, { tStart: -Infinity, tEnd: Infinity }) : null;
    out.clips.push({
      noPulse: truth === null,
      level: hr.reliability,
      error: hr.bpm === null || truth === null ? null : Math.abs(hr.bpm - truth),
    });
  }
  return out;
}

interface ClipScore {
  noPulse: boolean;
  level: Reliability;
  /** |session HR − true mean HR| (bpm); null without a number or a truth. */
  error: number | null;
}

/** What the app would show per clip: pulse clips reliable / with a number and their MAE, no-pulse clips given one. */
function clipReport(clips: readonly ClipScore[]) {
  const pulse = clips.filter((c) => !c.noPulse);
  const mae = (xs: ClipScore[]) => (xs.length ? xs.reduce((a, c) => a + c.error!, 0) / xs.length : Number.NaN);
  const reliable = pulse.filter((c) => c.level === 'reliable');
  const reported = pulse.filter((c) => c.level !== 'none');
  return {
    clipsReliable: reliable.length / Math.max(1, pulse.length),
    clipsReliableMae: mae(reliable),
    clipsReported: reported.length / Math.max(1, pulse.length),
    clipsReportedMae: mae(reported),
    clipsWrong10: reported.filter((c) => c.error! > 10).length,
    noPulseClipsReported: clips.filter((c) => c.noPulse && c.level !== 'none').length,
    noPulseClipsReliable: clips.filter((c) => c.noPulse && c.level === 'reliable').length,
  };
}

/**
 * Lowest threshold at and above which, for every higher one too, windows are right at least `precision` of the time.
 */
function thresholdFor(s: Scored[], precision: number, maxWrong10: number): number {
  const pulse = s.filter((w) => !w.noPulse).sort((a, b) => b.p - a.p);
  let chosen = 1;
  let rightN = 0;
  let wrong10 = 0;
  for (let i = 0; i < pulse.length; i++) {
    rightN += pulse[i]!.right ? 1 : 0;
    wrong10 += pulse[i]!.wrong10 ? 1 : 0;
    if (rightN / (i + 1) >= precision && wrong10 / (i + 1) <= maxWrong10) chosen = pulse[i]!.p;
    else if (i > 20) break;
  }
  // No-pulse clips must not pass either: raise the threshold above all but 1 % of their windows.
  const noPulse = s
    .filter((w) => w.noPulse)
    .map((w) => w.p)
    .sort((a, b) => b - a);
  const cap = noPulse.length ? noPulse[Math.floor(noPulse.length * 0.01)]! + 1e-6 : 0;
  return Math.min(0.999, Math.max(chosen, cap));
}

const isReliable = (m: ReliabilityModel) => (w: Scored) => w.eligible && w.p >= m.thresholds.reliable;

function report(m: ReliabilityModel, s: Scored[] & { clips: ClipScore[] }) {
  const pulse = s.filter((w) => !w.noPulse);
  const reliable = pulse.filter(isReliable(m));
  const caution = pulse.filter((w) => isReliable(m)(w) || w.p >= m.thresholds.caution);
  const share = (xs: Scored[], f: (w: Scored) => boolean) => (xs.length ? xs.filter(f).length / xs.length : Number.NaN);
  return {
    windows: s.length,
    auroc: auroc(
      pulse.map((w) => w.p),
      pulse.map((w) => w.right),
    ),
    reliableCoverage: reliable.length / Math.max(1, pulse.length),
    reliableRight: share(reliable, (w) => w.right),
    reliableWrong10: reliable.filter((w) => w.wrong10).length,
    reportedCoverage: caution.length / Math.max(1, pulse.length),
    reportedRight: share(caution, (w) => w.right),
    noPulseReliable: share(
      s.filter((w) => w.noPulse),
      isReliable(m),
    ),
    ...clipReport(s.clips),
  };
}

function withThresholds(m: ReliabilityModel, s: Scored[]): ReliabilityModel {
  // Only windows the decision may call reliable bear on the reliable threshold.
  const eligible = s.filter((w) => w.eligible);
  return { ...m, thresholds: { reliable: thresholdFor(eligible, 0.97, 0.01), caution: thresholdFor(s, 0.8, 0.1) } };
}

/** Which clips the figures are on, as both reports name them. */
const clipsUsed = {
  sets: setDirs.map((d) => path.basename(d)),
  clips: clips.length,
  noPulseClips: clips.filter((c) => !c.truth).length,
};

/** An existing model's figures on these clips, as the app would decide them; nothing is fitted or written. */
function check(file: string): void {
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as ReliabilityModel;
  const known = new Set<string>([...FEATURES, ...WINDOW_LEVEL]);
  for (const part of [m.candidate, m.window]) {
    const unknown = part?.features?.filter((f) => !known.has(f)) ?? [];
    if (!part || part.weights?.length !== part.features?.length || unknown.length)
      throw new Error(`${file} is not a reliability model this code reads (features: ${unknown.join(', ') || '?'})`);
  }
  const figures = {
    model: file,
    ...clipsUsed,
    figures: report(m, scoreWindows(m, clips)),
    withoutNetwork: report(m, scoreWindows(m, clips, 1)),
  };
  process.stdout.write(`${JSON.stringify(figures, null, 1)}\n`);
}

if (values.check) check(values.check);
else calibrate();

function calibrate(): void {
  // Cross-validation by clip (--folds, clips dealt in turn): the figures a new subject would see.
  const foldCount = Math.max(2, Math.round(Number(values.folds)));
  const folds = Array.from({ length: foldCount }, (_, f) => clips.filter((_, i) => i % foldCount === f));
  const held = folds.map((test, f) => {
    const train = clips.filter((_, i) => i % foldCount !== f);
    const m = fitModel(train);
    const tuned = withThresholds(m, scoreWindows(m, train));
    return report(tuned, scoreWindows(tuned, test));
  });
  const model = fitModel(clips);
  const final = withThresholds(model, scoreWindows(model, clips));
  const out = {
    note: 'Written by scripts/calibrate-reliability/cli.ts; do not edit by hand.',
    calibration: {
      ...clipsUsed,
      crossValidated: held,
      fitted: report(final, scoreWindows(final, clips)),
      withoutNetwork: report(final, scoreWindows(final, clips, 1)),
    },
    ...final,
  };
  fs.writeFileSync(
    values.out,
    JSON.stringify(out, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v), 1) + '\n',
  );
  process.stdout.write(
    `${JSON.stringify(out.calibration, null, 1)}\nthresholds ${JSON.stringify(final.thresholds)}\nwrote ${values.out}\n`,
  );
}
