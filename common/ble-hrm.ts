// Parses the Bluetooth Heart Rate Measurement characteristic (GATT 0x2A37, Heart Rate Service 0x180D) as the
// Bluetooth SIG's Heart Rate Service specification defines it: a flags byte, then the fields the flags announce.
// Environment-free: the renderer parses live notifications with it, main checks what it is sent with it again.

/** GATT numbers of the Heart Rate Service and its measurement characteristic (16-bit assigned numbers). */
export const HEART_RATE_SERVICE = 0x180d;
export const HEART_RATE_MEASUREMENT = 0x2a37;

/** Flag bits of the first byte; bits 5–7 are reserved for future use and ignored, not rejected. */
const HR_UINT16 = 0x01;
const CONTACT_DETECTED = 0x02;
const CONTACT_SUPPORTED = 0x04;
const ENERGY_PRESENT = 0x08;
const RR_PRESENT = 0x10;

/** RR intervals are sent in units of 1/1024 s. */
export const RR_UNITS_PER_S = 1024;

/** Sensor contact: 'unsupported' is not "no contact" — a strap without the feature clears both bits. */
export type SensorContact = 'detected' | 'not-detected' | 'unsupported';

export interface HeartRateMeasurement {
  bpm: number;
  contact: SensorContact;
  /** Cumulative energy expended since the sensor's last reset, kilojoules; null when not sent. */
  energyKj: number | null;
  /** RR intervals in milliseconds, oldest first (a notification may carry several, or none). */
  rrMs: number[];
}

export class HeartRateFormatError extends Error {
  readonly code = 'bad-measurement';
}

const bad = (message: string) => new HeartRateFormatError(`Heart Rate Measurement: ${message}`);

/** Decodes one notification's value; throws HeartRateFormatError saying what is wrong with a malformed one. */
export function parseHeartRateMeasurement(value: DataView | Uint8Array | readonly number[]): HeartRateMeasurement {
  const view = value instanceof DataView ? value : new DataView(Uint8Array.from(value).buffer);
  if (view.byteLength === 0) throw bad('the value is empty (a flags byte is required)');
  const flags = view.getUint8(0);
  const hrBytes = flags & HR_UINT16 ? 2 : 1;
  const energyBytes = flags & ENERGY_PRESENT ? 2 : 0;
  const fixed = 1 + hrBytes + energyBytes;
  if (view.byteLength < fixed) {
    throw bad(
      `${view.byteLength} bytes, but flags 0x${flags.toString(16).padStart(2, '0')} announce at least ${fixed}`,
    );
  }
  const bpm = hrBytes === 2 ? view.getUint16(1, true) : view.getUint8(1);
  const energyKj = energyBytes ? view.getUint16(1 + hrBytes, true) : null;
  const rest = view.byteLength - fixed;
  const rrMs: number[] = [];
  if (flags & RR_PRESENT) {
    if (rest === 0 || rest % 2 !== 0)
      throw bad(`the RR-interval field holds ${rest} bytes; it must be a whole number of 16-bit values (at least one)`);
    for (let at = fixed; at < view.byteLength; at += 2) rrMs.push((view.getUint16(at, true) * 1000) / RR_UNITS_PER_S);
  } else if (rest !== 0) {
    throw bad(`${rest} bytes follow the announced fields, but no RR intervals are announced`);
  }
  const contact: SensorContact =
    flags & CONTACT_SUPPORTED ? (flags & CONTACT_DETECTED ? 'detected' : 'not-detected') : 'unsupported';
  return { bpm, contact, energyKj, rrMs };
}
