// Renderer unit tests: window.pulse as a table of vi.fn stubs (one per API method, made on first use), installed
// before any store imports lib/api.ts; every stub is reset after each test, and a Svelte dev warning fails it.
import { afterEach, vi, type Mock } from 'vitest';
import type { PulseApi } from '../../common/ipc/contract.ts';
import type { AppErrorInfo, Result } from '../../common/ipc/result.ts';

export type StubbedApi = { [K in keyof PulseApi]: Mock<PulseApi[K]> };

const stubs = new Map<string, Mock>();
export const stubApi = new Proxy(
  {},
  {
    get: (_, name: string) => stubs.get(name) ?? stubs.set(name, vi.fn()).get(name),
  },
) as StubbedApi;

Object.assign(globalThis, { window: { pulse: stubApi } });

const svelteWarnings: string[] = [];
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (String(args[0]).includes('[svelte]')) svelteWarnings.push(args.map(String).join(' '));
  warn(...args);
};

afterEach(() => {
  stubs.clear();
  const warnings = svelteWarnings.splice(0);
  if (warnings.length > 0) throw new Error(`Svelte warned: ${warnings.join('\n')}`);
});

export const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
export const failed = (code: AppErrorInfo['code'], message: string): Promise<Result<never>> =>
  Promise.resolve({ ok: false, error: { code, message } });
