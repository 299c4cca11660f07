// The preload API object (`window.pulse`) over any transport: Electron IPC, HTTP in browser mode, a test bridge.
import { CHANNELS, type Channel } from './channels.ts';
import type { PulseApi } from './contract.ts';

export function createApi(invoke: (channel: Channel, input: unknown) => Promise<unknown>): PulseApi {
  const api: Record<string, (input?: unknown) => Promise<unknown>> = {};
  for (const [channel, method] of Object.entries(CHANNELS) as [Channel, string][]) {
    api[method] = (input?: unknown) => invoke(channel, input);
  }
  return api as unknown as PulseApi;
}
