// Handlers of the contact-reference, Bluetooth-picker and protocol channels: references of a session (live sensor,
// imported file, clock offset), agreement per session and per study, protocols and their runs, results per step.
import type { DeviceChooser } from '../bluetooth/device-chooser.ts';
import { importReference } from '../references/reference-import.ts';
import { sessionAgreement } from '../references/session-agreement.ts';
import { sessionSteps } from '../references/step-results.ts';
import { studyAgreement } from '../references/study-agreement.ts';
import type { Store } from '../store/index.ts';
import type { Handlers } from './handlers.ts';

export type ReferenceChannel =
  Extract<keyof Handlers, `references:${string}` | `bluetooth:${string}` | `protocols:${string}`> | 'sessions:steps';

export function referenceHandlers(
  store: Store,
  bluetooth: DeviceChooser | undefined,
): Pick<Handlers, ReferenceChannel> {
  const { references, protocols } = store;
  return {
    'references:list': ({ sessionId }) => (store.sessions.get(sessionId), references.list(sessionId)),
    'references:import': (input) => importReference(store, input),
    'references:set-offset': ({ referenceId, offsetS }) => references.setOffset(referenceId, offsetS),
    'references:remove': ({ referenceId }) => (references.remove(referenceId), { removed: true as const }),
    'references:series': ({ referenceId }) => references.series(referenceId),
    'references:agreement': ({ sessionId, referenceId }) => sessionAgreement(store, sessionId, referenceId),
    'references:study-agreement': ({ studyId, split }) => studyAgreement(store, studyId, split),
    'references:live-start': ({ sessionId, device }) => references.startLive(sessionId, device),
    'references:live-append': ({ referenceId, packets }) => references.appendLive(referenceId, packets),
    'references:live-stop': ({ referenceId }) => references.finishLive(referenceId),
    // Browser mode and tests: the browser shows its own chooser, nothing to list here.
    'bluetooth:devices': () => bluetooth?.list() ?? { picker: 'browser' as const, pending: false, devices: [] },
    'bluetooth:choose': ({ deviceId }) => bluetooth?.choose(deviceId) ?? { chosen: false },
    'protocols:list': ({ studyId, includeArchived }) => (
      store.studies.get(studyId),
      protocols.list(studyId, { includeArchived })
    ),
    'protocols:create': ({ studyId, ...fields }) => (store.studies.get(studyId), protocols.create(studyId, fields)),
    'protocols:update': ({ id, ...fields }) => protocols.update(id, fields),
    'protocols:set-archived': ({ id, archived }) => protocols.setArchived(id, archived),
    'protocols:begin': ({ sessionId, protocolId }) => protocols.begin(sessionId, protocolId),
    'protocols:log': (event) => protocols.log(event),
    'sessions:steps': ({ sessionId }) => (store.sessions.get(sessionId), sessionSteps(store, sessionId)),
  };
}
