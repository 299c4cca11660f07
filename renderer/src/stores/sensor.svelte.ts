// The contact sensor beside the camera: its connection state, the latest reading for display, and while a session
// records, every raw reading from Start on sent to main (parsed and stored there on the frames' clock) once a second.
import { parseHeartRateMeasurement, type SensorContact } from '../../../common/ble-hrm.ts';
import { api, ApiError, unwrap } from '../lib/api.ts';
import { bluetoothOf, HeartRateSensor, type SensorState } from '../sensor/ble-heart-rate.ts';
import { followRecordings } from './recording.svelte.ts';

const FLUSH_MS = 1000;
const PICKER_POLL_MS = 500;

export const STATE_WORDS: Record<SensorState, string> = {
  unavailable: 'Not available',
  idle: 'Not connected',
  searching: 'Searching…',
  connecting: 'Connecting…',
  connected: 'Connected',
  lost: 'Connection lost',
  reconnecting: 'Reconnecting…',
  error: 'Could not connect',
};

export const sensor = $state({
  state: (bluetoothOf() ? 'idle' : 'unavailable') as SensorState,
  detail: null as string | null,
  device: null as string | null,
  bpm: null as number | null,
  contact: null as SensorContact | null,
  /** A reading the parser refused (shown; the stored copy is refused by main the same way). */
  problem: null as string | null,
  /** The session the readings go to, and how many are stored. */
  referenceId: null as number | null,
  stored: 0,
  /** The desktop app's own device picker while a request is open; 'browser' where the browser shows one. */
  picker: {
    picker: 'browser' as 'app' | 'browser',
    pending: false,
    devices: [] as { deviceId: string; deviceName: string }[],
  },
});

let client: HeartRateSensor | null = null;
let session: { id: number; fromMs: number } | null = null;
let pending: { tMs: number; data: number[] }[] = [];
let flushTimer: ReturnType<typeof setInterval> | null = null;
let pickerTimer: ReturnType<typeof setInterval> | null = null;
let sending: Promise<void> = Promise.resolve();

const message = (error: unknown) => (error instanceof ApiError ? error.message : String(error));

export async function connectSensor(): Promise<void> {
  const bluetooth = bluetoothOf();
  if (!bluetooth || client) return;
  client = new HeartRateSensor(bluetooth, { onState, onReading });
  pickerTimer = setInterval(() => void pollPicker(), PICKER_POLL_MS);
  await client.connect();
  if (sensor.state === 'idle' || sensor.state === 'error') client = null;
}

export async function disconnectSensor(): Promise<void> {
  await client?.disconnect();
  client = null;
  sensor.device = null;
  sensor.bpm = null;
  sensor.contact = null;
}

/** The user picked a device in the app's picker (null: cancel). */
export async function chooseDevice(deviceId: string | null): Promise<void> {
  await api.chooseBluetoothDevice({ deviceId });
  sensor.picker = { ...sensor.picker, pending: false, devices: [] };
}

async function pollPicker(): Promise<void> {
  if (sensor.state !== 'searching') return stopPicker();
  const listed = await api.listBluetoothDevices();
  if (listed.ok) sensor.picker = listed.value;
}

function stopPicker(): void {
  if (pickerTimer !== null) clearInterval(pickerTimer);
  pickerTimer = null;
  sensor.picker = { ...sensor.picker, pending: false, devices: [] };
}

function onState(state: SensorState, detail: string | null): void {
  sensor.state = state;
  sensor.detail = detail;
  if (state !== 'searching') stopPicker();
  if (state === 'connected') {
    sensor.device = client?.name ?? null;
    // Connected mid-recording: the sensor joins the running session from now on.
    if (session && sensor.referenceId === null) void join(session.id);
  }
  if (state === 'lost') sensor.bpm = null;
}

function onReading(data: Uint8Array, atMs: number): void {
  try {
    const m = parseHeartRateMeasurement(data);
    sensor.bpm = m.contact === 'not-detected' || m.bpm === 0 ? null : m.bpm;
    sensor.contact = m.contact;
    sensor.problem = null;
  } catch (error) {
    sensor.problem = (error as Error).message;
    return;
  }
  if (session && sensor.referenceId !== null && atMs >= session.fromMs)
    pending.push({ tMs: atMs, data: Array.from(data) });
}

async function join(sessionId: number): Promise<void> {
  try {
    const ref = await unwrap(api.startLiveReference({ sessionId, device: sensor.device ?? 'Bluetooth sensor' }));
    sensor.referenceId = ref.id;
    sensor.stored = 0;
    flushTimer ??= setInterval(() => void flush(), FLUSH_MS);
  } catch (error) {
    sensor.problem = `The sensor's readings cannot be stored: ${message(error)}`;
  }
}

/** Sends what arrived since the last flush; one batch at a time, in order. */
function flush(): Promise<void> {
  const referenceId = sensor.referenceId;
  if (referenceId === null || pending.length === 0) return sending;
  const batch = pending.splice(0, 600);
  sending = sending.then(async () => {
    try {
      sensor.stored += (await unwrap(api.appendLiveReference({ referenceId, packets: batch }))).stored;
    } catch (error) {
      sensor.problem = `Sensor readings were not stored: ${message(error)}`;
    }
  });
  return sending;
}

/** A recording started at `fromMs` (capture clock): a connected sensor joins it; one connected later joins then. */
export async function sensorJoins(sessionId: number, fromMs: number): Promise<void> {
  session = { id: sessionId, fromMs };
  pending = [];
  if (sensor.state === 'connected') await join(sessionId);
}

/** The recording is stopping: what arrived before Stop is stored, then the reference is closed. */
export async function sensorLeaves(untilMs: number): Promise<void> {
  if (!session) return;
  pending = pending.filter((p) => p.tMs < untilMs);
  if (flushTimer !== null) clearInterval(flushTimer);
  flushTimer = null;
  await flush();
  await sending;
  if (sensor.referenceId !== null) await api.stopLiveReference({ referenceId: sensor.referenceId });
  session = null;
  sensor.referenceId = null;
}

followRecordings({ started: sensorJoins, stopping: sensorLeaves });
