#!/usr/bin/env node
// The `pulse-studio` command line: analyze videos, evaluate against reference heart rates, import a video
// as a session. Plain Node (22, type stripping) on the same services as the app; no Electron.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { analyzeVideo } from '../video/analyze-video.ts';
import { writeAnalysis } from '../evaluation/analysis-outputs.ts';
import { RELIABILITY_WORDS } from '../../common/session-hr.ts';
import { ROI_MODES, type RoiMode } from '../video/crop-frames.ts';
import { AnalysisError, errorText } from '../video/errors.ts';
import { evaluateManifest } from '../evaluation/evaluate.ts';
import { evaluationTable, writeEvaluation } from '../evaluation/evaluation-report.ts';
import { checkImportPath, importVideo } from '../imports/import-video.ts';
import { installedModel } from '../services.ts';
import { resolveDataDir } from '../store/index.ts';
import { privateUmask } from '../store/permissions.ts';
import { progressBar } from './progress.ts';
import { verifyDataFolder, verifyText } from './verify-command.ts';
import { exportCommand, reportCommand } from './report-commands.ts';
import {
  cliKeys,
  encryptionCommand,
  NEW_PASSPHRASE_ENV,
  openCliStore,
  PASSPHRASE_ENV,
  statusText,
} from './encryption-commands.ts';
import { agreementCommand } from './agreement-command.ts';
import { syncCommand } from './sync-command.ts';
import { auditCommand, enqueueCommand, jobsCommand, workerCommand } from './worker-command.ts';
import { adaptCommand } from './adapt-command.ts';
import { centralAgreementCommand, centralExportCommand, centralSessionsCommand } from './coordinator-command.ts';

const USAGE = `Usage:
  pulse-studio analyze <video…> [--model M] [--out DIR] [--json] [--roi face|full]
  pulse-studio evaluate <manifest.csv…> [--model M] [--out DIR] [--json] [--roi face|full] [--jobs N]
  pulse-studio import <video> --subject CODE [--study S] [--create-subject] [--model M] [--roi face|full]
  pulse-studio export [--study S] [--subject CODE,…] [--session ID,…] --out DIR [--folder] [--video omit|blur|include]
                      [--demographics] [--free-text] [--real-dates] [--json]
  pulse-studio report (--session ID | --subject CODE [--study S]) --out DIR [--name NAME] [--json]
  pulse-studio verify [--json]
  pulse-studio encrypt | decrypt | change-passphrase [--passphrase-file F] [--new-passphrase-file F]
  pulse-studio agreement [--study S] [--split none|skin-type|sex|age-band|step] [--json]
  pulse-studio export|agreement --db postgres://… [--media DIR] …   (coordinator: across stations, read-only)
  pulse-studio sessions --db postgres://… [--study S] [--json]      (coordinator: a study's sessions, all stations)
  pulse-studio sync --db postgres://… --media DIR [--dry-run] [--json]
  pulse-studio worker --db postgres://… --media DIR [--concurrency N] [--model M]
  pulse-studio enqueue --db postgres://… [--study S] [--method model|pos]
  pulse-studio enqueue --db postgres://… --kind evaluate --study S [--split …]
  pulse-studio enqueue --db postgres://… --kind export --study S [export options as for export]
  pulse-studio jobs --db postgres://… [--json]
  pulse-studio audit --db postgres://… [--json]                    (the export log: who exported what, when, where)
  pulse-studio adapt [--study S] [--sessions ID,…] [--steps N] [--device cpu|cuda] [--python P] [--json]

  --roi full     the whole frame is the skin region (pre-cropped clips), resized to 128×128
  --roi face     detect the face and use the SSPD crop (default)
  --model M      an SSPD .onnx (default: $PULSE_STUDIO_MODEL, else the bundled models/sspd.onnx);
                 --model none: POS only
  --out DIR      where result files go (default: ./pulse-studio-results)
  --json         print results as JSON on stdout
  --operator N   who the audit trail names for import, export and report (default: the OS user)
Manifest rows: video,reference[,fs] — reference is a number in bpm, a CSV of time,bpm, a PPG waveform CSV, or
none (a clip without a pulse); or named columns video|file, reference|mean_hr_bpm, fs, truth, difficulty|group,
with <video>_gt.csv beside a video read as its per-window truth.
Export: a new timestamped zip (or --folder) in DIR with BIDS physio files, CSV/JSON per session and a
SHA-256 manifest. De-identified unless asked: --demographics (sex, skin type, age), --free-text (notes,
camera and file names), --real-dates (no date shift), --video blur|include (camera video).
Report: a participant PDF printed with Chromium ($PULSE_STUDIO_CHROMIUM); --name prints a name on it
(never stored).
Verify: checks the data folder without changing it — the database (full integrity check), the audit trail's
hash chain, each session's media against its SHA-256; exit code 1 when anything is wrong.
Encrypt: encrypts the data folder in place under a passphrase (database, media, backups); run again to finish
one that was cut short. Decrypt turns it off. An encrypted folder's passphrase comes from --passphrase-file
(first line), $${PASSPHRASE_ENV}, or is asked on the terminal; a new one from --new-passphrase-file,
$${NEW_PASSPHRASE_ENV}, or the terminal (twice).
Agreement: MAE, RMSE, Pearson r, Bland–Altman limits and the share within ±5 bpm of the camera's reliable windows
against each session's contact reference (the first one a session has), with coverage; --split groups the app's
reading by a subject attribute or a protocol step.
Sync: sends this station's studies, subjects, sessions (with their results, markers and references) and audit
trail to the central study database (--db, or $PULSE_STUDIO_DB; a password is best given in $PGPASSWORD) and its
media to the shared media folder, SHA-256 verified. Run again after an interruption: nothing is sent twice. An
edit made on the study database since this station last sent the row is reported as a conflict (exit code 1),
never overwritten. --dry-run counts what would be sent, changing nothing.
Worker: runs the study database's re-analysis jobs over the face crops on the shared media folder (any number of
workers on any number of machines); a job whose worker dies is retried by another, and its result stored once.
Enqueue (coordinators only): queues a re-analysis of every synced session with face crops (--study: of one study);
--kind evaluate: the study's agreement with contact references over all stations; --kind export: each station's
export of the study (as it would write it), into exports/<job id>/ in the worker's media folder.
Export, agreement and sessions with --db (coordinator mode): read the study database, never changing it; export
writes one export per station that has the study, identical to that station's own (videos from --media), and
records who exported what and where in the database's export log (refused when this user may not); sessions
lists the study's sessions of every station with their heart rate, as Review shows them.
Jobs: lists the queue's most recent jobs — queued, running (with progress), failed (with the reason), completed
(with the result); exit code 1 when any job failed for good. Audit: lists the export log (command and job exports).
Adapt: fine-tunes the active SSPD model on the face crops of the study's sessions (all finished ones, or --sessions)
without labels, and registers it as a new model — never the active one; choose it in Settings → Models. Reports the
before/after agreement with any contact reference. Needs Python 3 with torch, onnx and numpy (--python,
$PULSE_STUDIO_PYTHON, else /usr/bin/python3, else python3); 100 steps (the default) took 5–12 min on a busy 2-core CPU.
Ctrl+C cancels: nothing is registered.
Data directory for import, export, report, verify, agreement, adapt and encryption: $PULSE_STUDIO_DATA_DIR or the app's default.`;

