// Stores the analysis of an imported video as the session's next analysis version.
import type { AnalysisRepository } from '../store/analyses.ts';
import type { VideoAnalysis } from '../video/analyze-video.ts';
import { analysisRecord } from '../store/analysis-record.ts';
import { storedHrSeries } from '../store/stored-analysis.ts';
import { pulseWaveforms, METHOD_IDS } from '../results/waveforms.ts';

const faces = (a: VideoAnalysis) =>
  a.roi === 'face' ? { facesDetected: a.facesFound, facesHeld: a.facesHeld } : { facesDetected: null, facesHeld: null };

export function saveAnalysis(
  analyses: AnalysisRepository,
  sessionId: number,
  a: VideoAnalysis,
  modelId: string | null = null,
): number {
  const s = a.session;
  const waves = pulseWaveforms(a);
  const waveforms: Record<string, { startS: number; fs: number; samples: Float32Array }> = {};
  for (const m of waves ? METHOD_IDS : []) {
    const pulse = waves!.pulses[m];
    if (pulse) waveforms[m] = { startS: waves!.t0, fs: waves!.fs, samples: Float32Array.from(pulse) };
  }
  return analyses.add(sessionId, {
    modelId: a.model ? modelId : null,
    modelSha256: a.model?.sha256 ?? null,
    executionProvider: a.model?.provider ?? null,
    ...analysisRecord(s, {
      source: 'import',
      roi: a.roi,
      inference: a.model ? { inputFilter: a.model.inputFilter } : null,
      video: {
        file: a.file,
        codec: a.info.codec,
        width: a.info.width,
        height: a.info.height,
        fps: a.info.nominalFps ?? 0,
        frames: a.frames,
        ...faces(a),
      },
      warnings: a.warnings,
    }),
    hrSeries: s.ok ? storedHrSeries(s) : {},
    waveforms,
  }).id;
}
