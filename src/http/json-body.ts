import { appError } from "../errors";
import { HTTP_ERRORS } from "../errors/http";
import { jsonNestsDeeperThan } from "./json-depth";

// Every body the API takes is one flat object. Elysia's validation error pretty-prints the whole body it
// refused, which for JSON nested thousands deep (16 KB of `[`) took over a second of CPU per request.
export const MAX_JSON_DEPTH = 32;
const JSON_TYPE = /^application\/json\s*$/i;

/**
 * The JSON body parser of every route (an Elysia parse hook; `contentType` without its parameters): reads the
 * body once, refuses nesting deeper than MAX_JSON_DEPTH from the text, before anything parses it, then parses
 * it once. An empty body is null, so a route that takes no body ignores it as it always did, and one that
 * does answers that a JSON object is required. Other content types are left to Elysia (undefined).
 */
export function readJsonBody(request: Request, contentType: string): Promise<unknown> | undefined {
  if (request.body === null || !JSON_TYPE.test(contentType)) return undefined;
  return request.text().then((text) => {
    if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
      throw appError(HTTP_ERRORS.validationFailed(`body: nested more than ${MAX_JSON_DEPTH} levels deep`));
    }
    return text.length === 0 ? null : JSON.parse(text);
  });
}
