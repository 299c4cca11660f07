// SSPD models the app can run: what the registry lists, the import rules and the authors' checkpoint.
import { z } from 'zod';
import type { AdaptProvenance } from './adaptation.ts';

export const MODEL_SOURCES = ['pth', 'onnx', 'adapted', 'bundled'] as const;
export type ModelSource = (typeof MODEL_SOURCES)[number];

/** An SSPD model is ~3 MB; the cap leaves room and stays under browser mode's 32 MB request limit. */
export const MAX_MODEL_BYTES = 24 * 1024 * 1024;

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'A SHA-256 is 64 lowercase hex digits');

/** What the import checks found: the ONNX contract and a test inference on a synthetic clip. */
export interface ModelValidation {
  inputShape: Array<number | string>;
  outputShape: Array<number | string>;
  /** Frame differences in the synthetic test clip, and the waveform samples it gave (2·⌊T/2⌋). */
  testSteps: number;
  testSamples: number;
  testInferenceMs: number;
  /** Spread of the test waveform: 0 means the model ignores its input. */
  testWaveformStd: number;
  /** For a .pth: how many state_dict tensors were checked against SSPD's. */
  checkpointTensors: number | null;
}

export interface ModelInfo {
  /** SHA-256 of the ONNX file the app runs (for a .pth: of the converted model). */
  sha256: string;
  name: string;
  source: ModelSource;
  /** The file name or address it was imported from; the bundled model's path. */
  origin: string;
  /** SHA-256 of the imported file itself (differs from sha256 for a .pth); for an adapted model, of its base model. */
  originSha256: string;
  bytes: number;
  /** ISO time of import; null for the bundled default. */
  importedAt: string | null;
  validation: ModelValidation | null;
  active: boolean;
  /** How an adapted model was made; null for imports and the bundled default. */
  provenance: AdaptProvenance | null;
}

/** The SSPD authors' released UBFC-rPPG weights: downloaded only on explicit request, never bundled. */
export const AUTHORS_CHECKPOINT = {
  name: 'SSPD authors’ weights (UBFC-rPPG)',
  fileName: 'sspd-ubfc-authors.pth',
  url: 'https://github.com/LinXi1C/SSPD/raw/main/pretrained/ubfc.pth',
  sha256: 'fad7dcadd7f2066198671371e4ece721e46ba7790bf58c0de4723284c29b43c1',
  notice:
    'These weights are published by the SSPD authors (LinXi1C/SSPD on GitHub) without a licence. ' +
    'Pulse Studio does not ship them; downloading them is your decision, and you are responsible for ' +
    'checking that your use is permitted. They were trained on UBFC-rPPG at 30 fps.',
} as const;
