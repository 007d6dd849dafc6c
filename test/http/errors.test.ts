import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { uniqueEmail } from "../support/env";
import { startHarness, type Harness } from "../support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { MAX_BODY_BYTES: "2048" } });
});
afterAll(() => h.close());

const post = (path: string, body: string, headers: Record<string, string>) =>
  h.app.handle(new Request(`http://localhost${path}`, { method: "POST", body, headers }));

// That no log line holds a secret is checked over a run through every route in test/attack/log-secrets.test.ts.
describe("bad input and errors", () => {
  test("malformed JSON is 400 with a detail", async () => {
    const res = await post("/auth/login", '{"email": "a@b.co", "password": ', { "content-type": "application/json" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: "The request body is not valid JSON.", code: "malformed_body" });
  });

  test("a body that is not JSON is 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await post("/auth/register", "email=a%40b.co&password=secretsecret", { "content-type": type });
      expect(res.status).toBe(415);
      const body = (await res.json()) as { detail: string };
      expect(body.detail).toBe("Content-Type must be application/json.");
      expect(JSON.stringify(body)).not.toContain("secretsecret");
    }
  });

  test("a body over MAX_BODY_BYTES is 413 before it is read", async () => {
    const body = JSON.stringify({ email: uniqueEmail(), password: "x".repeat(4000) });
    const res = await post("/auth/register", body, { "content-type": "application/json", "content-length": String(body.length) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toContain("larger than 2048 bytes");
  });

  test("JSON of the wrong shape is 422", async () => {
    for (const body of ["[1,2]", '"text"', "null", "42"]) {
      const res = await post("/auth/login", body, { "content-type": "application/json" });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { detail: string }).detail).toStartWith("Invalid request.");
    }
  });

  test("JSON nested more than 32 levels deep is refused before validation, which would pretty-print it", async () => {
    for (const body of [`${"[".repeat(8000)}${"]".repeat(8000)}`, `{"email": ${'{"a":'.repeat(33)}1${"}".repeat(33)}}`]) {
      const res = await post("/auth/login", body, { "content-type": "application/json" });
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({ detail: "Invalid request. body: nested more than 32 levels deep", code: "validation_failed" });
    }
    // Brackets inside strings do not count, and 32 levels are let through to the route's own validation.
    const inString = await h.call("POST", "/auth/login", { email: "[".repeat(100), password: "{".repeat(100) });
    expect(inString.body.detail).toBe("Invalid request. email: Invalid email address");
    const shallow = await post("/auth/login", `{"email": ${"[".repeat(31)}${"]".repeat(31)}}`, { "content-type": "application/json" });
    expect(((await shallow.json()) as { detail: string }).detail).toStartWith(
      "Invalid request. email: Invalid input: expected string, received array",
    );
  });

  test("an empty body is 422, not 500", async () => {
    const res = await h.app.handle(new Request("http://localhost/auth/login", { method: "POST" }));
    expect(res.status).toBe(422);
  });

  test("extra fields are ignored and a password is never echoed, whatever is wrong", async () => {
    const secret = "my-very-secret-password";
    const res = await h.call("POST", "/auth/register", { email: "broken", password: secret, admin: true });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  test("unknown routes are 404 JSON", async () => {
    const res = await h.call("GET", "/nope");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: "Not Found", code: "not_found" });
  });

  test("every response carries a request id; a sane one from the client is kept", async () => {
    const given = await h.call("GET", "/health", undefined, { "x-request-id": "abc-123" });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const generated = await h.call("GET", "/nope", undefined, { "x-request-id": "bad id with spaces" });
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("CORS allows the configured origins and no others", async () => {
    const preflight = (origin: string) =>
      h.app.handle(
        new Request("http://localhost/auth/login", {
          method: "OPTIONS",
          headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
        }),
      );
    const allowed = await preflight("http://127.0.0.1:5500");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5500");
    const own = await preflight("http://localhost:8000");
    expect(own.headers.get("access-control-allow-origin")).toBe("http://localhost:8000");
    const evil = await preflight("https://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).not.toBe("https://evil.example");
  });
});
