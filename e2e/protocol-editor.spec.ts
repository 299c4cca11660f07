// Settings → Protocols: a protocol typed into the editor (steps, durations, both instructions, a marker with its key)
// is stored as typed, listed, still there after a restart, and offered in the Record view.
import { expect, test } from './fixtures.ts';
import { ProtocolsPage, type StepInput } from './pages/protocols-page.ts';

const STEPS: StepInput[] = [
  {
    name: 'baseline',
    durationS: 5,
    operatorText: 'Dim the lights',
    participantText: 'Sit still and look at the camera',
    markers: 'cough:1, moved:2',
  },
  {
    name: 'paced breathing',
    durationS: 4,
    operatorText: 'Start the metronome',
    participantText: 'Breathe in and out with the circle',
  },
  { name: 'recovery', durationS: 3 },
];

test('a protocol made in the editor is stored with its steps, instructions and marker keys, and listed', async ({
  app,
  services,
}) => {
  const protocols = new ProtocolsPage(app);
  await protocols.open();
  await protocols.create('Breathing study', STEPS);

  await expect(protocols.row('Breathing study')).toContainText('baseline → paced breathing → recovery');
  await expect(protocols.row('Breathing study')).toContainText('0:12');

  const studyId = services.store.studies.ensureOne().id;
  services.restart();
  const listed = await services.dispatch('protocols:list', { studyId, includeArchived: false });
  expect(listed.ok).toBe(true);
  const stored = (listed as { value: { name: string; steps: unknown[] }[] }).value;
  expect(stored.map((p) => p.name)).toEqual(['Breathing study']);
  expect(stored[0]!.steps).toEqual([
    {
      name: 'baseline',
      durationS: 5,
      operatorText: 'Dim the lights',
      participantText: 'Sit still and look at the camera',
      markers: [
        { label: 'cough', key: '1' },
        { label: 'moved', key: '2' },
      ],
    },
    {
      name: 'paced breathing',
      durationS: 4,
      operatorText: 'Start the metronome',
      participantText: 'Breathe in and out with the circle',
      markers: [],
    },
    { name: 'recovery', durationS: 3, operatorText: '', participantText: '', markers: [] },
  ]);

  // From the file alone after the restart: listed in Settings and offered before a recording.
  await app.reload();
  await protocols.open();
  await expect(protocols.row('Breathing study')).toContainText('baseline → paced breathing → recovery');
  await app.getByRole('button', { name: 'Record', exact: true }).click();
  await expect(
    app.getByRole('combobox', { name: 'Protocol' }).getByRole('option', { name: 'Breathing study · 3 steps, 0:12' }),
  ).toBeAttached();
});
