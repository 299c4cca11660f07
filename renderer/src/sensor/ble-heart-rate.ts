// A Bluetooth LE heart-rate sensor through Web Bluetooth: finds a device exposing the Heart Rate Service (0x180D),
// subscribes to Heart Rate Measurement (0x2A37) notifications and hands each raw value over with its arrival on the
// capture clock; when the link drops it says so and reconnects by itself with growing pauses.
import { HEART_RATE_MEASUREMENT, HEART_RATE_SERVICE } from '../../../common/ble-hrm.ts';

/** The parts of Web Bluetooth used here (the DOM library has no types for it). */
interface Characteristic extends EventTarget {
  value: DataView | null;
  startNotifications(): Promise<Characteristic>;
  stopNotifications(): Promise<Characteristic>;
}
interface GattServer {
  connected: boolean;
  connect(): Promise<GattServer>;
  disconnect(): void;
  getPrimaryService(uuid: number): Promise<{ getCharacteristic(uuid: number): Promise<Characteristic> }>;
}
interface Device extends EventTarget {
  id: string;
  name?: string;
  gatt?: GattServer;
}
export interface WebBluetooth {
  requestDevice(options: { filters: { services: number[] }[] }): Promise<Device>;
}

export type SensorState =
  'unavailable' | 'idle' | 'searching' | 'connecting' | 'connected' | 'lost' | 'reconnecting' | 'error';

export interface SensorEvents {
  onState(state: SensorState, detail: string | null): void;
  /** A notification's raw value and its arrival (epoch ms on the capture clock). */
  onReading(data: Uint8Array, atMs: number): void;
}

/** Pauses between reconnection attempts (s); the last one repeats until the user disconnects. */
const RECONNECT_S = [1, 2, 5, 10];

export const bluetoothOf = (nav: Navigator = navigator): WebBluetooth | null =>
  (nav as Navigator & { bluetooth?: WebBluetooth }).bluetooth ?? null;

export class HeartRateSensor {
  readonly #bluetooth: WebBluetooth;
  readonly #events: SensorEvents;
  #device: Device | null = null;
  #characteristic: Characteristic | null = null;
  #wanted = false;
  #retry: ReturnType<typeof setTimeout> | null = null;

  constructor(bluetooth: WebBluetooth, events: SensorEvents) {
    this.#bluetooth = bluetooth;
    this.#events = events;
  }

  get name(): string | null {
    return this.#device ? this.#device.name || this.#device.id : null;
  }

  /** Asks for a device (the browser's chooser, or the app's picker in the desktop app), then connects. */
  async connect(): Promise<void> {
    this.#wanted = true;
    this.#events.onState('searching', null);
    try {
      this.#device = await this.#bluetooth.requestDevice({ filters: [{ services: [HEART_RATE_SERVICE] }] });
    } catch (error) {
      this.#wanted = false;
      // NotFoundError: the chooser was closed without a choice.
      const cancelled = error instanceof DOMException && error.name === 'NotFoundError';
      this.#events.onState(
        cancelled ? 'idle' : 'error',
        cancelled ? null : `The sensor could not be found: ${(error as Error).message}`,
      );
      return;
    }
    this.#device.addEventListener('gattserverdisconnected', this.#dropped);
    await this.#open('connecting', 0);
  }

  async disconnect(): Promise<void> {
    this.#wanted = false;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#characteristic?.removeEventListener('characteristicvaluechanged', this.#reading);
    this.#device?.removeEventListener('gattserverdisconnected', this.#dropped);
    this.#device?.gatt?.disconnect();
    this.#device = null;
    this.#characteristic = null;
    this.#events.onState('idle', null);
  }

  async #open(state: 'connecting' | 'reconnecting', attempt: number): Promise<void> {
    const gatt = this.#device?.gatt;
    if (!gatt || !this.#wanted) return;
    this.#events.onState(state, attempt ? `attempt ${attempt + 1}` : null);
    try {
      const server = await gatt.connect();
      const service = await server.getPrimaryService(HEART_RATE_SERVICE);
      this.#characteristic = await service.getCharacteristic(HEART_RATE_MEASUREMENT);
      this.#characteristic.addEventListener('characteristicvaluechanged', this.#reading);
      await this.#characteristic.startNotifications();
      this.#events.onState('connected', null);
    } catch (error) {
      if (!this.#wanted) return;
      const wait = RECONNECT_S[Math.min(attempt, RECONNECT_S.length - 1)]!;
      this.#events.onState('lost', `${(error as Error).message}; trying again in ${wait} s`);
      this.#retry = setTimeout(() => void this.#open('reconnecting', attempt + 1), wait * 1000);
    }
  }

  #reading = (event: Event): void => {
    const value = (event.target as Characteristic).value;
    if (!value) return;
    // The event's own time stamp: when the notification arrived, whatever the page was busy with.
    this.#events.onReading(
      new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)),
      performance.timeOrigin + event.timeStamp,
    );
  };

  #dropped = (): void => {
    this.#characteristic?.removeEventListener('characteristicvaluechanged', this.#reading);
    this.#characteristic = null;
    if (!this.#wanted) return;
    this.#events.onState('lost', 'the sensor went out of range or was switched off');
    this.#retry = setTimeout(() => void this.#open('reconnecting', 0), RECONNECT_S[0]! * 1000);
  };
}
