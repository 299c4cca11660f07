// Fetches a model file over http(s) (or file: for tests and offline copies), size-capped.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../inference/model-error.ts';
import { ModelImportError } from './import-error.ts';

const TIMEOUT_MS = 120_000;

function failed(url: string, reason: string, cause?: unknown): ModelImportError {
  return new ModelImportError('DOWNLOAD_FAILED', `could not download ${url}: ${reason}`, { cause });
}

async function readCapped(response: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of response.body ?? []) {
    total += part.length;
    if (total > maxBytes) throw failed(url, `it is larger than ${maxBytes >> 20} MB`);
    parts.push(part);
  }
  return Buffer.concat(parts);
}

export async function downloadBytes(url: string, maxBytes: number): Promise<Uint8Array> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw failed(url, 'not an address', error);
  }
  try {
    if (parsed.protocol === 'file:') {
      const bytes = await readFile(fileURLToPath(parsed));
      if (bytes.length > maxBytes) throw failed(url, `it is larger than ${maxBytes >> 20} MB`);
      return bytes;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw failed(url, `${parsed.protocol} addresses are not supported`);
    const response = await fetch(parsed, { redirect: 'follow', signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) throw failed(url, `the server answered ${response.status} ${response.statusText}`);
    return await readCapped(response, url, maxBytes);
  } catch (error) {
    if (error instanceof ModelImportError) throw error;
    throw failed(url, errorMessage(error), error);
  }
}
