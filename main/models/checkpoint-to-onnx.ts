// Adapts an SSPD PyTorch checkpoint to ONNX: its weights written into the weightless template graph.
import { fileURLToPath } from 'node:url';
import { fillInitializers } from './onnx-weights.ts';
import { checkSspdStateDict, SSPD_WEIGHTS } from './sspd-keys.ts';
import { float32Data, readTorchCheckpoint } from './torch-checkpoint.ts';

/**
 * `export.py --template`: the SSPD graph (BatchNorm unfolded, initializers named by checkpoint key)
 * without any weights. Bundled builds copy it beside the main bundle and pass that path instead.
 */
export const DEFAULT_TEMPLATE_PATH = import.meta.url
  ? fileURLToPath(new URL('./sspd-template.onnx', import.meta.url))
  : '';

/** Reads, strictly checks and converts a checkpoint; errors are ModelImportError with a code. */
export async function checkpointToOnnx(checkpoint: Uint8Array, template: Uint8Array): Promise<Uint8Array> {
  const dict = await readTorchCheckpoint(checkpoint);
  checkSspdStateDict(dict);
  return fillInitializers(template, new Map(SSPD_WEIGHTS.map((t) => [t.key, float32Data(dict.get(t.key)!)])));
}
