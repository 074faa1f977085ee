// The setup every browser test file shares: one server and one Chromium for the
// file, and the contexts a test opens closed after it.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from './chromium.ts';
import { startE2eServer, type E2eServer, type E2eServerOptions } from './e2e-server.ts';

export interface BrowserSuiteOptions {
  server?: E2eServerOptions;
  // Runs once the server and the browser are up (upstream routes, seeded connectors).
  setup?: (server: E2eServer) => void | Promise<void>;
  // Timeout of the beforeAll hook; the project's hookTimeout when not given.
  timeout?: number;
}

export interface BrowserSuite {
  // Stand-ins usable from the top of the file: they forward to the real server
  // and browser, which exist once beforeAll has run.
  readonly server: E2eServer;
  readonly browser: Browser;
  // Contexts closed after each test.
  readonly contexts: BrowserContext[];
  track<T extends BrowserContext>(context: T): T;
}

// Forwards every property to the object `current()` returns; methods are bound to it.
function lateBound<T extends object>(name: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const target = current();
      if (!target) throw new Error(`the e2e ${name} is used before beforeAll has started it`);
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    has: (_target, property) => Reflect.has(current() ?? {}, property),
  });
}

export function useBrowserSuite(options: BrowserSuiteOptions = {}): BrowserSuite {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startE2eServer(options.server);
    browser = await launchChromium();
    await options.setup?.(server);
  }, options.timeout);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    server: lateBound('server', () => server),
    browser: lateBound('browser', () => browser),
    contexts,
    track(context) {
      contexts.push(context);
      return context;
    },
  };
}
