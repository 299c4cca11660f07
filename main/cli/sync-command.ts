// `pulse-studio sync --db postgres://… --media DIR [--dry-run]`: sends this station's data to the central study
// database and its media to the shared media root, with progress; Ctrl+C stops after the unit being sent (run
// again to continue).
import fs from 'node:fs';
import path from 'node:path';
import { syncSummaryText } from '../../common/study-sync.ts';
import { AnalysisError } from '../video/errors.ts';
import { syncStation } from '../central/sync.ts';
import { resolveDataDir } from '../store/index.ts';
import { openCliStore, type PassphraseOptions } from './encryption-commands.ts';
import { interruptSignal } from './interrupt.ts';
import type { ProgressBar } from './progress.ts';

/** The connection string may come from the environment instead, so a password stays out of the process list. */
export const DB_ENV = 'PULSE_STUDIO_DB';

export interface SyncValues extends PassphraseOptions {
  db?: string | undefined;
  media?: string | undefined;
  'dry-run'?: boolean | undefined;
  json?: boolean | undefined;
  operator?: string | undefined;
}

export function centralUrlOf(values: { db?: string | undefined }, command: string): string {
  const url = values.db ?? process.env[DB_ENV]?.trim();
  if (!url)
    throw new AnalysisError('bad-argument', `${command} needs --db postgres://user@host:5432/database (or $${DB_ENV})`);
  return url;
}

/** A media root that exists and is a folder (a share that is not mounted must not fill the local disk). */
export function mediaRootOf(values: { media?: string | undefined }, command: string): string {
  if (!values.media)
    throw new AnalysisError('bad-argument', `${command} needs --media DIR (the study's shared media folder)`);
  const root = path.resolve(values.media);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory())
    throw new AnalysisError('bad-argument', `--media ${values.media}: no such folder (is the share mounted?)`);
  return root;
}

export async function syncCommand(
  values: SyncValues,
  appVersion: string,
  bar: ProgressBar,
  holder: string,
): Promise<number> {
  const url = centralUrlOf(values, 'sync');
  const dryRun = values['dry-run'] ?? false;
  const mediaRoot = dryRun && !values.media ? '' : mediaRootOf(values, 'sync');
  const store = await openCliStore(resolveDataDir(), values, {
    holder,
    ...(values.operator ? { actor: values.operator } : {}),
  });
  const interrupt = interruptSignal('Stopping after the unit being sent… (run the sync again to continue)');
  try {
    const summary = await syncStation(store, {
      url,
      mediaRoot,
      appVersion,
      dryRun,
      signal: interrupt.signal,
      onProgress: (p) => bar.update(p.done, p.total, p.label),
    });
    bar.done();
    process.stdout.write(values.json ? JSON.stringify(summary, null, 1) + '\n' : syncSummaryText(summary) + '\n');
    return summary.cancelled ? 130 : summary.conflicts.length || summary.codeClashes?.length ? 1 : 0;
  } finally {
    interrupt.dispose();
    store.close();
  }
}
