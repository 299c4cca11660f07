// The desktop app's Bluetooth device picker, as plain state: Electron's `select-bluetooth-device` event (main/modules)
// offers the devices found so far with the callback that answers the page's requestDevice(); the Record view lists
// them through IPC and answers with the user's choice. One request is open at a time (Chromium cancels the older).

export interface FoundDevice {
  deviceId: string;
  deviceName: string;
}

export class DeviceChooser {
  #devices: FoundDevice[] = [];
  #answer: ((deviceId: string) => void) | null = null;

  /** Called on every scan update: the list so far and the request's callback. */
  offer(devices: readonly FoundDevice[], answer: (deviceId: string) => void): void {
    this.#devices = devices.map((d) => ({ deviceId: d.deviceId, deviceName: d.deviceName || 'Unnamed device' }));
    this.#answer = answer;
  }

  list(): { picker: 'app'; pending: boolean; devices: FoundDevice[] } {
    return { picker: 'app', pending: this.#answer !== null, devices: this.#devices };
  }

  /** Answers the open request: a device found in this scan, or '' to cancel (null). */
  choose(deviceId: string | null): { chosen: boolean } {
    const answer = this.#answer;
    if (!answer) return { chosen: false };
    const known = deviceId !== null && this.#devices.some((d) => d.deviceId === deviceId);
    this.#answer = null;
    this.#devices = [];
    answer(known ? deviceId : '');
    return { chosen: known };
  }
}
