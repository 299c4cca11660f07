// The participant report: one session, or every analysed session of a subject, in plain language with the
// session heart rate (the same statistic as everywhere in the app: no number without a reliable measurement), an
// HR plot of the reliable moments, HRV only from a reliable recording, and the disclaimer — HTML from the template
// in resources/reports, printed to PDF by whichever printer the caller has (Electron, or Chromium headless).
import { AppError } from '../../common/ipc/result.ts';
import type { ReportRequest, ReportResult } from '../../common/reports.ts';
import type { HrPoint } from '../../common/results.ts';
import { escapeHtml, PALETTE, svgPlot } from '../evaluation/svg-plot.ts';
import type { Store } from '../store/index.ts';
import { bidsLabel, checkDestination, freshPath, recordOrRemove, storageError } from './export-paths.ts';
import type { PdfPrinter } from './pdf-printer.ts';
import { fillTemplate, loadReportTemplate, say, type Strings } from './report-template.ts';
import { loadSessionData, type SessionData } from './session-data.ts';

export interface ReportContext {
  resourcesDir: string;
  printPdf: PdfPrinter;
  appVersion: string;
  lang?: string;
  now?: Date;
}

/** Share of reliable moments a recording needs before its heart-rate variability is shown. */
const HRV_MIN_COVERAGE = 0.8;
/** The HR plot spans at least this many bpm either side of the session's HR: steady hearts look steady. */
const PLOT_MIN_HALF_SPAN_BPM = 15;
/** A plot in minutes reads better once a recording is longer than this. */
const MINUTES_FROM_S = 180;

/** Reasons stored with the windows (reliability.ts REASON_WORDS) → the lay words for them (strings `reason.*`). */
const REASON_PATTERNS: Array<[RegExp, string]> = [
  [/face/i, 'reason.face'],
  [/movement|motion/i, 'reason.motion'],
  [/frames|frame rate/i, 'reason.frames'],
  [/light/i, 'reason.light'],
  [/./, 'reason.signal'],
];

const layReason = (text: string | null, s: Strings) =>
  say(s, REASON_PATTERNS.find(([pattern]) => pattern.test(text ?? ''))?.[1] ?? 'reason.signal');

const locale = (strings: Strings) => (strings.lang === 'en' ? 'en-GB' : (strings.lang ?? 'en-GB'));
const dateText = (iso: string, s: Strings) => new Date(iso).toLocaleDateString(locale(s), { dateStyle: 'long' });
const timeText = (iso: string, s: Strings) => new Date(iso).toLocaleTimeString(locale(s), { timeStyle: 'short' });
const bpm = (v: number) => String(Math.round(v));

function durationText(seconds: number, s: Strings): string {
  const total = Math.round(seconds);
  return total >= 60
    ? say(s, 'minutesSeconds', { m: Math.floor(total / 60), s: total % 60 })
    : say(s, 'seconds', { s: total });
}

/** The two most common lay reasons among the windows left out. */
function poorReasons(points: readonly HrPoint[], s: Strings): string[] {
  const counts = new Map<string, number>();
  for (const p of points) {
    if (p.quality === 'good') continue;
    const key = REASON_PATTERNS.find(([pattern]) => pattern.test(p.reasons))?.[1] ?? 'reason.signal';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([key]) => say(s, key));
}

function factsRows(rows: Array<[string, string]>): string {
  return rows.map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('');
}

/** The moments the session's HR is taken over: reliable ones (and use-with-care ones for a use-with-care session). */
function hrPlot(d: SessionData, s: Strings): string {
  const accepted = d.stats?.reliability === 'reliable' ? ['good'] : ['good', 'fair'];
  const points = (d.series[d.primary!] ?? []).filter((p) => accepted.includes(p.quality) && p.bpm !== null);
  const minutes = d.session.durationS > MINUTES_FROM_S;
  return svgPlot(
    [
      {
        name: say(s, 'bpmShort'),
        x: points.map((p) => (minutes ? p.tS / 60 : p.tS)),
        y: points.map((p) => p.bpm),
        color: PALETTE.sspd!,
      },
    ],
    {
      title: say(s, 'plotTitle'),
      xLabel: say(s, minutes ? 'plotX' : 'plotXSeconds'),
      yLabel: say(s, 'plotY'),
      width: 680,
      height: 230,
      yInclude:
        d.stats?.bpm != null ? [d.stats.bpm - PLOT_MIN_HALF_SPAN_BPM, d.stats.bpm + PLOT_MIN_HALF_SPAN_BPM] : [],
    },
  );
}

