// E2E fixtures: the built renderer in Chromium, with `window.pulse` bridged to the real main services
// (real SQLite file in a temp data folder). Page errors and console errors fail the test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { CHANNELS } from '../common/ipc/channels.ts';
import { sessionVideoFile } from '../main/store/session-video.ts';
import { startLocalServer, type LocalServer } from '../main/server/local-server.ts';
import { openApp, type AppHost } from '../main/app-host.ts';
import type { ModelSettings } from '../main/services.ts';

export const RENDERER_DIR = path.resolve('dist', 'renderer');

/** The main-process side of one test: a data folder and the app host running on it, as the app runs it. */
export class Services {
  readonly dataDir: string;
  readonly #models: ModelSettings;
  #host: AppHost;

  constructor(dataDir: string, models: ModelSettings = {}) {
    this.dataDir = dataDir;
    this.#models = models;
    this.#host = this.#open();
  }

  /** The open services' store (a test that damages the database checks `host.problem` instead). */
  get store() {
    if (!this.#host.services) throw new Error(`The data folder did not open: ${this.#host.problem?.message}`);
    return this.#host.services.store;
  }

  get host(): AppHost {
    return this.#host;
  }

  get dispatch() {
    return this.#host.dispatch;
  }

  get recorder() {
    if (!this.#host.services) throw new Error(`The data folder did not open: ${this.#host.problem?.message}`);
    return this.#host.services.recorder;
  }

  /** Closes and reopens the database: what the UI shows next comes from the file alone. */
  restart(): void {
    this.#host.close();
    this.#host = this.#open();
  }

  close(): void {
    this.#host.close();
  }

  #open(): AppHost {
    return openApp({
      dataDir: this.dataDir,
      identity: { version: 'e2e', platform: process.platform, shell: 'browser' },
      models: this.#models,
      holder: 'an e2e test',
      log: () => undefined,
    });
  }
}

interface Fixtures {
  /** Bundled model, download address… for the services (`test.use({ modelSettings })`). */
  modelSettings: ModelSettings;
  /**
   * Milliseconds to hold calls of these channels before main sees them: a slow main (`test.use({ channelDelayMs })`).
   */
  channelDelayMs: Record<string, number>;
  services: Services;
  app: Page;
}

/** The running test's services: the worker's server serves that data folder's session videos. */
let current: Services | null = null;

export const test = base.extend<Fixtures, { rendererServer: LocalServer }>({
  rendererServer: [
    async ({}, use) => {
      if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html')))
        throw new Error('Build the renderer first: npm run build');
      const server = await startLocalServer({
        rendererDir: RENDERER_DIR,
        media: (sessionId) =>
          current?.host.services ? sessionVideoFile(current.host.services.store, sessionId) : null,
      });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],

  modelSettings: [{}, { option: true }],
  channelDelayMs: [{}, { option: true }],

  services: async ({ modelSettings }, use) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-'));
    const services = new Services(dataDir, modelSettings);
    current = services;
    await use(services);
    current = null;
    services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  },

  // `services` first: set up before the page, it is torn down after it, so the page never calls a closed database.
  app: async ({ services, page, rendererServer, channelDelayMs }, use, testInfo) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console error: ${message.text()}`));
    // Same transport shape as the preload: each method invokes its channel; main validates the input.
    // Through the services object at each call: a test may restart them (a restore swaps them in the host). A test
    // may hold a channel back to stand for a busy main process.
    const hold = (channel: unknown) =>
      new Promise((resolve) => setTimeout(resolve, channelDelayMs[String(channel)] ?? 0));
    await page.exposeBinding(
      '__pulseInvoke',
      async (_source, channel: unknown, input: unknown) => (await hold(channel), services.dispatch(channel, input)),
    );
    await page.addInitScript((table: Record<string, string>) => {
      const target = window as unknown as {
        pulse: Record<string, unknown>;
        __pulseInvoke: (c: string, i: unknown) => Promise<unknown>;
      };
      target.pulse = Object.fromEntries(
        Object.entries(table).map(([channel, method]) => [
          method,
          (input: unknown) => target.__pulseInvoke(channel, input),
        ]),
      );
    }, CHANNELS);
    // The API is bridged here, not over HTTP, so the page never receives the media cookie from an API reply.
    const { name, value } = rendererServer.mediaCookie;
    await page
      .context()
      .addCookies([{ name, value, domain: '127.0.0.1', path: '/media', httpOnly: true, sameSite: 'Strict' }]);
    await page.goto(`${rendererServer.url}/`);
    await use(page);
    if (testInfo.status === testInfo.expectedStatus) expect(problems, 'the page logged errors').toEqual([]);
  },
});

export { expect };
