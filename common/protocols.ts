// Study protocols: ordered timed steps every participant goes through, with the markers an operator may drop in
// each (and their keys); what happened while one ran (skips, extensions). Shared shapes and input rules.
import { z } from 'zod';
import './form-messages.ts';
import type { MethodAgreement } from './references.ts';
import type { SessionHr } from './session-hr.ts';
import { id } from './subjects.ts';

/** Keys a step's marker buttons may use: digits, so they never clash with M (marker), P (pause) or Ctrl+Enter. */
export const MARKER_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export const MAX_STEP_S = 4 * 3600;

export const protocolMarker = z.strictObject({
  label: z.string().trim().min(1, 'Enter a marker label').max(200, 'Marker labels are at most 200 characters'),
  key: z.enum(MARKER_KEYS).nullable().default(null),
});

export const protocolStep = z
  .strictObject({
    name: z.string().trim().min(1, 'Name the step').max(80, 'A step name is at most 80 characters'),
    durationS: z
      .number()
      .int('Whole seconds')
      .min(1, 'A step lasts at least 1 s')
      .max(MAX_STEP_S, 'A step lasts at most 4 hours'),
    operatorText: z.string().trim().max(2000).default(''),
    participantText: z.string().trim().max(2000).default(''),
    markers: z.array(protocolMarker).max(MARKER_KEYS.length).default([]),
  })
  .refine(
    (s) => new Set(s.markers.flatMap((m) => (m.key ? [m.key] : []))).size === s.markers.filter((m) => m.key).length,
    {
      message: 'Two markers of a step share a key',
      path: ['markers'],
    },
  );
export type ProtocolStep = z.output<typeof protocolStep>;

export const protocolFields = z.strictObject({
  name: z.string().trim().min(1, 'Name the protocol').max(120, 'A protocol name is at most 120 characters'),
  steps: z.array(protocolStep).min(1, 'A protocol has at least one step').max(50, 'A protocol has at most 50 steps'),
});
export type ProtocolFields = z.output<typeof protocolFields>;

export interface Protocol extends ProtocolFields {
  id: number;
  studyId: number;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export const PROTOCOL_ACTIONS = ['start', 'skip', 'extend', 'end'] as const;
export type ProtocolAction = (typeof PROTOCOL_ACTIONS)[number];

/** One thing the protocol runner did, at session time tS (s since the first frame). */
export const protocolEvent = z.strictObject({
  sessionId: id,
  tS: z
    .number()
    .min(0)
    .max(7 * 24 * 3600),
  step: z.number().int().min(0).max(49),
  action: z.enum(PROTOCOL_ACTIONS),
  /** 'extend': seconds added. */
  extendS: z.number().int().min(1).max(MAX_STEP_S).nullable().default(null),
});
export type ProtocolEventInput = z.output<typeof protocolEvent>;

export interface ProtocolEvent {
  tS: number;
  step: number;
  action: ProtocolAction;
  extendS: number | null;
  createdAt: string;
}

/** A step as it ran in a session: when it started and ended (session time), planned length, skips and extensions. */
export interface StepRun {
  step: number;
  name: string;
  fromS: number;
  toS: number;
  plannedS: number;
  extendedS: number;
  skipped: boolean;
}

/** A session's protocol run: the protocol as it was when run, and its steps. */
export interface ProtocolRun {
  protocol: ProtocolFields & { id: number };
  steps: StepRun[];
  events: ProtocolEvent[];
}

/** Planned time of a protocol, for the timeline. */
export const plannedS = (steps: readonly { durationS: number }[]): number =>
  steps.reduce((s, step) => s + step.durationS, 0);

/** The label of the marker dropped as a step starts. */
export const stepMarkerLabel = (index: number, name: string): string => `step ${index + 1}: ${name}`;

/** A step's results: the session HR statistic over its windows, the reference's mean HR and the agreement. */
export interface StepResult extends StepRun {
  hr: SessionHr;
  referenceBpm: number | null;
  agreement: MethodAgreement | null;
}

/** How a step is named where steps are grouped (numbered, so two steps of one name stay apart). */
export const stepLabel = (s: { step: number; name: string }): string => `${s.step + 1}. ${s.name}`;
