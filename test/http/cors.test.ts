import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { freePort } from "../support/free-port";
import { startHarness, type Harness } from "../support/harness";

// Over a real socket: which origins a browser may call the API from, asked as a browser asks.

const DEV_ORIGINS = ["http://127.0.0.1:5500", "http://localhost:5500"];

/** Starts a harness listening on a free loopback port that is also its PORT, so its own origins are real. */
async function listening(env: Record<string, string>) {
  const port = freePort();
  const h = await startHarness({ env: { PORT: String(port), ...env } });
  h.app.listen({ hostname: "127.0.0.1", port });
  return { h, port, base: `http://127.0.0.1:${port}` };
}

/** The Access-Control-Allow-Origin answered to a preflight and to a plain GET from `origin`; null when absent. */
async function allowedOrigin(base: string, origin: string) {
  const preflight = await fetch(`${base}/auth/login`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
  });
  const get = await fetch(`${base}/auth/config`, { headers: { origin } });
  return { origin, preflight: preflight.headers.get("access-control-allow-origin"), get: get.headers.get("access-control-allow-origin") };
}

const allows = (origin: string) => ({ origin, preflight: origin, get: origin });
const refuses = (origin: string) => ({ origin, preflight: null, get: null });

describe("CORS", () => {
  const servers: Harness[] = [];
  afterAll(async () => {
    for (const h of servers) {
      await h.app.stop();
      await h.close();
    }
  });
  const start = async (env: Record<string, string>) => {
    const server = await listening(env);
    servers.push(server.h);
    return server;
  };

  let dev: Awaited<ReturnType<typeof listening>>;
  let prod: Awaited<ReturnType<typeof listening>>;
  let prodListed: Awaited<ReturnType<typeof listening>>;
  beforeAll(async () => {
    dev = await start({});
    prod = await start({ NODE_ENV: "production" });
    prodListed = await start({ NODE_ENV: "production", CORS_ORIGINS: "https://app.example.com" });
  });

  test("outside production: the default development origins and the server's own plain-http ones", async () => {
    for (const origin of [...DEV_ORIGINS, `http://127.0.0.1:${dev.port}`, `http://localhost:${dev.port}`]) {
      expect(await allowedOrigin(dev.base, origin)).toEqual(allows(origin));
    }
    for (const origin of ["https://evil.example", "http://127.0.0.1:5501", "null"])
      expect(await allowedOrigin(dev.base, origin)).toEqual(refuses(origin));
  });

  test("in production with CORS_ORIGINS unset: no origin at all, the development ones and its own included", async () => {
    for (const origin of [...DEV_ORIGINS, `http://127.0.0.1:${prod.port}`, `http://localhost:${prod.port}`, "https://evil.example"]) {
      expect(await allowedOrigin(prod.base, origin)).toEqual(refuses(origin));
    }
    expect(prod.h.config.CORS_ORIGINS).toEqual([]);
  });

  test("no answer tells the browser to send its cookies or credentials along: the API uses bearer tokens only", async () => {
    const preflight = await fetch(`${dev.base}/auth/login`, {
      method: "OPTIONS",
      headers: { origin: DEV_ORIGINS[0]!, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    const get = await fetch(`${dev.base}/auth/config`, { headers: { origin: DEV_ORIGINS[0]! } });
    for (const answer of [preflight, get]) expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
  });

  test("in production: exactly what CORS_ORIGINS lists", async () => {
    expect(await allowedOrigin(prodListed.base, "https://app.example.com")).toEqual(allows("https://app.example.com"));
    for (const origin of [
      ...DEV_ORIGINS,
      `http://127.0.0.1:${prodListed.port}`,
      `http://localhost:${prodListed.port}`,
      "http://app.example.com",
    ]) {
      expect(await allowedOrigin(prodListed.base, origin)).toEqual(refuses(origin));
    }
  });
});
