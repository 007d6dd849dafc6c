import { Elysia } from "elysia";
import { appError } from "../errors";
import { HTTP_ERRORS } from "../errors/http";
import { readJsonBody } from "./json-body";

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/**
 * Runs before routing: tags the request with an id, and refuses bodies that are too large or not JSON
 * before anything reads them. Bodies too deeply nested are refused while they are parsed (json-body.ts).
 */
export const requestGuards = ({ maxBodyBytes }: { maxBodyBytes: number }) =>
  new Elysia({ name: "request-guards" })
    .onRequest(({ request, set }) => {
      const given = request.headers.get("x-request-id");
      set.headers["x-request-id"] = given !== null && REQUEST_ID.test(given) ? given : crypto.randomUUID();
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
    })
    .onParse({ as: "global" }, ({ request, contentType }) => readJsonBody(request, contentType));
