// Renderer entry: mounts the app shell, or on the participant route only the participant screen (no API, no stores).
import { mount } from 'svelte';
import { PARTICIPANT_HASH } from '../../common/participant-screen.ts';
import './app.css';

const target = document.getElementById('app')!;
if (location.hash === PARTICIPANT_HASH) {
  const { default: ParticipantScreen } = await import('./views/participant/ParticipantScreen.svelte');
  mount(ParticipantScreen, { target });
} else {
  const { default: App } = await import('./App.svelte');
  mount(App, { target });
}
