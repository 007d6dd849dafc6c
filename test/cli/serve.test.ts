import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_REDIS_URL, uniqueEmail, uniqueId } from "../support/env";
import { freePort } from "../support/free-port";
import { DEV_ENTRY, postJson, startProcess, waitForHealth } from "../support/process";
import { smtpEnv, startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";

let database: TestDatabase;
let inbox: SmtpInbox;
beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  inbox = await startSmtpInbox();
});
afterAll(async () => {
  await inbox.close();
  await database.drop();
});

function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `otp-auth-test:${uniqueId()}:`,
    SECRET_KEY: "cli-test-secret-cli-test-secret-0123456789",
    ...smtpEnv(inbox),
  };
}

const run = (args: string[], env: Record<string, string>) => startProcess([...DEV_ENTRY, ...args], env);

/** Sends a request exactly as written and returns the whole response text. */
async function rawHttp(port: number, request: string): Promise<string> {
  const { connect } = await import("node:net");
  return new Promise((resolve, reject) => {
    let response = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    socket.on("data", (chunk) => (response += chunk.toString()));
    socket.on("end", () => resolve(response));
    socket.on("error", reject);
  });
}

describe("command line", () => {
  test("`migrate` applies the migrations and exits 0", async () => {
    const proc = run(["migrate"], baseEnv());
    expect(await proc.exited).toBe(0);
    expect(await new Response(proc.stdout).text()).toContain("Migrations applied.");
  });

  test("a bad configuration stops start-up with every problem listed and no secret shown", async () => {
    const { SMTP_SERVER: _, ...env } = baseEnv();
    const proc = run(["serve"], { ...env, NODE_ENV: "production", PORT: "nope" });
    expect(await proc.exited).toBe(1);
    const stderr = await new Response(proc.stderr).text();
    expect(stderr).toContain("SMTP_SERVER: is required");
    expect(stderr).toContain("PORT:");
    expect(stderr).not.toContain(env.SECRET_KEY);
  });

  test("an unreachable PostgreSQL at start-up is a one-line error and exit code 1", async () => {
    const proc = run(["serve"], {
      ...baseEnv(),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${freePort()}/none`,
      PORT: String(freePort()),
    });
    expect(await proc.exited).toBe(1);
    const stderr = await new Response(proc.stderr).text();
    expect(stderr).toContain("otp-auth serve failed:");
    expect(stderr.trim().split("\n").length).toBe(1);
  });

  test("`serve` migrates, answers over real HTTP end to end, and stops cleanly on SIGTERM", async () => {
    const port = freePort();
    const proc = run(["serve"], { ...baseEnv(), HOST: "127.0.0.1", PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(base, proc);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
      const email = uniqueEmail("cli");
      expect((await postJson(`${base}/auth/register`, { email, password: "correct horse battery" })).status).toBe(201);
      expect((await postJson(`${base}/auth/verify-otp`, { email, code: inbox.latestCode(email) })).status).toBe(200);

      const huge = await fetch(`${base}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "x".repeat(100_000) }),
      });
      expect(huge.status).toBe(413);
      expect(((await huge.json()) as { code: string }).code).toBe("body_too_large");

      // fetch() always sends a length, so the chunked request is written by hand.
      const chunked = await rawHttp(
        port,
        [
          "POST /auth/login HTTP/1.1",
          "Host: 127.0.0.1",
          "Content-Type: application/json",
          "Transfer-Encoding: chunked",
          "Connection: close",
          "",
          "2",
          "{}",
          "0",
          "",
          "",
        ].join("\r\n"),
      );
      expect(chunked).toStartWith("HTTP/1.1 411");
      expect(chunked).toContain('"code":"length_required"');
    } finally {
      proc.kill("SIGTERM");
    }
    expect(await proc.exited).toBe(0);
    const stdout = await new Response(proc.stdout).text();
    expect(stdout).toContain("otp-auth listening");
    expect(stdout).not.toContain("correct horse battery");
  });

  test("request lines are JSON in production and readable in development, with the client's address", async () => {
    const secret = `query-secret-${uniqueId()}`;
    const serveAndRead = async (env: Record<string, string>) => {
      const port = freePort();
      const proc = run(["serve"], { ...baseEnv(), HOST: "127.0.0.1", PORT: String(port), ...env });
      const base = `http://127.0.0.1:${port}`;
      try {
        await waitForHealth(base, proc);
        expect((await fetch(`${base}/auth/oauth/github/start?state=${secret}`)).status).toBe(503);
      } finally {
        proc.kill("SIGTERM");
      }
      expect(await proc.exited).toBe(0);
      return new Response(proc.stdout).text();
    };

    const json = await serveAndRead({ NODE_ENV: "production" });
    const entries = json
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.find((entry) => entry.message === "request" && entry.route === "/health")).toMatchObject({
      level: "info",
      method: "GET",
      status: 200,
      client_ip: "127.0.0.1",
    });
    expect(entries.find((entry) => entry.route === "/auth/oauth/:provider/start")).toMatchObject({ level: "warn", status: 503 });

    const pretty = await serveAndRead({});
    expect(pretty).not.toContain('{"time"');
    expect(pretty).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET \/health 200 [\d.]+ ms request_id=[\w-]+ client_ip=127\.0\.0\.1$/m);
    expect(pretty).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}GET \/auth\/oauth\/:provider\/start 503 [\d.]+ ms /m);
    expect(pretty).toContain("INFO  otp-auth listening");
    for (const output of [json, pretty]) expect(output).not.toContain(secret);
  });

  test("SIGTERM stops accepting, finishes the request in flight, and exits 0", async () => {
    const port = freePort();
    const proc = run(["serve"], { ...baseEnv(), HOST: "127.0.0.1", PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, proc);
    inbox.delayMail(1500);
    try {
      const email = uniqueEmail("inflight");
      const inFlight = postJson(`${base}/auth/register`, { email, password: "correct horse battery" });
      await Bun.sleep(300);
      const started = Date.now();
      proc.kill("SIGTERM");
      await Bun.sleep(100);
      await expect(fetch(`${base}/health`)).rejects.toThrow();
      expect((await inFlight).status).toBe(201);
      expect(await proc.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(inbox.mailTo(email).length).toBe(1);
    } finally {
      inbox.delayMail(0);
      proc.kill("SIGKILL");
    }
  });

  test("a busy port is a clear error naming it and a free port to use instead", async () => {
    const busy = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("taken") });
    try {
      const proc = run(["serve"], { ...baseEnv(), HOST: "127.0.0.1", PORT: String(busy.port) });
      expect(await proc.exited).toBe(1);
      const stderr = await new Response(proc.stderr).text();
      expect(stderr).toContain(`Port ${busy.port} is already in use`);
      const suggested = Number(/--port (\d+)/.exec(stderr)?.[1]);
      expect(suggested).not.toBe(busy.port);
      // The suggestion really is free: a server can listen there.
      const probe = Bun.serve({ hostname: "127.0.0.1", port: suggested, fetch: () => new Response("ok") });
      probe.stop(true);
    } finally {
      busy.stop(true);
    }
  });

  test("--port overrides PORT", async () => {
    const port = freePort();
    const proc = run(["serve", "--port", String(port)], { ...baseEnv(), HOST: "127.0.0.1", PORT: "1" });
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, proc);
    } finally {
      proc.kill("SIGTERM");
    }
    expect(await proc.exited).toBe(0);
  });
});
