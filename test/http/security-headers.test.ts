import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { errorHandler } from "../../src/http/error-handler";
import { API_CSP, DOCS_CSP, HSTS, securityHeaders } from "../../src/http/security-headers";
import { createLogger } from "../../src/lib/log";
import { MAILBOX_CSP } from "../../src/modules/dev-mailbox/page";
import { PAGE_CSP } from "../../src/modules/ui/routes";
import { startHarness, type Harness } from "../support/harness";

// In-process requests have no connection: without a token /metrics would refuse them all.
const METRICS_TOKEN = "security-headers-metrics-token";
const COMMON = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY" };

function expectSecurityHeaders(headers: Headers, csp: string) {
  for (const [name, value] of Object.entries(COMMON)) expect({ name, value: headers.get(name) }).toEqual({ name, value });
  expect(headers.get("content-security-policy")).toBe(csp);
}

const request = (h: Harness, path: string, init: RequestInit = {}) => h.app.handle(new Request(`http://localhost${path}`, init));

describe("security headers on every response", () => {
  let h: Harness;
  let https: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { MAX_BODY_BYTES: "1024", PUBLIC_URL: "http://auth.example.test", METRICS_TOKEN } });
    https = await startHarness({ env: { PUBLIC_URL: "https://auth.example.test" } });
  });
  afterAll(async () => {
    await h.close();
    await https.close();
  });

  test("JSON answers, errors included, get the strict API policy", async () => {
    const cases: [string, RequestInit, number][] = [
      ["/health", {}, 200],
      ["/auth/config", {}, 200],
      ["/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }, 200],
      ["/metrics", {}, 401],
      ["/docs/json", {}, 200],
      ["/nope", {}, 404],
      ["/auth/login", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }, 422],
      ["/auth/login", { method: "POST", body: "{bad", headers: { "content-type": "application/json" } }, 400],
      ["/auth/login", { method: "POST", body: "x", headers: { "content-type": "text/plain" } }, 415],
      [
        "/auth/login",
        { method: "POST", body: "x".repeat(2000), headers: { "content-type": "application/json", "content-length": "2000" } },
        413,
      ],
      ["/auth/me", {}, 401],
      ["/auth/oauth/google/start", {}, 503],
      ["/auth/login", { method: "OPTIONS", headers: { origin: "http://127.0.0.1:5500", "access-control-request-method": "POST" } }, 204],
    ];
    for (const [path, init, status] of cases) {
      const res = await request(h, path, init);
      expect({ path, status: res.status }).toEqual({ path, status });
      expectSecurityHeaders(res.headers, API_CSP);
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
  });

  test("the page keeps its own CSP, /docs gets the one Swagger UI works under", async () => {
    const page = await request(h, "/");
    expect(page.status).toBe(200);
    expectSecurityHeaders(page.headers, PAGE_CSP);
    const docs = await request(h, "/docs");
    expect(docs.status).toBe(200);
    expectSecurityHeaders(docs.headers, DOCS_CSP);
    const asset = await request(h, "/docs/assets/swagger-init.js");
    expect(await asset.text()).toContain("SwaggerUIBundle");
    expectSecurityHeaders(asset.headers, API_CSP);
  });

  test("HSTS only when PUBLIC_URL is https, on every answer", async () => {
    for (const path of ["/health", "/nope", "/", "/docs"]) {
      const res = await request(https, path);
      expect(res.headers.get("strict-transport-security")).toBe(HSTS);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
    expect((await request(h, "/")).headers.get("strict-transport-security")).toBeNull();
  });
});

describe("security headers around the error handler", () => {
  test("an unexpected error's 500 carries them too; with no PUBLIC_URL there is no HSTS", async () => {
    const app = new Elysia()
      .use(securityHeaders({}))
      .use(errorHandler(createLogger("error", () => {})))
      .get("/bug", () => {
        throw new Error("boom");
      });
    const res = await app.handle(new Request("http://localhost/bug"));
    expect(res.status).toBe(500);
    expectSecurityHeaders(res.headers, API_CSP);
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });
});

describe("the development mailbox", () => {
  test("keeps its own CSP, with the common headers added", async () => {
    const h = await startHarness({ backend: "embedded" });
    try {
      const res = await request(h, "/dev/mailbox");
      expect(res.status).toBe(200);
      expectSecurityHeaders(res.headers, MAILBOX_CSP);
    } finally {
      await h.close();
    }
  });
});
