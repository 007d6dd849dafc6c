import { Elysia } from "elysia";
import { appError } from "../errors";
import { HTTP_ERRORS } from "../errors/http";
import { jsonNestsDeeperThan } from "./json-depth";

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const WITH_BODY = new Set(["POST", "PUT", "PATCH"]);
// Every body the API takes is one flat object. Elysia's validation error pretty-prints the whole body it
// refused, which for JSON nested thousands deep (16 KB of `[`) took over a second of CPU per request.
const MAX_JSON_DEPTH = 32;

/**
 * Runs before routing: tags the request with an id, and refuses bodies that are too large or not JSON
 * before anything reads them.
 */
export const requestGuards = ({ maxBodyBytes }: { maxBodyBytes: number }) =>
  new Elysia({ name: "request-guards" }).onRequest(async ({ request, set }) => {
    const given = request.headers.get("x-request-id");
    set.headers["x-request-id"] = given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    if (!WITH_BODY.has(request.method)) return;
    const length = Number(request.headers.get("content-length") ?? "0");
    // Without a length the body could only be measured by reading it; JSON clients always send one.
    if (request.headers.has("transfer-encoding")) {
      throw appError(HTTP_ERRORS.lengthRequired);
    }
    if (length > maxBodyBytes) {
      throw appError(HTTP_ERRORS.bodyTooLarge(maxBodyBytes));
    }
    const type = request.headers.get("content-type") ?? "";
    // A Request built in-process (app.handle) may carry a body without a content-length header.
    const hasBody = length > 0 || (request.body !== null && !request.headers.has("content-length"));
    if (hasBody && !/^application\/json\s*(;|$)/i.test(type)) {
      throw appError(HTTP_ERRORS.unsupportedMediaType);
    }
    // Read from a copy: the route's own parser reads the body itself. It is at most MAX_BODY_BYTES long.
    if (request.body !== null && jsonNestsDeeperThan(await request.clone().text(), MAX_JSON_DEPTH)) {
      throw appError(HTTP_ERRORS.validationFailed(`body: nested more than ${MAX_JSON_DEPTH} levels deep`));
    }
  });
