// `pulse-studio agreement --study S [--split …]`: the camera's agreement with the contact references of a study's
// sessions — the same figures as Review and the export — as a table or JSON.
import { AppError } from '../../common/ipc/result.ts';
import {
  AGREEMENT_SPLIT_WORDS,
  AGREEMENT_SPLITS,
  type AgreementSplit,
  type MethodAgreement,
  type StudyAgreement,
} from '../../common/references.ts';
import { studyAgreement } from '../references/study-agreement.ts';
import { resolveDataDir } from '../store/index.ts';
import { openCliStore, type PassphraseOptions } from './encryption-commands.ts';
import { studyOf } from '../reports/export-request.ts';

/** --split values as typed (kebab-case) and what they mean. */
const SPLITS: Record<string, AgreementSplit> = {
  none: 'none',
  'skin-type': 'skinType',
  sex: 'sex',
  'age-band': 'ageBand',
  step: 'step',
};
export const SPLIT_NAMES = Object.keys(SPLITS);

const fixed = (v: number | null, digits = 1) => (v === null ? '–' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? '–' : `${Math.round(100 * v)} %`);

function row(label: string, a: MethodAgreement): string[] {
  const loa = a.loaLowBpm === null ? '–' : `${fixed(a.loaLowBpm)} … ${fixed(a.loaHighBpm)}`;
  return [
    label,
    String(a.n),
    pct(a.coverage),
    fixed(a.maeBpm),
    fixed(a.rmseBpm),
    fixed(a.pearsonR, 2),
    fixed(a.biasBpm),
    loa,
    pct(a.within5),
    String(a.allWindows.n),
    fixed(a.allWindows.maeBpm),
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '))
    .join('\n');
}

const HEAD = [
  '',
  'windows',
  'coverage',
  'MAE',
  'RMSE',
  'r',
  'bias',
  '95 % limits',
  '±5 bpm',
  'all windows',
  'MAE (all)',
];

export function agreementText(a: StudyAgreement, study: string): string {
  const lines = [
    `Agreement with contact references, study "${study}": ${a.sessions} session(s); camera windows compared only where the app's heart rate is reliable (coverage: share of reference time with a reliable camera HR). "all windows" includes unreliable ones, for comparison only.`,
  ];
  if (a.skipped.length)
    lines.push(`Left out: ${a.skipped.map((s) => `session ${s.sessionId} (${s.reason})`).join(', ')}`);
  if (a.sessions === 0)
    return [...lines, 'No session of this study has a contact reference with a stored analysis.'].join('\n');
  lines.push('', table([HEAD, ...a.overall.map((m) => row(m.method === 'app' ? 'app (primary)' : m.method, m))]));
  if (a.groups.length)
    lines.push(
      '',
      `The app's reading by ${AGREEMENT_SPLIT_WORDS[a.split].toLowerCase()}:`,
      table([HEAD, ...a.groups.map((g) => row(g.group, g))]),
    );
  return lines.join('\n');
}

/** --split as typed, checked. */
export function splitOf(text: string | undefined): AgreementSplit {
  const split = SPLITS[text ?? 'none'];
  if (!split || !AGREEMENT_SPLITS.includes(split))
    throw new AppError('invalid_input', `--split must be one of ${SPLIT_NAMES.join(', ')}, got "${text}"`);
  return split;
}

export async function agreementCommand(
  o: PassphraseOptions & {
    study?: string | undefined;
    split?: string | undefined;
    json: boolean;
    operator?: string | undefined;
  },
): Promise<number> {
  const split = splitOf(o.split);
  const store = await openCliStore(resolveDataDir(), o, {
    holder: 'the pulse-studio command',
    ...(o.operator ? { actor: o.operator } : {}),
  });
  try {
    const study = studyOf(store, o.study);
    const result = studyAgreement(store, study.id, split);
    process.stdout.write(o.json ? JSON.stringify(result, null, 1) + '\n' : agreementText(result, study.name) + '\n');
    return 0;
  } finally {
    store.close();
  }
}
