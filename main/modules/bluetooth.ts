// Web Bluetooth in the desktop app: Electron has no device chooser of its own, so `select-bluetooth-device` is
// answered by the Record view's picker (main/bluetooth/device-chooser.ts, over IPC). Pairing that needs a PIN is
// refused: heart-rate straps and oximeters pair without one. https://www.electronjs.org/docs/latest/tutorial/devices
import type { WebContents } from 'electron';
import type { DeviceChooser } from '../bluetooth/device-chooser.ts';

export function installBluetoothPicker(contents: WebContents, chooser: DeviceChooser): void {
  contents.on('select-bluetooth-device', (event, devices, callback) => {
    // Without preventDefault Electron connects the first device found, which may be someone else's strap.
    event.preventDefault();
    chooser.offer(devices, callback);
  });
  contents.session.setBluetoothPairingHandler((_details, callback) => callback({ confirmed: false }));
}
