// A simulated Bluetooth heart-rate strap for the e2e tests: an init script that gives the page a `navigator.bluetooth`
// whose one device notifies real Heart Rate Measurement (0x2A37) bytes once a second — so the app's own parser,
// storage and agreement run on it — and can drop the link as a strap walking out of range does.

/** What the page exposes to the test: how many readings were sent, and the switch that drops the link. */
export interface StrapSwitch {
  sent: number;
  /** The link drops; the next connect fails `failures` times before it works again. */
  drop(failures: number): void;
}

/** Init script (page.addInitScript): `bpm` with its RR interval, flags 0x16 (contact detected, RR present). */
export function simulatedStrap(bpm: number): void {
  let timer: ReturnType<typeof setInterval> | null = null;
  let failures = 0;
  const characteristic = Object.assign(new EventTarget(), {
    value: null as DataView | null,
    async startNotifications() {
      timer ??= setInterval(() => {
        const rr = Math.round((1024 * 60) / bpm);
        characteristic.value = new DataView(Uint8Array.of(0x16, bpm, rr & 0xff, rr >> 8).buffer);
        characteristic.dispatchEvent(new Event('characteristicvaluechanged'));
        strap.sent++;
      }, 1000);
      return characteristic;
    },
    async stopNotifications() {
      if (timer) clearInterval(timer);
      timer = null;
      return characteristic;
    },
  });
  const server = {
    connected: false,
    async connect() {
      if (failures > 0) {
        failures--;
        throw new DOMException('Connection failed for unknown reason.', 'NetworkError');
      }
      server.connected = true;
      return server;
    },
    disconnect() {
      server.connected = false;
      if (timer) clearInterval(timer);
      timer = null;
    },
    async getPrimaryService() {
      return { getCharacteristic: async () => characteristic };
    },
  };
  const device = Object.assign(new EventTarget(), { id: 'sim-strap-1', name: 'Simulated strap', gatt: server });
  const strap: StrapSwitch = {
    sent: 0,
    drop(n) {
      failures = n;
      server.disconnect();
      device.dispatchEvent(new Event('gattserverdisconnected'));
    },
  };
  (window as unknown as { __strap: StrapSwitch }).__strap = strap;
  Object.defineProperty(Navigator.prototype, 'bluetooth', {
    configurable: true,
    get: () => ({ requestDevice: async () => device }),
  });
}

/** Init script: a browser without Web Bluetooth (Firefox, Safari). */
export function noWebBluetooth(): void {
  Object.defineProperty(Navigator.prototype, 'bluetooth', { configurable: true, get: () => undefined });
}
