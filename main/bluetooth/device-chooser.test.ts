// The desktop Bluetooth picker's state: the latest scan is listed, a choice answers the open request once, a device
// that was not offered (or none) cancels it.
import { expect, test } from 'vitest';
import { DeviceChooser } from './device-chooser.ts';

test('lists the latest scan and answers the request with the chosen device, once', () => {
  const chooser = new DeviceChooser();
  const answers: string[] = [];
  chooser.offer([{ deviceId: 'a', deviceName: 'Polar H10' }], (id) => answers.push(id));
  chooser.offer(
    [
      { deviceId: 'a', deviceName: 'Polar H10' },
      { deviceId: 'b', deviceName: '' },
    ],
    (id) => answers.push(id),
  );
  expect(chooser.list()).toEqual({
    picker: 'app',
    pending: true,
    devices: [
      { deviceId: 'a', deviceName: 'Polar H10' },
      { deviceId: 'b', deviceName: 'Unnamed device' },
    ],
  });
  expect(chooser.choose('b')).toEqual({ chosen: true });
  expect(chooser.choose('a')).toEqual({ chosen: false });
  expect(answers).toEqual(['b']);
  expect(chooser.list().pending).toBe(false);
});

test('a device that was not offered, or none, cancels the request', () => {
  const chooser = new DeviceChooser();
  const answers: string[] = [];
  chooser.offer([{ deviceId: 'a', deviceName: 'strap' }], (id) => answers.push(id));
  expect(chooser.choose('zzz')).toEqual({ chosen: false });
  chooser.offer([], (id) => answers.push(id));
  expect(chooser.choose(null)).toEqual({ chosen: false });
  expect(answers).toEqual(['', '']);
});
