import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { errorHandler } from "../../src/http/error-handler";
import { requestGuards } from "../../src/http/request-guards";
import { requestLog } from "../../src/http/request-log";
import { createLogger, formatPretty, type LogEntry } from "../../src/lib/log";
import { createMetrics } from "../../src/lib/metrics";
import { uniqueEmail, uniqueId } from "../support/env";
import { startHarness, type Harness } from "../support/harness";

const parse = (lines: string[]) => lines.map((line) => JSON.parse(line) as LogEntry);
const requestLines = (lines: string[], requestId: string) =>
  parse(lines).filter((entry) => entry.message === "request" && entry.request_id === requestId);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { GITHUB_CLIENT_ID: "gh-id", GITHUB_CLIENT_SECRET: "gh-secret", GITHUB_REDIRECT_URI: "http://127.0.0.1:8000/" },
  });
});
afterAll(() => h.close());

/** Sends a request with its own request id and returns the request log lines written for it. */
async function logged(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const id = `log-${uniqueId()}`;
  const res = await h.app.handle(
    new Request(`http://localhost${path}`, { method, body: init.body, headers: { ...init.headers, "x-request-id": id } }),
  );
  await res.arrayBuffer();
  return { status: res.status, lines: requestLines(h.logs, id), id };
}

describe("request log", () => {
  test("one JSON line per request with method, route, status, duration and request id", async () => {
    const { status, lines, id } = await logged("GET", "/health");
    expect(status).toBe(200);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(Object.keys(line!).sort()).toEqual(["duration_ms", "level", "message", "method", "request_id", "route", "status", "time"]);
    expect(line).toMatchObject({ level: "info", message: "request", method: "GET", route: "/health", status: 200, request_id: id });
    expect(typeof line!.duration_ms).toBe("number");
    expect(line!.duration_ms as number).toBeGreaterThanOrEqual(0);
  });

  test("every kind of answer is logged exactly once, errors and early answers included", async () => {
    const json = { "content-type": "application/json" };
    const cases: [string, string, { body?: string; headers?: Record<string, string> }, number, string | null][] = [
      [
        "POST",
        "/auth/register",
        { body: JSON.stringify({ email: uniqueEmail(), password: "correct horse battery" }), headers: json },
        201,
        "/auth/register",
      ],
      ["POST", "/auth/login", { body: "{}", headers: json }, 422, "/auth/login"],
      ["POST", "/auth/login", { body: "{bad", headers: json }, 400, "/auth/login"],
      [
        "POST",
        "/auth/login",
        { body: JSON.stringify({ email: uniqueEmail(), password: "wrong password" }), headers: json },
        401,
        "/auth/login",
      ],
      ["GET", "/auth/me", {}, 401, "/auth/me"],
      ["GET", "/auth/oauth/google/start", {}, 503, "/auth/oauth/:provider/start"],
      // Refused by the request guards before routing: no route is known yet.
      ["POST", "/auth/login", { body: "x", headers: { "content-type": "text/plain" } }, 415, null],
      ["GET", "/no/such/route", {}, 404, null],
      // The CORS preflight is answered by a hook before routing, not by a route.
      ["OPTIONS", "/auth/login", { headers: { origin: "http://127.0.0.1:5500", "access-control-request-method": "POST" } }, 204, null],
    ];
    for (const [method, path, init, status, route] of cases) {
      const result = await logged(method, path, init);
      expect({ path, status: result.status }).toEqual({ path, status });
      expect(result.lines).toHaveLength(1);
      expect(result.lines[0]).toMatchObject({ method, route, status, level: status >= 500 ? "warn" : "info" });
    }
  });

  test("the route pattern is logged, never the path or its query", async () => {
    const secret = `tok-${uniqueId()}`;
    const { status, lines } = await logged("GET", `/auth/oauth/github/start?redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2F&token=${secret}`);
    expect(status).toBe(200);
    expect(lines[0]).toMatchObject({ route: "/auth/oauth/:provider/start", status: 200 });
    const all = h.logs.join("\n");
    expect(all).not.toContain(secret);
    expect(all).not.toContain("/auth/oauth/github/start");
  });

  test("a 500 is logged once as a request line and once with the error, under one request id", async () => {
    const logs: string[] = [];
    const log = createLogger("debug", (line) => void logs.push(line));
    const app = new Elysia()
      .use(requestLog({ log, metrics: createMetrics(), trustedProxies: 0 }))
      .use(errorHandler(log))
      .use(requestGuards({ maxBodyBytes: 1024 }))
      .get("/bug/:id", () => {
        throw new Error("boom");
      });
    const res = await app.handle(new Request("http://localhost/bug/42?code=123456", { headers: { "x-request-id": "req-500" } }));
    expect(res.status).toBe(500);
    const entries = parse(logs).filter((entry) => entry.request_id === "req-500");
    expect(entries.map((entry) => entry.message).sort()).toEqual(["request", "unhandled error"]);
    expect(entries.find((entry) => entry.message === "request")).toMatchObject({ level: "warn", route: "/bug/:id", status: 500 });
    expect(logs.join("\n")).not.toContain("123456");
  });
});

describe("the client address in the request log", () => {
  const appWith = (trustedProxies: number, logs: string[]) =>
    new Elysia()
      .use(requestLog({ log: createLogger("info", (line) => void logs.push(line)), metrics: createMetrics(), trustedProxies }))
      .get("/ping", () => "pong");

  test("with TRUST_PROXY it is the address the proxy appended to X-Forwarded-For; without, the header is ignored", async () => {
    const forwarded = { "x-forwarded-for": "198.51.100.7, 203.0.113.9" };
    const trusting: string[] = [];
    await appWith(1, trusting).handle(new Request("http://localhost/ping", { headers: forwarded }));
    expect(parse(trusting)[0]!.client_ip).toBe("203.0.113.9");
    const plain: string[] = [];
    await appWith(0, plain).handle(new Request("http://localhost/ping", { headers: forwarded }));
    expect(parse(plain)[0]!.client_ip).toBeUndefined();
  });
});

describe("pretty log lines", () => {
  const time = "2026-01-02T03:04:05.678Z";

  test("a request reads as method, route, status and duration, then the other fields", () => {
    const line = formatPretty({
      time,
      level: "info",
      message: "request",
      method: "GET",
      route: "/auth/me",
      status: 401,
      duration_ms: 3.2,
      request_id: "abc",
    });
    expect(line).toBe("03:04:05.678 INFO  GET /auth/me 401 3.2 ms request_id=abc");
  });

  test("other events show their message and fields; values with spaces are quoted; an error's stack follows", () => {
    const error = { name: "Error", message: "connection refused", stack: "Error: connection refused\n    at connect (db.ts:1:1)" };
    const line = formatPretty({ time, level: "error", message: "unhandled error", request_id: "r1", path: "/a b", error });
    expect(line.split("\n")[0]).toBe('03:04:05.678 ERROR unhandled error request_id=r1 path="/a b" error="connection refused"');
    expect(line).toContain("\n    Error: connection refused\n        at connect (db.ts:1:1)");
  });

  test("colours only when asked", () => {
    expect(formatPretty({ time, level: "warn", message: "x" }, true)).toContain("\x1b[33mWARN \x1b[0m");
    expect(formatPretty({ time, level: "warn", message: "x" })).not.toContain("\x1b[");
  });
});
