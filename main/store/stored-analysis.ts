// How a whole-session analysis becomes stored rows: the decided HR windows (reliability stored as the grade, with
// its calibrated confidence and plain-word reasons) and each classical method's own windows, graded on their SNR
// alone. Shared by recording, re-analysis and video import.
import type { SessionAnalysis } from '../signal/index.ts';
import type { NewAnalysis } from './analyses.ts';

export function storedHrSeries(result: SessionAnalysis): NewAnalysis['hrSeries'] {
  const centre = (w: { tStart: number; tEnd: number }) => (w.tStart + w.tEnd) / 2;
  const series: NewAnalysis['hrSeries'] = {
    [result.primary]: result.hrSeries.map((w) => ({
      tS: centre(w),
      bpm: w.bpm,
      snrDb: w.snrDb,
      quality: w.grade,
      reasons: w.reasons.map((r) => r.message).join('; '),
      confidence: w.probability,
    })),
  };
  const { snrGoodDb, snrPoorDb } = result.options;
  for (const [id, baseline] of Object.entries(result.baselines)) {
    if (id === result.primary || !baseline.ok) continue;
    // No cross-check applies to the checks themselves: their SNR alone grades them.
    series[id] = baseline.series.map((w) => ({
      tS: centre(w),
      bpm: w.bpm,
      snrDb: w.snrDb,
      quality: w.snrDb >= snrGoodDb ? 'good' : w.snrDb < snrPoorDb ? 'poor' : 'fair',
      reasons: 'graded on SNR only',
      confidence: null,
    }));
  }
  return series;
}