function qualityHtml(d: SessionData, s: Strings): string {
  const stats = d.stats!;
  const reliable = Math.round(stats.coverage * stats.windows);
  const parts = [`<p>${escapeHtml(say(s, 'qualityLine', { used: reliable, total: stats.windows }))}</p>`];
  const reasons = poorReasons(d.series[d.primary!] ?? [], s);
  if (reasons.length) parts.push(`<p>${escapeHtml(say(s, 'qualityPoorHint', { reasons: reasons.join('; ') }))}</p>`);
  return `<section><h2>${escapeHtml(say(s, 'qualityHeading'))}</h2>${parts.join('')}</section>`;
}

/** HRV needs a long, clean beat series: shown only when the analysis accepted it from a reliable recording. */
function hrvHtml(d: SessionData, s: Strings): string {
  const stats = d.stats!;
  const hrv = d.hrv;
  const shown = hrv?.ok === true && stats.reliability === 'reliable' && stats.coverage >= HRV_MIN_COVERAGE;
  const text = shown
    ? say(s, 'hrvLine', { rmssd: Math.round(hrv.rmssdMs), sdnn: Math.round(hrv.sdnnMs) })
    : say(s, 'hrvNotShown');
  return `<section><h2>${escapeHtml(say(s, 'hrvHeading'))}</h2><p>${escapeHtml(text)}</p></section>`;
}

function sessionResults(d: SessionData, s: Strings): string {
  const stats = d.stats;
  if (!stats || stats.bpm === null)
    return `<div class="headline"><p>${escapeHtml(say(s, 'noHeartRate', { reason: layReason(stats?.reason ?? null, s) }))}</p></div>`;
  const caution =
    stats.reliability === 'caution'
      ? `<br>${escapeHtml(say(s, 'cautionNote', { reason: layReason(stats.reason, s) }))}`
      : '';
  return [
    `<div class="headline">${escapeHtml(say(s, 'hrLead'))} <span class="big" data-hr="${stats.bpm}">${bpm(stats.bpm)}</span> ${escapeHtml(say(s, 'bpm'))}.`,
    `<br>${escapeHtml(say(s, 'range', { min: bpm(stats.minBpm!), max: bpm(stats.maxBpm!) }))}${caution}</div>`,
    `<div class="plot">${hrPlot(d, s)}</div>`,
    qualityHtml(d, s),
    hrvHtml(d, s),
  ].join('\n');
}

function subjectResults(sessions: SessionData[], s: Strings): string {
  const header = ['table.date', 'table.duration', 'table.average', 'table.range', 'table.quality']
    .map((k) => `<th>${escapeHtml(say(s, k))}</th>`)
    .join('');
  const rows = sessions.map((d) => {
    const st = d.stats;
    const measured = st && st.bpm !== null;
    const cells = [
      dateText(d.session.startedAt, s),
      durationText(d.session.durationS, s),
      measured ? `${bpm(st.bpm!)} ${say(s, 'bpmShort')}` : say(s, 'notMeasured'),
      measured ? `${bpm(st.minBpm!)}–${bpm(st.maxBpm!)}` : '',
      st ? say(s, `reliability.${st.reliability}`) : '',
    ];
    return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
  });
  const measured = sessions.filter((d) => d.stats?.bpm != null);
  const trend =
    measured.length > 1
      ? `<div class="plot">${svgPlot(
          [
            {
              name: say(s, 'bpmShort'),
              x: measured.map((_, i) => i + 1),
              y: measured.map((d) => d.stats!.bpm),
              color: PALETTE.sspd!,
              points: true,
            },
          ],
          {
            title: say(s, 'trendTitle'),
            xLabel: say(s, 'trendX'),
            yLabel: say(s, 'plotY'),
            width: 680,
            height: 200,
            xMinStep: 1,
            yInclude: [
              Math.min(...measured.map((d) => d.stats!.bpm!)) - PLOT_MIN_HALF_SPAN_BPM,
              Math.max(...measured.map((d) => d.stats!.bpm!)) + PLOT_MIN_HALF_SPAN_BPM,
            ],
          },
        )}</div>`
      : '';
  return `<table class="sessions"><thead><tr>${header}</tr></thead><tbody>${rows.join('')}</tbody></table>${trend}`;
}

