// Builds the one stored form of an analysis version (common/analysis-record.ts) from the signal module's result:
// the same for a recording's Stop, a re-analysis and an imported video.
import type { AnalysisParams, AnalysisSummary } from '../../common/analysis-record.ts';
import { sessionHr } from '../../common/session-hr.ts';
import type { AnalysisSettings } from '../../common/sessions.ts';
import type { NotEnoughData, SessionAnalysis } from '../signal/index.ts';

export interface RecordContext {
  source: AnalysisParams['source'];
  roi: AnalysisParams['roi'];
  settings?: AnalysisSettings | null;
  /** Present when the network ran: the filter its input went through (main/inference's InputFilterSpec). */
  inference?: AnalysisParams['inference'];
  video?: AnalysisSummary['video'];
  /** Warnings from outside the signal module (decoding, import). */
  warnings?: readonly string[];
}

export function analysisRecord(
  result: SessionAnalysis | NotEnoughData,
  context: RecordContext,
): { params: AnalysisParams; summary: AnalysisSummary } {
  const params: AnalysisParams = {
    source: context.source,
    roi: context.roi,
    signal: result.ok ? { ...result.options } : null,
    settings: context.settings ?? null,
    inference: context.inference ?? null,
  };
  const extra = context.warnings ?? [];
  const summary: AnalysisSummary = result.ok
    ? {
        primary: result.primary,
        hr: result.summary.hr,
        checkHr: result.summary.checkHr,
        quality: result.quality,
        warnings: [...result.summary.warnings, ...extra],
        hrv: result.hrv,
        video: context.video ?? null,
      }
    : {
        primary: null,
        hr: { ...sessionHr([]), reason: result.reason },
        checkHr: null,
        quality: null,
        warnings: [result.reason, ...extra],
        hrv: null,
        video: context.video ?? null,
      };
  return { params, summary };
}
