// The participant screen's route and messages: what the operator window tells the participant window (the step, its
// participant instructions and the time left — nothing else) and how the participant window reads it.
import { z } from 'zod';

/** The app's own page opens as the participant screen under this hash (`index.html#participant`). */
export const PARTICIPANT_HASH = '#participant';
/** The name both windows open their BroadcastChannel under, and the window's target name (one participant window). */
export const PARTICIPANT_CHANNEL = 'pulse-participant-screen';

const text = (max: number) => z.string().max(max);

/**
 * Operator → participant: `waiting` (no step yet), `step`, `ended` (the protocol's recording is over), `close`
 * (close the window), `sync` (say whether you are there). Participant → operator: `hello` (open), `bye` (closing).
 */
export const participantMessage = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('waiting') }),
  z.strictObject({
    kind: z.literal('step'),
    /** Zero-based step, and how many steps the protocol has. */
    index: z.number().int().min(0).max(49),
    count: z.number().int().min(1).max(50),
    name: text(80),
    text: text(2000),
    /** Whole seconds left in the step, rounded up (the last second shows "0:01", not "0:00"). */
    leftS: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600),
    paused: z.boolean(),
  }),
  z.strictObject({ kind: z.literal('ended') }),
  z.strictObject({ kind: z.literal('close') }),
  z.strictObject({ kind: z.literal('sync') }),
  z.strictObject({ kind: z.literal('hello') }),
  z.strictObject({ kind: z.literal('bye') }),
]);
export type ParticipantMessage = z.output<typeof participantMessage>;
/** What the participant window shows: one of the operator's three screen messages. */
export type ScreenMessage = Extract<ParticipantMessage, { kind: 'waiting' | 'step' | 'ended' }>;

/** A message from the channel, or null for anything else (a broken or foreign message is ignored, never shown). */
export function readParticipantMessage(data: unknown): ParticipantMessage | null {
  const parsed = participantMessage.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/** The protocol run as the operator window holds it: only the fields the participant may see are read. */
export interface RunView {
  steps: readonly { name: string; participantText: string }[] | null;
  running: boolean;
  step: number;
  leftS: number;
  paused: boolean;
  /** A protocol ran in this recording and is over (its last step ended, or the operator stopped). */
  ended: boolean;
}

/** The screen message for a run: the current step while it runs, `ended` after it, `waiting` before. */
export function screenMessage(run: RunView): ScreenMessage {
  const step = run.running ? run.steps?.[run.step] : undefined;
  if (step && run.steps) {
    return {
      kind: 'step',
      index: run.step,
      count: run.steps.length,
      name: step.name,
      text: step.participantText,
      leftS: Math.max(0, Math.ceil(run.leftS - 1e-6)),
      paused: run.paused,
    };
  }
  return run.ended ? { kind: 'ended' } : { kind: 'waiting' };
}

/** True when two screen messages show the same thing (the operator posts only changes). */
export const sameScreen = (a: ScreenMessage | null, b: ScreenMessage): boolean =>
  a !== null && JSON.stringify(a) === JSON.stringify(b);
