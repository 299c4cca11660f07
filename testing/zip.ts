// Reads an export zip back in tests (unit and e2e): its files by path under the archive's one root folder.
import path from 'node:path';
import { readZip } from '../main/models/zip-reader.ts';

/** Test exports are small: these limits only keep a broken export from filling the test's memory. */
const TEST_LIMITS = { maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024 };

/** Every file of `zipFile`, keyed by its path inside the export; throws when one lies outside the root folder. */
export async function exportedFiles(zipFile: string): Promise<Map<string, Buffer>> {
  const root = `${path.basename(zipFile, '.zip')}/`;
  const zip = await readZip(zipFile, TEST_LIMITS);
  const outside = zip.names.filter((name) => !name.startsWith(root));
  if (outside.length > 0) throw new Error(`${zipFile} holds files outside ${root}: ${outside.slice(0, 3).join(', ')}`);
  return new Map(zip.names.map((name) => [name.slice(root.length), zip.read(name)!]));
}
