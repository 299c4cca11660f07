// Protocols and their runs: a session keeps the copy it ran, steps are grouped from the log (skips and extensions
// included), and only sessions of the protocol's study that are recording can run it.
import { afterEach, expect, test } from 'vitest';
import { protocolFields, type ProtocolEvent } from '../../common/protocols.ts';
import { sessionWith, type TestSession } from '../../testing/reference-session.ts';
import { stepRuns } from './protocols.ts';

let open: TestSession | null = null;
afterEach(() => {
  open?.close();
  open = null;
});

const fields = protocolFields.parse({
  name: 'Rest and breathe',
  steps: [
    { name: 'baseline', durationS: 300, markers: [{ label: 'cough', key: '1' }] },
    { name: 'paced breathing', durationS: 120, participantText: 'Breathe with the circle' },
    { name: 'recovery', durationS: 180 },
  ],
});

const event = (
  tS: number,
  step: number,
  action: ProtocolEvent['action'],
  extendS: number | null = null,
): ProtocolEvent => ({ tS, step, action, extendS, createdAt: '' });

test('steps run from their start to the next, with skips and extensions, the last one to the end', () => {
  const runs = stepRuns(
    fields,
    [
      event(0, 0, 'start'),
      event(200, 0, 'extend', 60),
      event(360, 1, 'start'),
      event(400, 1, 'skip'),
      event(400, 2, 'start'),
    ],
    590,
  );
  expect(runs).toEqual([
    { step: 0, name: 'baseline', fromS: 0, toS: 360, plannedS: 300, extendedS: 60, skipped: false },
    { step: 1, name: 'paced breathing', fromS: 360, toS: 400, plannedS: 120, extendedS: 0, skipped: true },
    { step: 2, name: 'recovery', fromS: 400, toS: 590, plannedS: 180, extendedS: 0, skipped: false },
  ]);
});

test('a session keeps the protocol as it ran, whatever later edits say', () => {
  open = sessionWith(60, () => ({ bpm: 70, quality: 'good' }));
  const { store } = open;
  const studyId = store.studies.ensureOne().id;
  const protocol = store.protocols.create(studyId, fields);
  const subjectId = store.sessions.get(open.sessionId).subjectId;
  const session = store.sessions.create(
    { subjectId, cameraLabel: null, width: null, height: null, fps: null, notes: '' },
    { source: 'camera', appVersion: 'test' },
  );
  const run = store.protocols.begin(session.id, protocol.id);
  expect(run.steps.map((s) => s.name)).toEqual(['baseline']);
  store.protocols.update(protocol.id, { ...fields, steps: [{ ...fields.steps[0]!, name: 'rest' }] });
  store.protocols.log({ sessionId: session.id, tS: 5, step: 1, action: 'start', extendS: null });
  expect(store.protocols.run(session.id)!.protocol.steps.map((s) => s.name)).toEqual([
    'baseline',
    'paced breathing',
    'recovery',
  ]);
  expect(() => store.protocols.begin(session.id, protocol.id)).toThrow('already runs a protocol');
  expect(() => store.protocols.log({ sessionId: session.id, tS: 6, step: 3, action: 'start', extendS: null })).toThrow(
    'The protocol has 3 steps',
  );
  // A finished session cannot start one.
  expect(() => store.protocols.begin(open!.sessionId, protocol.id)).toThrow('only while the session records');
});

test('names are unique within a study, and two marker keys of a step must differ', () => {
  open = sessionWith(30, () => ({ bpm: 70, quality: 'good' }));
  const studyId = open.store.studies.ensureOne().id;
  open.store.protocols.create(studyId, fields);
  expect(() => open!.store.protocols.create(studyId, { ...fields, name: 'rest and BREATHE' })).toThrow(
    'already has a protocol named',
  );
  const clash = protocolFields.safeParse({
    name: 'x',
    steps: [
      {
        name: 'a',
        durationS: 10,
        markers: [
          { label: 'a', key: '1' },
          { label: 'b', key: '1' },
        ],
      },
    ],
  });
  expect(clash.error?.issues[0]?.message).toBe('Two markers of a step share a key');
});
