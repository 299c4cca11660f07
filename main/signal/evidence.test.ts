// Known answers for the candidate features that need no spectra: the keyframe rhythm, the band's lower edge, the
// pulse's colour and the skin regions keeping time.
import { describe, expect, it } from 'vitest';
import {
  candidateFeatures,
  FEATURES,
  keyframeComb,
  keyframeNear,
  pulseColourAgreement,
  regionsInPhase,
  type WindowEvidence,
} from './evidence.ts';

const every = (stepS: number, fromS: number, toS: number) =>
  Array.from({ length: Math.floor((toS - fromS) / stepS) + 1 }, (_, i) => fromS + i * stepS);

/** A window with no spectra, keyframes every 2 s and no colour or region signals. */
const bare = (): WindowEvidence => ({
  voters: {},
  informants: {},
  motion: 0,
  faceLostShare: 0,
  droppedShare: 0,
  gapShare: 0,
  keyframes: every(2, 0, 14),
  skinColour: null,
  regionWaves: null,
});

describe('keyframe rhythm', () => {
  it('is 1 at multiples of the keyframe rate and small elsewhere', () => {
    const keys = every(2, 3, 17); // a keyframe every 60 frames at 30 fps
    expect(keyframeComb(keys, 1.5)).toBeCloseTo(1, 6);
    expect(keyframeComb(keys, 1.0)).toBeCloseTo(1, 6);
    expect(keyframeComb(keys, 1.25)).toBeLessThan(0.05);
    expect(keyframeComb(keys, 1.6)).toBeLessThan(0.2);
  });

  it('is 0 with too few keyframes to have a rhythm, and near 0 where every frame is one (MJPEG)', () => {
    expect(keyframeComb([], 1.5)).toBe(0);
    expect(keyframeComb([4, 12], 1.5)).toBe(0);
    expect(keyframeComb(every(1 / 30, 0, 15), 1.37)).toBeLessThan(0.01);
  });

  it('is found within ±5 bpm of a multiple of the keyframe rate, where spectra put the encoder’s peaks', () => {
    const keys = every(1, 0, 14); // a keyframe a second: 60 and 120 bpm
    expect(keyframeComb(keys, 57 / 60)).toBeLessThan(0.2);
    expect(keyframeNear(keys, 57 / 60)).toBeCloseTo(1, 6);
    expect(keyframeNear(keys, 124 / 60)).toBeCloseTo(1, 6);
    expect(keyframeNear(keys, 90 / 60)).toBeLessThan(0.05);
    expect(keyframeNear([3, 9], 1)).toBe(0);
  });
});

describe('pulse colour', () => {
  const fs = 30;
  /** 15 s of skin whose relative R, G, B change by `direction` at `hz`, under a slower change of brightness. */
  const skin = (direction: readonly number[], hz = 1.2) => {
    const n = 15 * fs;
    const at = (i: number, f: number) => Math.sin((2 * Math.PI * f * i) / fs);
    const [r, g, b] = direction.map((d) =>
      Float64Array.from({ length: n }, (_, i) => d * at(i, hz) + 0.3 * at(i, 0.8)),
    );
    return { r: r!, g: g!, b: b!, start: 0, length: n, fs };
  };

  it('is 1 for the blood-volume pulse’s colour, in either sign, and low for the opposite colour', () => {
    expect(pulseColourAgreement(skin([0.33, 0.77, 0.53]), 1.2)).toBeCloseTo(1, 2);
    expect(pulseColourAgreement(skin([-0.33, -0.77, -0.53]), 1.2)).toBeCloseTo(1, 2);
    expect(pulseColourAgreement(skin([0.77, 0.33, 0.53]), 1.2)).toBeLessThan(-0.5);
  });

  it('has nothing to say about a change of brightness alone, or where nothing changes at that rate', () => {
    expect(pulseColourAgreement(skin([0.5, 0.5, 0.5]), 1.2)).toBe(0);
    expect(pulseColourAgreement(skin([0, 0, 0]), 1.2)).toBeCloseTo(0, 1);
  });
});

describe('skin regions keeping time', () => {
  const fs = 30;
  const n = 15 * fs;
  /** 15 s of three region signals at `hz`, each delayed by its own phase (radians), over a slower sway. */
  const regions = (phases: readonly number[], hz = 1.2) => {
    const [upper, left, right] = phases.map((p) =>
      Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / fs - p) + Math.sin(i / 9)),
    );
    return { upper: upper!, left: left!, right: right!, start: 0, length: n, fs };
  };

  it('is 1 where a pulse reaches every region together, and falls with the worst pair’s phase difference', () => {
    expect(regionsInPhase(regions([0, 0, 0]), 1.2)).toBeCloseTo(1, 3);
    expect(regionsInPhase(regions([0, 0.1, -0.1]), 1.2)).toBeCloseTo(Math.cos(0.2), 2);
    expect(regionsInPhase(regions([0, Math.PI / 2, 0]), 1.2)).toBeCloseTo(0, 2);
    expect(regionsInPhase(regions([0, 0, Math.PI]), 1.2)).toBeCloseTo(-1, 2);
  });

  it('says nothing where a region holds nothing at that rate', () => {
    const quiet = { ...regions([0, 0, 0]), right: new Float64Array(n) };
    expect(regionsInPhase(quiet, 1.2)).toBe(0);
  });

  it('marks a candidate at which regions change in opposite directions, which no pulse does', () => {
    const opposed = (w: ReturnType<typeof regions> | null) => {
      const e: WindowEvidence = { ...bare(), regionWaves: w };
      return candidateFeatures(e, 1.2, [0.7, 3.5])[FEATURES.indexOf('regionsOpposed')];
    };
    expect(opposed(regions([0, 0, Math.PI]))).toBeCloseTo(1, 2);
    expect(opposed(regions([0, (2 * Math.PI) / 3, 0]))).toBeCloseTo(0.5, 2);
    expect(opposed(regions([0, 0.3, -0.2]))).toBe(0);
    expect(opposed(regions([0, Math.PI / 2, 0]))).toBeCloseTo(0, 2);
    expect(opposed(null)).toBe(0);
  });
});

describe('candidate features without spectra', () => {
  const feature = (name: (typeof FEATURES)[number], hz: number) =>
    candidateFeatures(bare(), hz, [0.7, 3.5])[FEATURES.indexOf(name)];

  it('marks candidates hugging the band’s lower edge, where slow light changes leak in', () => {
    expect(feature('lowEdge', 0.7)).toBe(1);
    expect(feature('lowEdge', 0.775)).toBeCloseTo(0.5, 6);
    expect(feature('lowEdge', 1.2)).toBe(0);
  });

  it('reads the keyframe rhythm at the candidate’s rate', () => {
    expect(feature('keyframeComb', 1.5)).toBeCloseTo(1, 6);
    expect(feature('keyframeComb', 1.25)).toBeLessThan(0.05);
  });
});
