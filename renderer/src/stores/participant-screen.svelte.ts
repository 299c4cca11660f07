// Operator side of the participant screen: opens its window (this page on the participant route), broadcasts the
// protocol's step, participant instructions and time left to it on a same-origin BroadcastChannel, and closes it.
import {
  PARTICIPANT_CHANNEL,
  PARTICIPANT_HASH,
  readParticipantMessage,
  sameScreen,
  screenMessage,
  type ParticipantMessage,
  type ScreenMessage,
} from '../../../common/participant-screen.ts';
import { runner, stepLeftS } from './protocol.svelte.ts';
import { followRecordings, recording } from './recording.svelte.ts';

export const participant = $state({
  /** The participant window said it is there (and has not said goodbye). */
  open: false,
  error: null as string | null,
  /** The protocol of this recording ran and is over: the participant reads that it has ended. */
  ended: false,
});

const channel = new BroadcastChannel(PARTICIPANT_CHANNEL);
let popup: Window | null = null;
let shown: ScreenMessage | null = null;

const post = (message: ParticipantMessage) => channel.postMessage(message);

function show(message: ScreenMessage, again = false): void {
  if (!again && sameScreen(shown, message)) return;
  shown = message;
  post(message);
}

channel.onmessage = (event: MessageEvent) => {
  const message = readParticipantMessage(event.data);
  if (message?.kind === 'hello') {
    participant.open = true;
    participant.error = null;
    if (shown) show(shown, true);
  } else if (message?.kind === 'bye') {
    participant.open = false;
  }
};

// Only changes are posted: the time left changes once a second, a skip or an extension at once.
$effect.root(() => {
  let wasRunning = false;
  $effect(() => {
    if (wasRunning && !runner.running) participant.ended = true;
    wasRunning = runner.running;
    const steps = runner.protocol?.steps ?? null;
    show(
      screenMessage({
        steps,
        running: runner.running,
        step: runner.step,
        leftS: stepLeftS(),
        paused: recording.phase === 'paused',
        ended: participant.ended,
      }),
    );
  });
});

followRecordings({
  started: () => {
    participant.ended = false;
  },
  stopping: () => undefined,
});

// A participant window left open after a reload of this page says it is there.
post({ kind: 'sync' });
// Closing or reloading the operator's page closes the participant window too (Electron does so by itself).
window.addEventListener('pagehide', () => closeParticipantScreen());

/** Opens the participant window, or brings it to the front; in a browser a pop-up blocker may refuse it. */
export function openParticipantScreen(): void {
  participant.error = null;
  if (popup && !popup.closed) {
    popup.focus();
    return;
  }
  popup = window.open(
    `${location.pathname}${location.search}${PARTICIPANT_HASH}`,
    PARTICIPANT_CHANNEL,
    'popup,width=1024,height=720',
  );
  if (!popup)
    participant.error =
      'The participant window did not open: this browser blocks pop-ups for Pulse Studio. Allow pop-ups for this address (the icon at the end of the address bar), then press Participant screen again.';
}

export function closeParticipantScreen(): void {
  post({ kind: 'close' });
  popup?.close();
  popup = null;
  participant.open = false;
}
