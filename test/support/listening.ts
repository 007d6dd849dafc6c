import { afterAll, beforeAll } from "bun:test";
import { startHarness, type Harness, type HarnessOptions } from "./harness";
import { send, type Answer } from "./http-client";

/** A harness's app served over real HTTP on a loopback port: the attack suites talk to it as a client would. */
export interface Listening {
  base: string;
  /** One JSON request; never throws (see http-client.ts `send`). */
  http(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  stop(): Promise<void>;
}

export function listen(h: Harness): Listening {
  const server = h.app.listen({ hostname: "127.0.0.1", port: 0 }).server!;
  const base = `http://127.0.0.1:${server.port}`;
  return {
    base,
    http: (method, path, body, headers = {}) => send(base, method, path, body, headers),
    stop: async () => {
      await server.stop(true);
    },
  };
}

/**
 * For the describe block it is called in: a harness served over real HTTP, started before its tests and
 * closed after them. Read `suite.h` and `suite.server` inside the tests (they are set once the block starts).
 */
export function servedForSuite(options: HarnessOptions): { h: Harness; server: Listening } {
  const suite = {} as { h: Harness; server: Listening };
  beforeAll(async () => {
    suite.h = await startHarness(options);
    suite.server = listen(suite.h);
  });
  afterAll(async () => {
    await suite.server?.stop();
    await suite.h?.close();
  });
  return suite;
}
