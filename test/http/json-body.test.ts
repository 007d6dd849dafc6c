import { describe, expect, spyOn, test } from "bun:test";
import { Elysia } from "elysia";
import { z } from "zod";
import { errorHandler } from "../../src/http/error-handler";
import { requestGuards } from "../../src/http/request-guards";
import { createLogger } from "../../src/lib/log";

// The guards and the error handler as the app composes them, with a route that takes a body and one that does not.
const app = new Elysia()
  .use(errorHandler(createLogger("error", () => {})))
  .use(requestGuards({ maxBodyBytes: 64 * 1024 }))
  .post("/takes-body", ({ body }) => ({ got: body.name }), { body: z.object({ name: z.string() }), parse: "json" })
  .post("/no-body", () => ({ ok: true }));

const post = async (path: string, body: string, type = "application/json") => {
  const res = await app.handle(
    new Request(`http://localhost${path}`, {
      method: "POST",
      body,
      headers: { "content-type": type, "content-length": String(body.length) },
    }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
const TOO_DEEP = { detail: "Invalid request. body: nested more than 32 levels deep", code: "validation_failed" };

describe("JSON bodies", () => {
  test("are read once, without a copy of the request, and parsed once", async () => {
    const clone = spyOn(Request.prototype, "clone");
    const parse = spyOn(JSON, "parse");
    try {
      expect(await post("/takes-body", JSON.stringify({ name: "ann" }))).toEqual({ status: 200, body: { got: "ann" } });
      expect(clone).not.toHaveBeenCalled();
      expect(parse.mock.calls.filter(([text]) => text === '{"name":"ann"}')).toHaveLength(1);
    } finally {
      clone.mockRestore();
      parse.mockRestore();
    }
  });

  test("nested deeper than 32 levels are refused before they are parsed, on every route; 32 levels are not", async () => {
    const parse = spyOn(JSON, "parse");
    try {
      for (const path of ["/takes-body", "/no-body"]) {
        for (const body of [nested(33), `${"[".repeat(8000)}${"]".repeat(8000)}`, `{"name": "x", "more": ${nested(40)}}`]) {
          expect(await post(path, body)).toEqual({ status: 422, body: TOO_DEEP });
        }
      }
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
    expect(await post("/no-body", nested(32))).toEqual({ status: 200, body: { ok: true } });
    expect((await post("/takes-body", `{"name": ${nested(31)}}`)).body.detail).toStartWith("Invalid request. name:");
    // Brackets inside strings are text, not nesting.
    expect(await post("/takes-body", JSON.stringify({ name: "[{".repeat(100) }))).toEqual({ status: 200, body: { got: "[{".repeat(100) } });
  });

  test("an empty body is a missing object where one is required, and nothing where none is", async () => {
    expect(await post("/takes-body", "")).toEqual({
      status: 422,
      body: { detail: "Invalid request. body: a JSON object is required.", code: "validation_failed" },
    });
    expect(await post("/no-body", "")).toEqual({ status: 200, body: { ok: true } });
  });

  test("text that is not JSON is 400 malformed_body; a JSON value of the wrong shape is 422", async () => {
    for (const body of ["{bad", "[[[[", " ", '{"name": "x"'])
      expect(await post("/takes-body", body)).toEqual({
        status: 400,
        body: { detail: "The request body is not valid JSON.", code: "malformed_body" },
      });
    expect((await post("/takes-body", "null")).body.detail).toBe("Invalid request. body: a JSON object is required.");
    expect((await post("/takes-body", "[1]")).status).toBe(422);
  });
});