const OPTIONS = {
  model: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  roi: { type: 'string', default: 'face' },
  jobs: { type: 'string' },
  subject: { type: 'string' },
  study: { type: 'string' },
  'create-subject': { type: 'boolean', default: false },
  session: { type: 'string' },
  name: { type: 'string' },
  folder: { type: 'boolean', default: false },
  video: { type: 'string' },
  demographics: { type: 'boolean', default: false },
  'free-text': { type: 'boolean', default: false },
  'real-dates': { type: 'boolean', default: false },
  split: { type: 'string' },
  sessions: { type: 'string' },
  steps: { type: 'string' },
  device: { type: 'string' },
  python: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  operator: { type: 'string' },
  'passphrase-file': { type: 'string' },
  'new-passphrase-file': { type: 'string' },
  db: { type: 'string' },
  media: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  concurrency: { type: 'string' },
  method: { type: 'string' },
  kind: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function appVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function roiOf(values: Values): RoiMode {
  const roi = values.roi as string;
  if (!(ROI_MODES as readonly string[]).includes(roi))
    throw new AnalysisError('bad-argument', `--roi must be one of ${ROI_MODES.join(', ')}, got "${roi}"`);
  return roi as RoiMode;
}

/** The bundled default, as the app finds it: the CLI and the app analyse with the same model. */
const BUNDLED_MODEL = path.resolve(import.meta.dirname, '..', '..', 'models', 'sspd.onnx');

function modelOf(values: Values): string | undefined {
  if (values.model === 'none') return undefined;
  if (!values.model) return installedModel(BUNDLED_MODEL) ?? undefined;
  if (!fs.existsSync(values.model)) throw new AnalysisError('bad-argument', `--model ${values.model}: no such file`);
  return path.resolve(values.model);
}

async function analyze(files: string[], values: Values): Promise<number> {
  if (files.length === 0) throw new AnalysisError('bad-argument', 'analyze needs at least one video');
  const roi = roiOf(values);
  const modelPath = modelOf(values);
  const outDir = path.resolve(values.out ?? 'pulse-studio-results');
  const bar = progressBar(process.stderr, values.quiet);
  const results: unknown[] = [];
  let failures = 0;
  for (const [k, file] of files.entries()) {
    const label = `${k + 1}/${files.length} ${path.basename(file)}`;
    try {
      const a = await analyzeVideo(file, {
        roi,
        ...(modelPath ? { modelPath } : {}),
        onProgress: (p) => bar.update(p.tS, p.durationS, `${label} ${p.frames} frames`),
      });
      const { summary, files: written } = writeAnalysis(a, outDir);
      bar.done();
      results.push({ ok: true, summary, files: written });
      if (!values.json) {
        const hr =
          summary.hr?.bpm != null
            ? `${summary.hr.bpm.toFixed(1)} bpm, ${RELIABILITY_WORDS[summary.hr.reliability].toLowerCase()} (${summary.primary}, ${(100 * summary.hr.coverage).toFixed(0)} % of windows reliable)`
            : `no reliable heart rate: ${summary.rejectReason}`;
        const pos = summary.methods.pos?.bpm;
        const vs = summary.sspdVsPos
          ? `, SSPD ${summary.sspdVsPos.sspdBpm.toFixed(1)} vs POS ${summary.sspdVsPos.posBpm.toFixed(1)}`
          : pos
            ? `, POS ${pos.toFixed(1)}`
            : '';
        const q = summary.quality;
        process.stdout.write(
          `${file}: ${hr}${vs}; windows ${q ? `${q.reliable} reliable/${q.caution} caution/${q.none} none` : '–'} → ${written.html}\n`,
        );
      }
    } catch (error) {
      bar.done();
      failures++;
      const code = error instanceof AnalysisError ? error.code : 'error';
      results.push({ ok: false, file, error: { code, message: errorText(error) } });
      process.stderr.write(`pulse-studio: ${errorText(error)}\n`);
    }
  }
  if (values.json) process.stdout.write(JSON.stringify(results, null, 1) + '\n');
  return failures > 0 ? 1 : 0;
}

async function evaluate(args: string[], values: Values): Promise<number> {
  if (args.length === 0) throw new AnalysisError('bad-argument', 'evaluate needs at least one manifest.csv');
  const roi = roiOf(values);
  const modelPath = modelOf(values);
  const jobs = values.jobs ? Number(values.jobs) : undefined;
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1))
    throw new AnalysisError('bad-argument', `--jobs must be a whole number ≥ 1, got "${values.jobs}"`);
  const bar = progressBar(process.stderr, values.quiet);
  const e = await evaluateManifest(args, {
    roi,
    ...(modelPath ? { modelPath } : {}),
    ...(jobs ? { jobs } : {}),
    onRow: (row, done, total) => {
      bar.update(done, total, `${done}/${total} ${path.basename(row.video)}`);
      if (!row.ok) process.stderr.write(`\n${row.error?.message}\n`);
    },
  });
  bar.done();
  const files = writeEvaluation(e, path.resolve(values.out ?? 'pulse-studio-results'));
  if (values.json) process.stdout.write(fs.readFileSync(files.json, 'utf8'));
  else process.stdout.write(`${evaluationTable(e)}\n\nReport: ${files.html}\nJSON: ${files.json}\nCSV: ${files.csv}\n`);
  for (const row of e.rows.filter((r) => !r.ok)) process.stderr.write(`pulse-studio: ${row.error?.message}\n`);
  // Bad rows are reported, not fatal, unless nothing at all could be evaluated.
  return e.rows.some((r) => r.ok) ? 0 : 1;
}

