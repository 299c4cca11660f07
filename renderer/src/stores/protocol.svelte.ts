// Runs a study protocol during a recording: each step's time counts while recording (not while paused), the next
// step starts by itself with a marker, the operator may skip or extend a step (logged in main), and the recording
// stops when the last step ends. Step times are on the session's capture clock, like markers.
import { captureNowMs } from '../../../common/session-clock.ts';
import { stepMarkerLabel, type Protocol, type ProtocolAction, type ProtocolStep } from '../../../common/protocols.ts';
import { api, ApiError, unwrap } from '../lib/api.ts';
import { addMarker, followRecordings, recording, sessionTimeAt, stop } from './recording.svelte.ts';

const TICK_MS = 200;
/** What Extend adds to the running step (s). */
export const EXTEND_S = 30;

export const runner = $state({
  /** The protocol the next recording runs (null: none). */
  protocol: null as Protocol | null,
  running: false,
  step: 0,
  /** Seconds the current step has run (paused time not counted) and the seconds added to it. */
  stepElapsedS: 0,
  extendedS: 0,
  /** Seconds of the steps before the current one, as they ran. */
  doneS: 0,
  error: null as string | null,
});

let sessionId: number | null = null;
let ticker: ReturnType<typeof setInterval> | null = null;
let lastTickMs = 0;

export const currentStep = (): ProtocolStep | null =>
  runner.running && runner.protocol ? (runner.protocol.steps[runner.step] ?? null) : null;
export const stepLeftS = (): number =>
  Math.max(0, (currentStep()?.durationS ?? 0) + runner.extendedS - runner.stepElapsedS);

export function chooseProtocol(protocol: Protocol | null): void {
  if (!runner.running) runner.protocol = protocol;
}

async function log(action: ProtocolAction, step: number, atMs: number, extendS: number | null = null): Promise<void> {
  const tS = sessionTimeAt(atMs);
  if (sessionId === null || tS === null) return;
  try {
    await unwrap(api.logProtocolEvent({ sessionId, tS, step, action, extendS }));
  } catch (error) {
    runner.error = error instanceof ApiError ? error.message : String(error);
  }
}

async function started(id: number, atMs: number): Promise<void> {
  const protocol = runner.protocol;
  if (!protocol) return;
  sessionId = id;
  runner.error = null;
  await unwrap(api.beginProtocol({ sessionId: id, protocolId: protocol.id }));
  Object.assign(runner, { running: true, step: 0, stepElapsedS: 0, extendedS: 0, doneS: 0 });
  await addMarker(stepMarkerLabel(0, protocol.steps[0]!.name), atMs);
  lastTickMs = captureNowMs();
  ticker = setInterval(tick, TICK_MS);
}

function tick(): void {
  const now = captureNowMs();
  if (recording.phase === 'recording') runner.stepElapsedS += (now - lastTickMs) / 1000;
  lastTickMs = now;
  if (runner.running && stepLeftS() <= 0) void next('auto', now);
}

/**
 * The next step starts (by itself when time is up, or skipped by the operator); after the last, the recording stops.
 */
export async function next(how: 'auto' | 'skip', atMs = captureNowMs()): Promise<void> {
  const protocol = runner.protocol;
  if (!runner.running || !protocol) return;
  const from = runner.step;
  if (how === 'skip') void log('skip', from, atMs);
  runner.doneS += runner.stepElapsedS;
  if (from + 1 >= protocol.steps.length) {
    finish();
    await log('end', from, atMs);
    await stop(atMs);
    return;
  }
  Object.assign(runner, { step: from + 1, stepElapsedS: 0, extendedS: 0 });
  void log('start', from + 1, atMs);
  await addMarker(stepMarkerLabel(from + 1, protocol.steps[from + 1]!.name), atMs);
}

export function extend(atMs = captureNowMs()): void {
  if (!runner.running) return;
  runner.extendedS += EXTEND_S;
  void log('extend', runner.step, atMs, EXTEND_S);
}

function finish(): void {
  runner.running = false;
  if (ticker !== null) clearInterval(ticker);
  ticker = null;
}

/** Stopped by hand (or the camera lost) before the protocol ended: the open step ends there. */
async function stopping(atMs: number): Promise<void> {
  if (!runner.running) return;
  finish();
  await log('end', runner.step, atMs);
}

followRecordings({ started, stopping });
