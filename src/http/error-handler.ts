import { Elysia, type ValidationError } from "elysia";
import { isDatabaseUnavailable } from "../db/errors";
import { AppError, appError } from "../errors";
import { HTTP_ERRORS } from "../errors/http";
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
  return [...new Set(parts)].join("; ") || "The body does not match the schema.";
}

const JSON_OBJECT_REQUIRED = "body: a JSON object is required.";

/** The one place where errors become `{"detail": ...}` responses. */
export const errorHandler = (log: Logger) =>
  new Elysia({ name: "error-handler" }).onError({ as: "global" }, ({ code, error, request, set }) => {
    const requestId = String(set.headers["x-request-id"] ?? "");
    const headers: Record<string, string> = requestId ? { "x-request-id": requestId } : {};
    const path = () => pathOf(request.url);
    const answer = (known: AppError) =>
      json(known.status, { ...known.fields, detail: known.detail, code: known.code }, { ...headers, ...known.headers });
    if (error instanceof AppError) return answer(error);
    // Refused while the body was parsed (json-body.ts): Elysia wraps what a parser throws.
    if (code === "PARSE" && error.cause instanceof AppError) return answer(error.cause);
    // A lost database is answered like any AppError: one path builds every known error's response.
    if (isDatabaseUnavailable(error)) {
      log.warn("database unavailable", { request_id: requestId, path: path() });
      return answer(appError(HTTP_ERRORS.postgresUnavailable));
    }
    switch (code) {
      case "VALIDATION":
        // A response that breaks its own schema is our bug, not the client's.
        if (error.type === "response") break;
        // An empty JSON body reaches validation as null (json-body.ts).
        if (error.type === "body" && error.value === null) return answer(appError(HTTP_ERRORS.validationFailed(JSON_OBJECT_REQUIRED)));
        return answer(appError(HTTP_ERRORS.validationFailed(describeValidation(error))));
      case "PARSE":
        // No body at all is a missing field, as the original answered it, not malformed JSON.
        if (request.headers.get("content-length") === "0" || (!request.headers.has("content-length") && request.body === null)) {
          return answer(appError(HTTP_ERRORS.validationFailed(JSON_OBJECT_REQUIRED)));
        }
        return answer(appError(HTTP_ERRORS.malformedBody));
      case "NOT_FOUND":
        return answer(appError(HTTP_ERRORS.notFound));
    }
    log.error("unhandled error", { request_id: requestId, path: path(), error: error as Error });
    return answer(appError(HTTP_ERRORS.internalError));
  });