export interface ReportContent {
  sessions: SessionData[];
  participantName: string;
  strings: Strings;
  template: string;
  appVersion: string;
  now: Date;
}

export function participantReportHtml(c: ReportContent): string {
  const s = c.strings;
  const first = c.sessions[0]!;
  const single = c.sessions.length === 1;
  const facts: Array<[string, string]> = [
    [say(s, 'study'), first.study.name],
    [say(s, 'participant'), first.subject.code],
  ];
  if (c.participantName) facts.push([say(s, 'name'), c.participantName]);
  if (single) {
    facts.push(
      [say(s, 'date'), dateText(first.session.startedAt, s)],
      [say(s, 'time'), timeText(first.session.startedAt, s)],
    );
    facts.push([say(s, 'duration'), durationText(first.session.durationS, s)]);
  } else {
    facts.push([say(s, 'sessions'), String(c.sessions.length)]);
  }
  const text = {
    ...s,
    title: say(s, single ? 'title' : 'titleSubject'),
    code: first.subject.code,
    contact: first.study.contact || say(s, 'noContact'),
    footer: say(s, 'footer', { created: dateText(c.now.toISOString(), s), version: c.appVersion }),
  };
  return fillTemplate(c.template, text, {
    facts: factsRows(facts),
    results: single ? sessionResults(first, s) : subjectResults(c.sessions, s),
  });
}

function sessionsFor(store: Store, request: ReportRequest): SessionData[] {
  if (request.sessionId !== undefined) {
    const session = store.sessions.get(request.sessionId);
    if (session.status === 'recording')
      throw new AppError('conflict', `Session ${session.id} is still recording: stop it before making a report`);
    return [loadSessionData(store, session.id)];
  }
  const subject = store.subjects.get(request.subjectId!);
  const sessions = store.sessions
    .listForSubject(subject.id)
    .filter((x) => x.status !== 'recording')
    .reverse();
  const data = sessions.map((x) => loadSessionData(store, x.id)).filter((d) => d.analysis !== null);
  if (data.length === 0)
    throw new AppError('not_found', `Subject ${subject.code} has no analysed sessions to report on yet`);
  return data;
}

/** Writes the report as a new PDF in the destination folder (never over an existing file). */
export async function writeParticipantReport(
  store: Store,
  request: ReportRequest,
  ctx: ReportContext,
): Promise<ReportResult> {
  const sessions = sessionsFor(store, request);
  const first = sessions[0]!;
  const label = bidsLabel(first.subject.code);
  const destination = checkDestination(request.destination);
  const { html: template, strings } = loadReportTemplate(ctx.resourcesDir, ctx.lang);
  const now = ctx.now ?? new Date();
  const html = participantReportHtml({
    sessions,
    participantName: request.participantName,
    strings,
    template,
    appVersion: ctx.appVersion,
    now,
  });
  const which = sessions.length === 1 ? first.session.startedAt.slice(0, 10) : 'all-sessions';
  const file = freshPath(destination, `report-${label}-${which}`, '.pdf');
  try {
    await ctx.printPdf(html, file);
  } catch (error) {
    throw storageError(error, 'Could not write the report');
  }
  // Health data leaving the app: who printed which sessions, where.
  recordOrRemove(store, file, {
    action: 'report',
    entity: 'subject',
    entityId: first.subject.id,
    studyId: first.subject.studyId,
    after: { path: file, sessionIds: sessions.map((d) => d.session.id) },
  });
  return { path: file, sessions: sessions.length };
}
