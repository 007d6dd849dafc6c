import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { z } from "zod";
import { AppError } from "../../src/errors";
import { errorHandler } from "../../src/http/error-handler";
import { createLogger } from "../../src/lib/log";

// The handler on its own, behind routes that fail in each way a real route can.
function appWithFailures() {
  const logs: string[] = [];
  const app = new Elysia()
    .use(errorHandler(createLogger("debug", (line) => void logs.push(line))))
    .get("/app-error", () => {
      throw new AppError(409, "Conflict here.", "conflict", { "Retry-After": "3" });
    })
    .get("/bug", () => {
      throw new Error("internal detail: connection string postgres://user:pw@db");
    })
    .get("/failed-query", () => {
      // drizzle-orm's DrizzleQueryError: the query, then its parameters, in the message.
      throw Object.assign(
        new Error(
          `Failed query: update "users" set "password_hash" = $1 where "users"."id" = $2\nparams: $argon2id$v=19$secret-hash,ann@example.com`,
        ),
        {
          cause: Object.assign(new Error("value too long"), { code: "22001" }),
        },
      );
    })
    .get("/db-down", () => {
      throw Object.assign(new Error("wrapped"), { cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) });
    })
    .get("/bad-response", () => ({ wrong: true }) as unknown as { right: string }, {
      response: { 200: z.object({ right: z.string() }) },
    });
  const get = async (path: string) => {
    const res = await app.handle(new Request(`http://localhost${path}`));
    return { status: res.status, headers: res.headers, body: (await res.json()) as { detail: string; code: string } };
  };
  return { get, logs };
}

describe("error handler", () => {
  test("an AppError keeps its status, detail, code and headers", async () => {
    const { get } = appWithFailures();
    const res = await get("/app-error");
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ detail: "Conflict here.", code: "conflict" });
    expect(res.headers.get("retry-after")).toBe("3");
  });

  test("an unexpected error is a logged 500 that reveals nothing of it", async () => {
    const { get, logs } = appWithFailures();
    const res = await get("/bug");
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ detail: "Internal server error.", code: "internal_error" });
    expect(logs.join("\n")).toContain("unhandled error");
  });

  test("a failed query is logged with its SQL and the driver's code, never its parameters", async () => {
    const { get, logs } = appWithFailures();
    expect((await get("/failed-query")).status).toBe(500);
    const line = logs.find((entry) => entry.includes("unhandled error"))!;
    const { error } = JSON.parse(line);
    expect(error.message).toBe('Failed query: update "users" set "password_hash" = $1 where "users"."id" = $2\nparams: [redacted]');
    expect(error.stack).toContain("params: [redacted]\n");
    expect(error.cause_code).toBe("22001");
    expect(line).not.toContain("secret-hash");
    expect(line).not.toContain("ann@example.com");
  });

  test("a PostgreSQL connection failure, even wrapped, is 503", async () => {
    const { get } = appWithFailures();
    const res = await get("/db-down");
    expect(res.status).toBe(503);
    expect(res.body.detail).toContain("PostgreSQL");
  });

  test("a response that breaks its schema is our 500, not the client's 422", async () => {
    const { get } = appWithFailures();
    expect((await get("/bad-response")).status).toBe(500);
  });
});
