import { Elysia, ValidationError } from "elysia";
import { isDatabaseUnavailable } from "../db/errors";
import { AppError, dependencyUnavailable } from "../errors";
import type { Logger } from "../lib/log";
import { pathOf } from "./path";

const json = (status: number, body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

interface Issue {
  path?: string | ReadonlyArray<unknown>;
  message?: string;
}

function validationIssues(error: Readonly<ValidationError>): Issue[] {
  try {
    if (error.all?.length) return error.all as Issue[];
  } catch {
    // `all` can throw for some schemas; the first error is still there.
  }
  const first = (error as unknown as { valueError?: Issue }).valueError;
  return first ? [first] : [];
}

const fieldName = (path: Issue["path"]) => {
  const name = typeof path === "string" ? path.replace(/^\//, "").replaceAll("/", ".") : (path ?? []).map(String).join(".");
  return !name || name === "root" ? "body" : name;
};

/**
 * Names each invalid field and what is wrong with it, never the submitted value: Elysia's own message
 * echoes the whole body, password included.
 */
function describeValidation(error: Readonly<ValidationError>): string {
  const parts = validationIssues(error).map(({ path, message }) => `${fieldName(path)}: ${message ?? "is invalid"}`);
  return `Invalid request. ${[...new Set(parts)].join("; ") || "The body does not match the schema."}`;
}

/** The one place where errors become `{"detail": ...}` responses. */
export const errorHandler = (log: Logger) =>
  new Elysia({ name: "error-handler" }).onError({ as: "global" }, ({ code, error, request, set }) => {
    const requestId = String(set.headers["x-request-id"] ?? "");
    const headers: Record<string, string> = requestId ? { "x-request-id": requestId } : {};
    const path = () => pathOf(request.url);
    let known = error instanceof AppError ? error : null;
    // A lost database is answered like any AppError: one path builds every known error's response.
    if (!known && isDatabaseUnavailable(error)) {
      log.warn("database unavailable", { request_id: requestId, path: path() });
      known = dependencyUnavailable("PostgreSQL", error);
    }
    if (known) {
      return json(known.status, { ...known.fields, detail: known.detail, code: known.code }, { ...headers, ...known.headers });
    }
    switch (code) {
      case "VALIDATION":
        // A response that breaks its own schema is our bug, not the client's.
        if (error.type === "response") break;
        return json(422, { detail: describeValidation(error), code: "validation_failed" }, headers);
      case "PARSE":
        // No body at all is a missing field, as the original answered it, not malformed JSON.
        if (request.headers.get("content-length") === "0" || (!request.headers.has("content-length") && request.body === null)) {
          return json(422, { detail: "Invalid request. body: a JSON object is required.", code: "validation_failed" }, headers);
        }
        return json(400, { detail: "The request body is not valid JSON.", code: "malformed_body" }, headers);
      case "NOT_FOUND":
        return json(404, { detail: "Not Found", code: "not_found" }, headers);
    }
    log.error("unhandled error", { request_id: requestId, path: path(), error: error as Error });
    return json(500, { detail: "Internal server error.", code: "internal_error" }, headers);
  });
