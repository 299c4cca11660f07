// The participant screen's messages: built from the run with only the step, its instructions and the time left.
import { describe, expect, test } from 'vitest';
import { readParticipantMessage, sameScreen, screenMessage, type RunView } from './participant-screen.ts';

const steps = [
  { name: 'rest', participantText: 'Sit still and look at the camera', operatorText: 'Dim the room' },
  { name: 'paced breathing', participantText: 'Breathe with the circle', operatorText: '' },
];
const run = (over: Partial<RunView> = {}): RunView => ({
  steps,
  running: true,
  step: 0,
  leftS: 12.3,
  paused: false,
  ended: false,
  ...over,
});

describe('screen message', () => {
  test('shows the running step, its participant instructions and the whole seconds left, rounded up', () => {
    expect(screenMessage(run())).toEqual({
      kind: 'step',
      index: 0,
      count: 2,
      name: 'rest',
      text: 'Sit still and look at the camera',
      leftS: 13,
      paused: false,
    });
    expect(screenMessage(run({ step: 1, leftS: 0.2, paused: true }))).toMatchObject({
      index: 1,
      name: 'paced breathing',
      leftS: 1,
      paused: true,
    });
    expect(screenMessage(run({ leftS: 5 }))).toMatchObject({ leftS: 5 });
    expect(screenMessage(run({ leftS: -3 }))).toMatchObject({ leftS: 0 });
  });

  test('never carries the operator instructions or anything else of the run', () => {
    const message = screenMessage({ ...run(), ...({ subjectCode: 'P-017', bpm: 72 } as object) });
    expect(JSON.stringify(message)).not.toMatch(/Dim the room|P-017|72/);
    expect(Object.keys(message).sort()).toEqual(['count', 'index', 'kind', 'leftS', 'name', 'paused', 'text']);
  });

  test('says waiting before the run starts and ended after it', () => {
    expect(screenMessage(run({ running: false }))).toEqual({ kind: 'waiting' });
    expect(screenMessage(run({ steps: null, running: false }))).toEqual({ kind: 'waiting' });
    expect(screenMessage(run({ running: false, ended: true }))).toEqual({ kind: 'ended' });
    // A step index past the end (the runner finishing) is not shown as a step.
    expect(screenMessage(run({ step: 2, ended: true }))).toEqual({ kind: 'ended' });
  });

  test('tells a changed screen from the same one', () => {
    expect(sameScreen(null, { kind: 'waiting' })).toBe(false);
    expect(sameScreen(screenMessage(run({ leftS: 12.1 })), screenMessage(run({ leftS: 12.9 })))).toBe(true);
    expect(sameScreen(screenMessage(run({ leftS: 12 })), screenMessage(run({ leftS: 12.1 })))).toBe(false);
    expect(sameScreen(screenMessage(run()), screenMessage(run({ paused: true })))).toBe(false);
  });
});

describe('reading a message from the channel', () => {
  test('accepts every message the two windows send', () => {
    for (const kind of ['waiting', 'ended', 'close', 'sync', 'hello', 'bye'])
      expect(readParticipantMessage({ kind })).toEqual({ kind });
    const step = screenMessage(run());
    expect(readParticipantMessage(structuredClone(step))).toEqual(step);
  });

  test('ignores foreign, broken or oversized messages rather than showing them', () => {
    for (const data of [
      null,
      'step',
      42,
      {},
      { kind: 'steps' },
      { kind: 'step', index: 0 },
      { ...screenMessage(run()), bpm: 72 },
      { ...screenMessage(run()), leftS: -1 },
      { ...screenMessage(run()), text: 'x'.repeat(2001) },
      { kind: 'hello', code: 'P-017' },
    ]) {
      expect(readParticipantMessage(data)).toBeNull();
    }
  });
});
