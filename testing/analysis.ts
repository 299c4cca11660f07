// Test helper: the params and summary of a valid stored analysis, for tests that store analyses by hand.
import { sessionHr } from '../common/session-hr.ts';
import type { AnalysisParams, AnalysisSummary } from '../common/analysis-record.ts';

export function recordFields(
  overrides: { params?: Partial<AnalysisParams>; summary?: Partial<AnalysisSummary> } = {},
): { params: AnalysisParams; summary: AnalysisSummary } {
  return {
    params: {
      source: 'recording',
      roi: 'face',
      signal: { hrBandHz: [0.7, 3.5], windowS: 10 },
      settings: null,
      inference: null,
      ...overrides.params,
    },
    summary: {
      primary: 'pos',
      hr: { ...sessionHr([]), reason: 'not computed in this test' },
      checkHr: null,
      quality: null,
      warnings: [],
      hrv: null,
      video: null,
      ...overrides.summary,
    },
  };
}