async function importCommand(args: string[], values: Values): Promise<number> {
  if (args.length !== 1) throw new AnalysisError('bad-argument', 'import needs exactly one video');
  if (!values.subject) throw new AnalysisError('bad-argument', 'import needs --subject CODE');
  const roi = roiOf(values);
  const modelPath = modelOf(values);
  // A path that cannot be a video is refused before the data folder is even opened.
  checkImportPath(path.resolve(args[0]!));
  const store = await openCliStore(resolveDataDir(), values, {
    holder: CLI_HOLDER,
    ...(values.operator ? { actor: values.operator } : {}),
  });
  const bar = progressBar(process.stderr, values.quiet);
  try {
    const result = await importVideo(store, {
      video: path.resolve(args[0]!),
      subjectCode: values.subject,
      ...(values.study ? { study: values.study } : {}),
      createSubject: values['create-subject'],
      roi,
      ...(modelPath ? { modelPath } : {}),
      appVersion: appVersion(),
      onProgress: (p) => bar.update(p.tS, p.durationS, `${path.basename(args[0]!)} ${p.frames} frames`),
    });
    bar.done();
    const out = {
      sessionId: result.session.id,
      subjectId: result.session.subjectId,
      frames: result.session.frameCount,
      analysisId: result.analysisId,
      createdSubject: result.createdSubject,
      dataDir: store.dataDir,
    };
    process.stdout.write(
      values.json
        ? JSON.stringify(out, null, 1) + '\n'
        : `Imported ${args[0]} as session ${out.sessionId} (${out.frames} frames, analysis ${out.analysisId}) in ${out.dataDir}\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}

/** Named to the app when it finds the data folder taken by this command. */
export const CLI_HOLDER = 'the pulse-studio command';

export async function main(argv: string[]): Promise<number> {
  privateUmask();
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    process.stderr.write(`pulse-studio: ${errorText(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    (command ? process.stdout : process.stderr).write(USAGE + '\n');
    return command || parsed.values.help ? 0 : 2;
  }
  try {
    if (command === 'analyze') return await analyze(rest, parsed.values);
    if (command === 'evaluate') return await evaluate(rest, parsed.values);
    if (command === 'import') return await importCommand(rest, parsed.values);
    if (command === 'verify') {
      const dataDir = resolveDataDir();
      const keys = await cliKeys(dataDir, parsed.values);
      const report = await verifyDataFolder(dataDir, progressBar(process.stderr, parsed.values.quiet), keys);
      process.stdout.write(
        parsed.values.json ? JSON.stringify(report, null, 1) + '\n' : `${verifyText(report)}\n${statusText(dataDir)}\n`,
      );
      return report.ok ? 0 : 1;
    }
    if (command === 'encrypt' || command === 'decrypt' || command === 'change-passphrase') {
      if (rest.length)
        throw new AnalysisError('bad-argument', `${command} takes options only, not "${rest.join(' ')}"`);
      return await encryptionCommand(
        command,
        resolveDataDir(),
        parsed.values,
        appVersion(),
        progressBar(process.stderr, parsed.values.quiet),
      );
    }
    if (command === 'sessions') {
      if (rest.length) throw new AnalysisError('bad-argument', `sessions takes options only, not "${rest.join(' ')}"`);
      return await centralSessionsCommand(parsed.values);
    }
    if (command === 'agreement') {
      if (rest.length) throw new AnalysisError('bad-argument', `agreement takes options only, not "${rest.join(' ')}"`);
      if (parsed.values.db) return await centralAgreementCommand(parsed.values);
      return await agreementCommand(parsed.values);
    }
    if (command === 'sync') {
      if (rest.length) throw new AnalysisError('bad-argument', `sync takes options only, not "${rest.join(' ')}"`);
      return await syncCommand(
        parsed.values,
        appVersion(),
        progressBar(process.stderr, parsed.values.quiet),
        CLI_HOLDER,
      );
    }
    if (command === 'worker' || command === 'enqueue' || command === 'jobs' || command === 'audit') {
      if (rest.length)
        throw new AnalysisError('bad-argument', `${command} takes options only, not "${rest.join(' ')}"`);
      if (command === 'jobs') return await jobsCommand(parsed.values);
      if (command === 'audit') return await auditCommand(parsed.values);
      return command === 'worker'
        ? await workerCommand(parsed.values, modelOf(parsed.values), appVersion())
        : await enqueueCommand(parsed.values);
    }
    if (command === 'adapt') {
      if (rest.length) throw new AnalysisError('bad-argument', `adapt takes options only, not "${rest.join(' ')}"`);
      return await adaptCommand(parsed.values, BUNDLED_MODEL, progressBar(process.stderr, parsed.values.quiet));
    }
    if (command === 'export' || command === 'report') {
      if (rest.length)
        throw new AnalysisError('bad-argument', `${command} takes options only, not "${rest.join(' ')}"`);
      if (!parsed.values.out)
        throw new AnalysisError('bad-argument', `${command} needs --out DIR (an existing folder)`);
      if (command === 'export' && parsed.values.db)
        return await centralExportCommand(
          parsed.values,
          appVersion(),
          progressBar(process.stderr, parsed.values.quiet),
        );
      return command === 'export'
        ? await exportCommand(parsed.values, appVersion(), progressBar(process.stderr, parsed.values.quiet))
        : await reportCommand(parsed.values, appVersion());
    }
    process.stderr.write(`pulse-studio: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  } catch (error) {
    process.stderr.write(`pulse-studio: ${errorText(error)}\n`);
    return error instanceof AnalysisError && error.code === 'bad-argument' ? 2 : 1;
  }
}

// Run when started as a program (directly or through npm's bin link), not when a test imports main().
if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
