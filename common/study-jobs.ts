// The study database's worker jobs (re-analysis, evaluation, export) as the app and the command line list them:
// one shape, the words for their states, and the app's request (the connection, its password never stored).
import { z } from 'zod';
import { AGREEMENT_SPLITS, type StudyAgreement } from './references.ts';
import { studySyncRequest } from './study-sync.ts';

export const JOB_KINDS = { reanalyse: 're-analysis', evaluate: 'evaluation', export: 'export' } as const;
export type JobKind = keyof typeof JOB_KINDS;

/** pg-boss's states in the user's words: a job waiting for its next try after a failure is `retrying`. */
export const JOB_STATE_WORDS = {
  queued: 'Queued',
  running: 'Running',
  retrying: 'Failed, will retry',
  failed: 'Failed',
  completed: 'Completed',
  cancelled: 'Cancelled',
} as const;
export type JobState = keyof typeof JOB_STATE_WORDS;

export interface JobProgress {
  done: number;
  total: number;
  label: string;
}

export interface StudyJob {
  id: string;
  kind: JobKind;
  state: JobState;
  /** What the job works on, in words ("session 7 of station 3f2a…", "study Sleep, 12 sessions"). */
  subject: string;
  /** The last progress its worker reported (null: none yet). */
  progress: JobProgress | null;
  /** Tries so far and allowed. */
  tries: number;
  maxTries: number;
  /** Why the last try failed, in words (null: it did not). */
  failure: string | null;
  /** What a completed job produced, in words. */
  result: string | null;
  /** Which worker (host:pid) ran it last. */
  worker: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StudyJobList {
  /** host:port/database (never the password). */
  database: string;
  counts: Record<JobState, number>;
  /** The most recent jobs, newest first. */
  jobs: StudyJob[];
  /** Jobs left out of `jobs` beyond the limit. */
  more: number;
}

/** Settings → Study database → Jobs: where to read them (the same connection fields as a sync). */
export const studyJobsRequest = studySyncRequest.pick({ url: true, password: true });
export type StudyJobsRequest = z.output<typeof studyJobsRequest>;

/** A job's state, progress and outcome in one line of words. */
export function jobStatusText(job: StudyJob): string {
  const tries =
    job.tries < 2
      ? ''
      : job.state === 'failed'
        ? ` after ${job.tries} tries`
        : job.state === 'completed'
          ? ` on try ${job.tries}`
          : ` (try ${job.tries} of ${job.maxTries})`;
  const progress =
    job.state === 'running' && job.progress
      ? `: ${job.progress.label} (${job.progress.done}/${job.progress.total})`
      : '';
  const outcome =
    job.state === 'completed' && job.result
      ? `: ${job.result}`
      : job.failure && job.state !== 'completed'
        ? `: ${job.failure}`
        : '';
  return `${JOB_STATE_WORDS[job.state]}${tries}${progress}${outcome}`;
}

/** The list as the command line prints it: counts, then one line per job. */
export function jobListText(list: StudyJobList): string {
  const counts = (Object.keys(JOB_STATE_WORDS) as JobState[])
    .filter((s) => list.counts[s])
    .map((s) => `${list.counts[s]} ${JOB_STATE_WORDS[s].toLowerCase()}`);
  const lines = [`Jobs on ${list.database}: ${counts.length ? counts.join(', ') : 'none'}.`];
  for (const j of list.jobs) lines.push(`${j.id}  ${JOB_KINDS[j.kind]} of ${j.subject} — ${jobStatusText(j)}`);
  if (list.more) lines.push(`… and ${list.more} older job${list.more === 1 ? '' : 's'}.`);
  return lines.join('\n');
}

/** Settings → Study database → Across stations: a study's agreement pooled over every station (reading only). */
export const centralAgreementRequest = studyJobsRequest.extend({
  study: z.string().trim().min(1, 'Enter the study’s name').max(120),
  split: z.enum(AGREEMENT_SPLITS).default('none'),
});
export type CentralAgreementRequest = z.output<typeof centralAgreementRequest>;
export type CentralAgreement = StudyAgreement & { stations: number };
